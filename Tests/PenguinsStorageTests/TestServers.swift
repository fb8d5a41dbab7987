import Foundation
import PenguinsStorage
import Logging
import PostgresNIO
import PenguinsTestSupport
import Testing

/// The PostgreSQL and Redis servers of the integration tests, named by `PENGUINS_TEST_POSTGRES`
/// and `PENGUINS_TEST_REDIS` (`eval "$(scripts/services.sh env)"` sets both; `.ci/run` always
/// does). The suites that need them carry `TestService.postgres.gate()` or
/// `TestService.redis.gate()`.
enum TestServers {
    /// The PostgreSQL test database, or nil when none is configured.
    static let postgres: PostgresLocation? = {
        guard let text = TestService.postgres.value,
              case .postgres(let location)? = try? StoreLocation.parse(text, role: .lake)
        else { return nil }
        return location
    }()

    /// The Redis test server, or nil when none is configured.
    static let redis: RedisLocation? = {
        guard let text = TestService.redis.value,
              case .redis(let location)? = try? StoreLocation.parse(text, role: .cache)
        else { return nil }
        return location
    }()

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
