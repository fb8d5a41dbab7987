import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import PenguinsPipeline
import PenguinsServer
import Testing

/// Tests against a real server listening on an ephemeral port of 127.0.0.1.
@Suite struct LiveServerTests {
    @Test func theAPIAndTheDashboardAnswerOverHTTP() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform)
        try await app.test(.live) { client in
            // The test framework binds port 0, so the port is only known once the server runs:
            // a prediction sent there by a plain socket reaches this platform's server (its log
            // holds it at the end).
            let port = try #require(client.port)
            let plain = try plainHTTPRequest(port: port, "POST", "/api/v1/predict", json: adelieJSON)
            #expect(plain.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(plain)")
            #expect(plain.contains(#""species":"Adelie""#), "\(plain)")
            #expect(try await client.send(.get, "/api/v1/health").status == .ok)
            let prediction = try await client.postJSON("/api/v1/predict", gentooJSON)
            #expect(prediction.status == .ok)
            #expect(try prediction.object()["species"] as? String == "Gentoo")
            let lookup = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)")
            #expect(try lookup.object()["source"] as? String == "cache")
            try expectProblem(try await client.postJSON("/api/v1/predict", "{nope"), status: .badRequest, field: "body")
            let page = try await client.send(.get, "/")
            #expect(page.status == .ok)
            #expect(page.contentType == "text/html; charset=utf-8")
            // A body over the limit is refused over a real connection too.
            let large = "{\"penguins\":[" + String(repeating: "1,", count: 3 << 20) + "1]}"
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", large), status: .contentTooLarge)
        }
        // Graceful shutdown flushed both live predictions to the log: the test client's and the
        // plain socket's.
        #expect(try await platform.predictionLog.count() == 2)
    }

    @Test func concurrentRequestsAllSucceed() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.live) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let response = index % 2 == 0
                            ? try await client.postJSON("/api/v1/predict", adelieJSON)
                            : try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)")
                        return response.status.code
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
    }

    @Test func aPortInUseIsAReadableError() async throws {
        let occupied = try OccupiedPort()
        defer { occupied.close() }
        let configuration = ServerConfiguration(host: "127.0.0.1", port: occupied.port)
        let app = try await PenguinsServer.makeApplication(platform: try await makePlatform(), configuration: configuration, options: testOptions())
        await #expect(throws: ServerError.addressInUse(host: "127.0.0.1", port: occupied.port)) {
            try await PenguinsServer.serve(app, configuration: configuration)
        }
        #expect(ServerError.addressInUse(host: "127.0.0.1", port: 1).description.contains("--port"))
    }
}

/// A TCP socket listening on 127.0.0.1 at a port the system chose.
final class OccupiedPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// One HTTP/1.1 request over a plain socket to 127.0.0.1:`port`, read until the server closes
/// the connection (at most 10 s): what any client, not the test framework's, gets there.
func plainHTTPRequest(port: Int, _ method: String, _ path: String, json body: String) throws -> String {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
    defer { _ = Glibc.close(descriptor) }
    var limit = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    let request = Array((
        "\(method) \(path) HTTP/1.1\r\nHost: localhost:\(port)\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    ).utf8)
    guard send(descriptor, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else { throw POSIXError(.EPIPE) }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16_384)
    while case let count = recv(descriptor, &buffer, buffer.count, 0), count > 0 {
        response += buffer[0..<count]
    }
    return String(decoding: response, as: UTF8.self)
}
