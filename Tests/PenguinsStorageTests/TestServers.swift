import Foundation
import PenguinsStorage
import Logging
import PostgresNIO
import Testing

/// A service of `scripts/services.sh` that tests need, named by an environment variable.
///
/// ``gate(_:)`` is the trait of those tests: they run when the variable is set, and are skipped
/// with a message saying how to start the service when it is not — except in continuous
/// integration (`CI` set and not empty), where the services are part of the run: there each
/// such test fails instead, naming the variable.
struct TestService: Sendable {
    var name: String
    var variable: String

    static let postgres = TestService(name: "PostgreSQL", variable: "PENGUINS_TEST_POSTGRES")
    static let redis = TestService(name: "Redis", variable: "PENGUINS_TEST_REDIS")

    /// How to start the services and set their variables.
    static let howToStart = "scripts/services.sh start && eval \"$(scripts/services.sh env)\""

    /// The variable's value, or nil when it is unset or empty.
    var value: String? { ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 } }

    /// Runs the tests when the service is configured; skips them, or under CI fails them.
    func gate(_ tests: String? = nil) -> ConditionTrait {
        let tests = tests ?? "\(name) tests"
        return .enabled("\(tests) skipped: \(variable) is not set. Run `\(Self.howToStart)` first.") {
            if value != nil { return true }
            if !ProcessInfo.processInfo.environment["CI", default: ""].isEmpty { throw Missing(service: self, tests: tests) }
            return false
        }
    }

    /// The failure of a gated test in continuous integration without its service.
    struct Missing: Error, CustomStringConvertible {
        var service: TestService
        var tests: String
        var description: String {
            "\(service.variable) is not set, but CI is: the \(tests) must run, not be skipped. "
                + "Start \(service.name) and set the variable with `\(TestService.howToStart)`."
        }
    }
}

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
