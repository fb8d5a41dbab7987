import Foundation
import Hummingbird
import PenguinsDashboard

/// Building responses: JSON from bytes or from a Codable value (snake_case keys, as the
/// CLI's `--format json`), HTML pages, redirects.
enum Responses {
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBuffer()
        buffer.writeBytes(bytes)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }

    static func json(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        json(writer.bytes, status: status)
    }

    /// A Codable value as JSON with snake_case keys, sorted; non-finite numbers as strings.
    static func json(encoding value: some Encodable, convertingKeys: Bool = true, status: HTTPResponse.Status = .ok) throws -> Response {
        json(Array(try encoded(value, convertingKeys: convertingKeys)), status: status)
    }

    /// - Parameter convertingKeys: false for a value whose keys are spelled already and that holds
    ///   dictionaries of data (a dataset schema's aliases), whose keys must stay as they are.
    static func encoded(_ value: some Encodable, convertingKeys: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        if convertingKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        text(page, contentType: "text/html; charset=utf-8", status: status)
    }

    /// The dashboard's style sheet. Its link carries a digest of its text
    /// (``Layout/styleSheetLink``), so browsers may keep it for a day.
    static func styleSheet() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=86400"],
            body: .init(byteBuffer: ByteBuffer(string: Layout.styleSheet))
        )
    }

    /// The dashboard's error page.
    static func page(status: HTTPResponse.Status, title: String, detail: String) -> Response {
        html(Pages.error(status: status.code, title: title, detail: detail), status: status)
    }

    /// The dashboard's error page for `problem`, with its headers (`Allow`, `Retry-After`).
    static func page(_ problem: Problem) -> Response {
        var page = page(status: problem.status, title: problem.title, detail: problem.detail)
        page.headers.append(contentsOf: problem.headerFields)
        return page
    }

    /// 303 See Other to `location` (after a form post).
    static func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
