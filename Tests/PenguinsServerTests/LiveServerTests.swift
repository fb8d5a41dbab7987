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
            #expect(client.port != nil)
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
        // Graceful shutdown flushed the one live prediction to the log.
        #expect(try await platform.predictionLog.count() == 1)
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
