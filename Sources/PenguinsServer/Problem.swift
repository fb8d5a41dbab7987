import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PenguinsPipeline
import PenguinsStorage

/// One offending input of a rejected request: the field (a body member, named as the schema
/// names it, with the index of its item in a batch, `rows[3].<feature>`, whose items the
/// penguins' batch calls `penguins`; a query parameter, a path parameter or a header) and what
/// is wrong with it.
public struct FieldError: Sendable, Equatable, Codable {
    public var field: String
    public var detail: String
    public init(field: String, detail: String) {
        self.field = field
        self.detail = detail
    }
}

/// An RFC 9457 problem document: every error the API answers, as `application/problem+json`.
///
/// `type` is a stable URN per kind of problem (`urn:penguins:problem:validation`, ...), so a
/// client can branch on it; `errors` names each offending field.
public struct Problem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var type: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    /// Extra response headers (`Allow` on a 405).
    public var headers: [String: String]

    public init(
        status: HTTPResponse.Status, type: String, title: String, detail: String,
        errors: [FieldError] = [], headers: [String: String] = [:]
    ) {
        self.status = status
        self.type = "urn:penguins:problem:" + type
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// The problem document's JSON text.
    public var json: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("type"); writer.string(type)
        writer.key("title"); writer.string(title)
        writer.key("status"); writer.int(status.code)
        writer.key("detail"); writer.string(detail)
        writer.key("errors")
        writer.beginArray()
        for error in errors {
            writer.beginObject()
            writer.key("field"); writer.string(error.field)
            writer.key("detail"); writer.string(error.detail)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.text
    }

    /// ``headers`` as HTTP fields, whichever form (problem document or page) the answer takes.
    var headerFields: HTTPFields {
        var fields = HTTPFields()
        for (name, value) in headers {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }

    /// The problem as an HTTP response.
    public var response: Response {
        var fields = headerFields
        fields[.contentType] = "application/problem+json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}

// MARK: - The problems the API answers

extension Problem {
    /// 400: the body is not JSON.
    static func malformedJSON(_ detail: String, field: String = "body") -> Problem {
        Problem(status: .badRequest, type: "malformed-json", title: "Malformed JSON",
                detail: detail, errors: [FieldError(field: field, detail: detail)])
    }

    /// 409: the candidate is worse than the current version by more than the margin.
    static func promotionRefused(_ refused: PromotionRefused) -> Problem {
        let comparison = refused.comparison
        return Problem(
            status: .conflict, type: "promotion-refused", title: "Promotion refused",
            detail: "model version \(comparison.candidate) was not promoted: \(comparison.summary); force=true promotes it anyway",
            errors: [FieldError(field: "version", detail: comparison.summary)])
    }

    /// 422: well-formed JSON whose content is invalid.
    static func invalidBody(_ errors: [FieldError]) -> Problem {
        Problem(status: .unprocessableContent, type: "validation", title: "Invalid request body",
                detail: "the request body has \(errors.count == 1 ? "an invalid field" : "\(errors.count) invalid fields"): "
                    + errors.prefix(3).map { "\($0.field) \($0.detail)" }.joined(separator: "; ")
                    + (errors.count > 3 ? "; ..." : ""),
                errors: errors)
    }

    /// 400: a query or path parameter is missing or invalid.
    static func invalidParameter(_ name: String, _ detail: String) -> Problem {
        Problem(status: .badRequest, type: "invalid-parameter", title: "Invalid parameter",
                detail: "\(name) \(detail)", errors: [FieldError(field: name, detail: detail)])
    }

    /// 413: the body is larger than the endpoint accepts.
    static func bodyTooLarge(limit: Int) -> Problem {
        let detail = "the request body is larger than \(Problem.byteCount(limit)); send fewer penguins per request"
        return Problem(status: .contentTooLarge, type: "body-too-large", title: "Request body too large",
                       detail: detail, errors: [FieldError(field: "body", detail: detail)])
    }

    /// 415: the body is not `application/json`.
    static func unsupportedMediaType(_ contentType: String?, expected: String) -> Problem {
        let detail = "the body must be sent as \(expected), not \(contentType.map { "\"\($0)\"" } ?? "without a Content-Type")"
        return Problem(status: .unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type",
                       detail: detail, errors: [FieldError(field: "Content-Type", detail: detail)])
    }

    /// 404: nothing is served at this path.
    static func unknownRoute(_ method: HTTPRequest.Method, _ path: String) -> Problem {
        Problem(status: .notFound, type: "unknown-route", title: "Not found",
                detail: "nothing is served at \(method.rawValue) \(path); see /api/v1/openapi.yaml for the API")
    }

    /// 405: the path exists, not with this method.
    static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String, allowed: [String]) -> Problem {
        Problem(status: .methodNotAllowed, type: "method-not-allowed", title: "Method not allowed",
                detail: "\(path) answers \(allowed.joined(separator: ", ")), not \(method.rawValue)",
                headers: ["Allow": allowed.joined(separator: ", ")])
    }

    /// 404: a named resource does not exist.
    static func notFound(_ what: String, field: String) -> Problem {
        Problem(status: .notFound, type: "not-found", title: "Not found", detail: "\(what) not found",
                errors: [FieldError(field: field, detail: "no such \(field.replacingOccurrences(of: "_", with: " "))")])
    }

    /// 503: no model to predict with.
    static var noModel: Problem {
        Problem(status: .serviceUnavailable, type: "no-model", title: "No model",
                detail: "no model: run penguins ingest and penguins train")
    }

    /// 429: as many analyses as the server admits at once are running (``HeavyWorkLimiter``).
    static func tooBusy(limit: Int) -> Problem {
        Problem(status: .tooManyRequests, type: "too-busy", title: "Too many analyses at once",
                detail: "the server runs at most \(limit) analyses (statistics, regressions, drift, simulations, benchmarks) at a time "
                    + "and all are running; retry in a second (predictions and lookups are not limited)",
                headers: ["Retry-After": "1"])
    }

    /// 503: a store failed or is down. Names the store, why, what still works and what to do;
    /// `Retry-After` suggests when to try again.
    static func storeUnavailable(_ role: String, _ error: any Error, field: String? = nil) -> Problem {
        let reason = StoreHealth.reason(error)
        let detail = "the \(role) is unavailable: \(reason). Cached predictions and POST /api/v1/predict still answer; "
            + "retry in a few seconds, and if it lasts check that the \(role)'s server (or data directory) is reachable"
        return Problem(status: .serviceUnavailable, type: "store-unavailable", title: "\(role.prefix(1).uppercased() + role.dropFirst()) unavailable",
                       detail: detail, errors: [FieldError(field: field ?? role.replacingOccurrences(of: " ", with: "_"), detail: "is unavailable: \(reason)")],
                       headers: ["Retry-After": "2"])
    }

    /// The problem for any error a handler threw: validation and state errors keep their
    /// meaning, store failures are 503, anything else is a 500 that names the error.
    static func from(_ error: any Error) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as PipelineError:
            switch error {
            case .unknownColumn, .invalidOption:
                return Problem(status: .badRequest, type: "invalid-parameter", title: "Invalid parameter",
                               detail: error.description, errors: [FieldError(field: error.field, detail: error.description)])
            case .noModel:
                return .noModel
            case .noDatasetModel, .modelDoesNotMatch:
                return Problem(status: .serviceUnavailable, type: "no-model", title: "No model", detail: error.description)
            case .noTrainingRows, .emptyWarehouse, .notEnoughRows:
                return Problem(status: .conflict, type: "not-enough-data", title: "Not enough data", detail: error.description)
            case .unknownDataset:
                return Problem(status: .notFound, type: "not-found", title: "Not found", detail: error.description,
                               errors: [FieldError(field: "dataset", detail: error.description)])
            }
        case let refused as PromotionRefused:
            return .promotionRefused(refused)
        case let error as StorageError:
            switch error {
            case .notFound(let what):
                return Problem(status: .notFound, type: "not-found", title: "Not found", detail: error.description,
                               errors: [FieldError(field: "version", detail: "\(what) not found")])
            case .nothingToRollBack, .alreadyExists:
                return Problem(status: .conflict, type: "conflict", title: "Conflict", detail: error.description)
            case .unavailable, .corrupt:
                return .storeUnavailable("store", error)
            }
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: PenguinsServer.maximumBodySize)
        default:
            return Problem(status: .internalServerError, type: "internal", title: "Internal error",
                           detail: "the server failed: \(error)")
        }
    }

    private static func byteCount(_ bytes: Int) -> String {
        bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : bytes % 1024 == 0 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
    }
}

extension PipelineError {
    /// The parameter an option error is about, as far as the message tells.
    var field: String {
        switch self {
        case .unknownColumn: return "column"
        case .invalidOption(let message):
            for name in ["test_fraction", "threshold", "predictors", "target", "seed", "feature"]
            where message.contains(name) || message.contains(name.replacingOccurrences(of: "_", with: "-")) {
                return name
            }
            return "parameters"
        default: return "parameters"
        }
    }
}
