import Logging
import NIOPosix
import PostgresNIO
@testable import PenguinsStorage
import PenguinsTestSupport
import Testing

/// The point-read connections against a real PostgreSQL server: a read the server does not
/// answer in time fails with a timeout, and the next read works on a fresh connection.
@Suite(TestService.postgres.gate())
struct PostgresReadConnectionsTests {
    @Test func aReadThatIsNotAnsweredInTimeFailsAndTheNextReconnects() async throws {
        let location = try #require(TestServers.postgres)
        let logger = Logger(label: "penguins.tests", factory: { _ in SwiftLogNoOpLogHandler() })
        let readers = PostgresReadConnections(count: 1, group: MultiThreadedEventLoopGroup.singleton, readTimeout: .milliseconds(300)) { eventLoop in
            try await PostgresConnection.connect(
                on: eventLoop,
                configuration: PostgresConnection.Configuration(
                    host: location.host, port: location.port, username: location.username, password: location.password,
                    database: location.database, tls: .disable
                ),
                id: 1, logger: logger
            )
        }
        // Answered only after 5 s: without the bound the read would return a row.
        await #expect(throws: PostgresReadTimeout.self) {
            _ = try await readers.withConnection { try await $0.rows("SELECT pg_sleep(5)", []) }
        }

        let rows = try await readers.withConnection { try await $0.rows("SELECT $1::text", [PostgresData(string: "again")]) }
        #expect(try rows.first?.decode(String.self) == "again")
        await readers.close()
    }
}
