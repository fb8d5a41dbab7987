import Foundation
import PenguinsStorage
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL and Redis servers of the integration tests, named by `PENGUINS_TEST_POSTGRES`
/// and `PENGUINS_TEST_REDIS` (`eval "$(scripts/services.sh env)"` sets both; `.ci/run` always
/// does). Without them the server suites are skipped, with a message saying how to run them.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment

    /// The PostgreSQL test database, or nil when none is configured.
    static let postgres: PostgresLocation? = {
        guard let text = environment["PENGUINS_TEST_POSTGRES"], !text.isEmpty,
              case .postgres(let location)? = try? StoreLocation.parse(text, role: .lake)
        else { return nil }
        return location
    }()

    /// The Redis test server, or nil when none is configured.
    static let redis: RedisLocation? = {
        guard let text = environment["PENGUINS_TEST_REDIS"], !text.isEmpty,
              case .redis(let location)? = try? StoreLocation.parse(text, role: .cache)
        else { return nil }
        return location
    }()

    static let skipPostgres = Comment(rawValue:
        "PostgreSQL tests skipped: PENGUINS_TEST_POSTGRES is not set. Run `scripts/services.sh start` and `eval \"$(scripts/services.sh env)\"` first.")
    static let skipRedis = Comment(rawValue:
        "Redis tests skipped: PENGUINS_TEST_REDIS is not set. Run `scripts/services.sh start` and `eval \"$(scripts/services.sh env)\"` first.")

    /// A name no other test uses: a schema or a key prefix.
    static func uniqueName(_ purpose: String) -> String {
        "t_\(purpose)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }

    /// Runs `body` with a store on a fresh schema of the test database, then drops the schema.
    static func withPostgresStore(
        _ purpose: String, operationTimeout: Duration = .seconds(10), _ body: (PostgresStore) async throws -> Void
    ) async throws {
        let location = try #require(postgres).withSchema(uniqueName(purpose))
        let store = try PostgresStore(location: location, maximumConnections: 4, operationTimeout: operationTimeout)
        do {
            try await body(store)
        } catch {
            await dropSchema(of: store)
            throw error
        }
        await dropSchema(of: store)
    }

    private static func dropSchema(of store: PostgresStore) async {
        try? await store.dropSchema()
        await store.shutdown()
    }

    /// Runs `body` on a direct connection to the test database (its default schema).
    static func withAdministrator(_ body: (PostgresConnection, Logger) async throws -> Void) async throws {
        let location = try #require(postgres)
        let logger = Logger(label: "penguins.tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username, password: location.password,
            database: location.database, tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await body(connection, logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// A Redis location with a fresh key prefix, so tests running in parallel never see each other's keys.
    static func redisLocation(_ purpose: String) throws -> RedisLocation {
        var location = try #require(redis)
        location.keyPrefix = uniqueName(purpose) + ":"
        return location
    }
}

/// In continuous integration the servers are part of the run: a missing one is a failure, not a skip.
@Suite struct TestServersTests {
    @Test func continuousIntegrationProvidesBothServers() {
        guard TestServers.environment["CI"] == "true" else { return }
        #expect(TestServers.postgres != nil, "CI=true but PENGUINS_TEST_POSTGRES is not set: .ci/run starts the servers with scripts/services.sh")
        #expect(TestServers.redis != nil, "CI=true but PENGUINS_TEST_REDIS is not set: .ci/run starts the servers with scripts/services.sh")
    }
}
