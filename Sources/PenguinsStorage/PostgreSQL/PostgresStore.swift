import Foundation
import Logging
import PenguinsCore
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization

/// Every relational storage role in one PostgreSQL database: the lake (JSONB documents), the
/// warehouse (a table partitioned by island), the model registry, the prediction log and the
/// quarantine.
///
/// The roles share one `PostgresClient`, a connection pool whose `run()` loop runs in a
/// background task from `init` until ``shutdown()``. Nothing touches the network in `init`:
/// the first operation of any role connects once, creates the schema when one is configured,
/// applies the migrations (``PostgresMigrations``) and then runs; ``prepare()`` does the same
/// eagerly. A server that cannot be reached, or stops answering, surfaces as
/// ``StorageError/unavailable(role:location:reason:)`` within ``operationTimeout``, naming the
/// role and the URL with its password masked.
///
/// Outages: an operation that fails on the connection (refused, closed, no answer) makes the
/// next one first try a connection of its own (``probeTimeout`` at most). While such attempts
/// fail, operations fail at once for ``retryInterval`` instead of waiting for the pool; the
/// first attempt that succeeds after a failed one replaces the pool by a fresh one, because
/// postgres-nio's pool, once its connection attempts have failed for a while, waits up to a
/// minute between attempts (and fails every request while its circuit breaker is open). So
/// the store works again within about ``retryInterval`` of the server coming back.
///
/// Writers that must not interleave (upserts, promotions, schema registrations, dataset table
/// steps) take transaction-scoped advisory locks whose keys include `current_schema()`, so
/// platforms kept in separate schemas of one database never wait for each other.
///
/// Every value reaches the server as a bound parameter of `PostgresQuery` interpolation; the
/// only names spliced into SQL are the schema (validated as a lowercase identifier) and
/// constants of the code.
public final class PostgresStore: Sendable {
    /// Where the database is.
    public let location: PostgresLocation
    /// The longest an operation waits for a connection and its answer before it fails.
    public let operationTimeout: Duration
    /// How long a read of a whole table may take (a server that stops answering is still found
    /// within ``slowOperationCheck``, by a probe of its own).
    public let bulkOperationTimeout: Duration

    /// The penguins' document lake, the first lake: the dataset lake of their bundled schema.
    public var lake: PostgresRecordLake { PostgresRecordLake(store: self, tables: Self.penguinTables) }
    /// The analytical warehouse.
    public var warehouse: PenguinWarehouse<PostgresRecordWarehouse> {
        PenguinWarehouse(records: PostgresRecordWarehouse(store: self, tables: Self.penguinTables))
    }

    /// The tables of the penguins' bundled schema, made with the platform's migrations.
    static let penguinTables = DatasetTables(schema: BundledSchemas.penguins)
    /// Versioned model artifacts.
    public var registry: PostgresModelRegistry { PostgresModelRegistry(store: self) }
    /// The registered dataset schemas.
    public var datasets: PostgresDatasetCatalog { PostgresDatasetCatalog(store: self) }
    /// The API keys.
    public var accessKeys: PostgresAccessKeyStore { PostgresAccessKeyStore(store: self) }
    /// The penguins' log of real-time predictions: the dataset log of their bundled schema.
    public var predictionLog: PostgresRecordPredictionLog { PostgresRecordPredictionLog(store: self, tables: Self.penguinTables) }
    /// Rows that ingestion refused.
    public var quarantine: PostgresQuarantine { PostgresQuarantine(store: self) }

    /// How long operations fail at once after a failed connection attempt, before the next attempt.
    public let retryInterval: Duration
    /// The longest a connection attempt after a failure may take.
    public let probeTimeout: Duration
    /// How long a pool operation runs before the server is checked (see ``withServerWatch(_:)``).
    public let slowOperationCheck: Duration

    /// The connection pool in use.
    var client: PostgresClient { pool.withLock { $0.client } }
    let logger: Logger
    /// Connections for point reads by key (see ``PostgresReadConnections``).
    private let readers: PostgresReadConnections
    /// The fingerprints of the dataset schemas whose tables this process has brought up to date.
    let preparedDatasets = Mutex<[String: String]>([:])
    private let pool: Mutex<Pool>
    /// Stoppers of pools replaced after an outage (see ``replacePool()``).
    private let retiredPools = Mutex<[Task<Void, Never>]>([])
    private let readiness = Mutex<Readiness>(.notPrepared)
    private let server = Mutex<ServerState>(.answering)
    private let clientConfiguration: PostgresClient.Configuration

    /// A connection pool and the task that runs it.
    private struct Pool: Sendable {
        let client: PostgresClient
        let task: Task<Void, Never>

        init(_ configuration: PostgresClient.Configuration, logger: Logger) {
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            self.client = client
            task = Task.detached { await client.run() }
        }
    }

    /// The server as the store last saw it.
    private enum ServerState {
        /// Operations go to the pool.
        case answering
        /// An operation failed on the connection: the next one checks the server first.
        case suspect(reason: String)
        /// A connection attempt failed: operations fail at once until `retryAt`, then one checks again.
        case down(retryAt: ContinuousClock.Instant, reason: String)
        /// One operation is checking the server; the others fail at once meanwhile.
        case checking(reason: String)
    }

    private enum Readiness {
        case notPrepared
        case preparing(Task<Void, any Error>)
        case ready
    }

    /// A store for the database at `location`; connects on first use.
    ///
    /// - Parameters:
    ///   - maximumConnections: the size of the connection pool.
    ///   - operationTimeout: how long an operation may wait for a connection and its answer.
    ///   - bulkOperationTimeout: the same for a read of a whole table (``run(_:bulk:_:)``),
    ///     whose answer takes as long as the table is large.
    ///   - retryInterval: after a failed connection attempt, how long operations fail at once.
    ///   - slowOperationCheck: how long a pool operation runs before the server is checked.
    public init(
        location: PostgresLocation, maximumConnections: Int = 8, operationTimeout: Duration = .seconds(10),
        bulkOperationTimeout: Duration = .seconds(900),
        retryInterval: Duration = .milliseconds(500), slowOperationCheck: Duration = .seconds(1)
    ) throws {
        self.location = location
        self.operationTimeout = operationTimeout
        self.bulkOperationTimeout = max(operationTimeout, bulkOperationTimeout)
        self.retryInterval = retryInterval
        probeTimeout = min(operationTimeout, .seconds(2))
        self.slowOperationCheck = slowOperationCheck
        logger = Logger(label: "penguins.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database, tls: try PostgresStore.clientTLS(location.tls)
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(5)
        if let schema = location.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        clientConfiguration = configuration
        pool = Mutex(Pool(configuration, logger: logger))
        let connectionConfiguration = PostgresStore.connectionConfiguration(location)
        let logger = logger
        let ids = Atomic<Int>(1)
        readers = PostgresReadConnections(count: 2, group: PostgresConnection.defaultEventLoopGroup, readTimeout: probeTimeout) { eventLoop in
            let connection = try await PostgresConnection.connect(
                on: eventLoop, configuration: try connectionConfiguration(),
                id: ids.wrappingAdd(1, ordering: .relaxed).newValue, logger: logger
            )
            // These connections only read rows by key. On a small table the planner's generic
            // plan would scan the id table instead of probing its primary key: several times
            // slower per read, and the plan is kept for the life of the prepared statement.
            do {
                try await connection.query("SET enable_seqscan = off", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            return connection
        }
    }

    deinit {
        pool.withLock { $0.task.cancel() }
    }

    /// Connects, creates the schema if configured and applies pending migrations, once.
    /// Later calls return at once. A failure is thrown and the next call tries again.
    ///
    /// - Throws: ``StorageError/unavailable(role:location:reason:)`` when the server cannot be
    ///   reached, refuses the credentials, lacks the database, or a migration fails.
    public func prepare(role: StoreRole = .lake) async throws {
        let task: Task<Void, any Error>? = readiness.withLock { state in
            switch state {
            case .ready: return nil
            case .preparing(let task): return task
            case .notPrepared:
                let task = Task { try await self.migrate() }
                state = .preparing(task)
                return task
            }
        }
        guard let task else { return }
        do {
            try await task.value
            readiness.withLock { $0 = .ready }
        } catch {
            readiness.withLock { state in
                if case .preparing = state { state = .notPrepared }
            }
            throw unavailable(role, error)
        }
    }

    /// The names of the migrations applied to the database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await run(.lake) { client in
            var names: [String] = []
            for try await name in try await client.query("SELECT name FROM schema_migrations ORDER BY position").decode(String.self) {
                names.append(name)
            }
            return names
        }
    }

    /// Drops the configured schema and everything in it, for throw-away platforms and tests.
    /// Does nothing without a schema: the database's default schema is never dropped.
    public func dropSchema() async throws {
        guard let schema = location.schema else { return }
        precondition(StoreLocation.isValidIdentifier(schema), "unchecked schema name")
        try await run(.lake) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \(schema) CASCADE"))
        }
        readiness.withLock { $0 = .notPrepared }
    }

    /// Stops the pool's background task and closes its connections. The store cannot be used afterwards.
    public func shutdown() async {
        await readers.close()
        let task = pool.withLock { $0.task }
        task.cancel()
        await task.value
        // Pools replaced after an outage: stopped now rather than after their grace period.
        for stop in retiredPools.withLock({ pools in defer { pools = [] }; return pools }) {
            stop.cancel()
            await stop.value
        }
    }

    /// Runs `body` with the pool once the store is prepared, failing with
    /// ``StorageError/unavailable(role:location:reason:)`` after ``operationTimeout`` (with
    /// `bulk`, a read of a whole table, ``bulkOperationTimeout``; with `schemaChange`, a one-time
    /// change of tables, ``migrationTimeout``) or on any server error.
    @discardableResult
    func run<Result: Sendable>(
        _ role: StoreRole, bulk: Bool = false, schemaChange: Bool = false,
        _ body: @escaping @Sendable (PostgresClient) async throws -> Result
    ) async throws -> Result {
        if !readiness.withLock({ if case .ready = $0 { true } else { false } }) {
            try await prepare(role: role)
        }
        try await checkServer(role)
        let client = client
        do {
            let timeout = schemaChange ? max(operationTimeout, PostgresStore.migrationTimeout)
                : bulk ? bulkOperationTimeout : operationTimeout
            return try await withServerWatch(timeout: timeout) { try await body(client) }
        } catch let error as StorageError {
            throw error
        } catch {
            if PostgresStore.isConnectionFailure(error) { suspectServer(PostgresStore.reason(error)) }
            throw unavailable(role, error)
        }
    }

    /// Runs a pool operation within `timeout`. One still running after
    /// ``slowOperationCheck`` has the server checked with a connection of its own: when that
    /// fails, the operation is abandoned at once (it would wait for the pool to connect until
    /// its timeout) and the store marks the server down; when it succeeds, the operation goes on.
    /// An abandoned operation is cancelled but not waited for (see ``withDeadline(_:watchdog:_:)``).
    private func withServerWatch<Result: Sendable>(
        timeout: Duration, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let check = slowOperationCheck
        guard check < timeout else { return try await withDeadline(timeout, operation) }
        return try await withDeadline(timeout, watchdog: {
            try await Task.sleep(for: check)
            do {
                try await self.probeServer()
            } catch {
                // Cancelled because the operation ended first: nothing was learned about the server.
                if Task.isCancelled { return }
                let reason = PostgresStore.reason(error)
                self.server.withLock { state in
                    if case .answering = state { state = .down(retryAt: .now + self.retryInterval, reason: reason) }
                }
                throw error
            }
        }, operation)
    }

    /// After a failure on a connection: the next pool operation checks the server first.
    private func suspectServer(_ reason: String) {
        server.withLock { state in
            if case .answering = state { state = .suspect(reason: reason) }
        }
    }

    /// Lets an operation through to the pool, fails it at once while the server is known to be
    /// down, or checks the server first with a connection of its own after a failure (replacing
    /// the pool when the server answers again after an outage).
    private func checkServer(_ role: StoreRole) async throws {
        enum Step { case go, fail(String), check(reason: String, afterOutage: Bool) }
        let now = ContinuousClock.now
        let step = server.withLock { state -> Step in
            switch state {
            case .answering:
                return .go
            case .suspect(let reason):
                state = .checking(reason: reason)
                return .check(reason: reason, afterOutage: false)
            case .down(let retryAt, let reason):
                guard now >= retryAt else { return .fail(reason) }
                state = .checking(reason: reason)
                return .check(reason: reason, afterOutage: true)
            case .checking(let reason):
                return .fail(reason)
            }
        }
        switch step {
        case .go:
            return
        case .fail(let reason):
            throw StorageError.unavailable(role: role.rawValue, location: location.maskedURL, reason: reason)
        case .check(_, let afterOutage):
            do {
                try await probeServer()
            } catch {
                let reason = PostgresStore.reason(error)
                server.withLock { $0 = .down(retryAt: .now + retryInterval, reason: reason) }
                throw unavailable(role, error)
            }
            if afterOutage { replacePool() }
            server.withLock { $0 = .answering }
        }
    }

    /// Opens and closes one connection of the store's own, within ``probeTimeout``.
    private func probeServer() async throws {
        let configuration = try PostgresStore.connectionConfiguration(for: location)
        let logger = logger
        try await withDeadline(probeTimeout) {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
        }
    }

    /// Starts a fresh pool for the operations to come (the old one's connections died with the
    /// outage, and it would wait out its backoff before connecting again). The old pool is
    /// stopped once every operation that may still be using it has ended: each ends within
    /// ``operationTimeout``, and stopping the pool sooner would fail them with a cancellation.
    private func replacePool() {
        let fresh = Pool(clientConfiguration, logger: logger)
        let old = pool.withLock { pool -> Pool in
            defer { pool = fresh }
            return pool
        }
        let stop = Task.detached { [operationTimeout] in
            try? await Task.sleep(for: operationTimeout + .seconds(1))
            old.task.cancel()
            await old.task.value
        }
        retiredPools.withLock { $0.append(stop) }
    }

    /// True for failures of the connection rather than of the statement: refused, closed, no
    /// answer in time, or the pool unable to connect.
    static func isConnectionFailure(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError {
            if let closure = error.closureError { return isConnectionFailure(closure) }
            return [error.beginError, error.commitError, error.rollbackError].contains { $0.map(isConnectionFailure) ?? false }
        }
        if let error = error as? PSQLError {
            return [.connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed].contains(error.code)
        }
        // The pool's own errors (its circuit breaker, a full queue) have a type of a module
        // postgres-nio does not export.
        if String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError") { return true }
        return error is DeadlineExceeded || error is NIOConnectionError || error is IOError || error is ChannelError
    }

    /// Runs a point read on one of the store's read connections, once the store is prepared.
    /// A closed connection is replaced on the next read; a failed connection attempt fails the
    /// reads of its slot at once for a moment (no waiting on a server that is down).
    func read<Result: Sendable>(_ role: StoreRole, _ body: (ReadConnection) async throws -> Result) async throws -> Result {
        if !readiness.withLock({ if case .ready = $0 { true } else { false } }) {
            try await prepare(role: role)
        }
        do {
            return try await readers.withConnection(body)
        } catch {
            // A read connection that cannot connect tells the pool's callers not to wait for it.
            if PostgresStore.isConnectionFailure(error) { suspectServer(PostgresStore.reason(error)) }
            throw unavailable(role, error)
        }
    }

    /// Runs `body` in one transaction on one pooled connection.
    func transaction<Result: Sendable>(
        _ role: StoreRole, schemaChange: Bool = false,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        return try await run(role, schemaChange: schemaChange) { client in
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Settings for the rest of a bulk-write transaction. Joins of a batch to a table go by index
    /// lookups: a batch is thousands of rows and the tables millions, and the planner, without
    /// fresh statistics on a table that grows during a load, would otherwise sort or hash the
    /// whole table for every batch, so each batch would cost more than the last. And no JIT:
    /// the large cost estimates of a batch statement trigger it, and compiling takes longer
    /// than running the statement.
    static func prepareBulkWrite(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SET LOCAL enable_mergejoin = off", logger: logger)
        try await connection.query("SET LOCAL enable_seqscan = off", logger: logger)
        try await connection.query("SET LOCAL jit = off", logger: logger)
    }

    /// The error reported for a failed operation of `role`.
    func unavailable(_ role: StoreRole, _ error: any Error) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? PostgresTransactionError, let inner = error.closureError as? StorageError { return inner }
        return .unavailable(role: role.rawValue, location: location.maskedURL, reason: PostgresStore.reason(error))
    }

    /// A one-line reason for a PostgreSQL error: the server's message, or what failed on the connection.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            if let closure = error.closureError { return reason(closure) }
            if let begin = error.beginError { return reason(begin) }
            if let commit = error.commitError { return reason(commit) }
            if let rollback = error.rollbackError { return reason(rollback) }
        }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return "the server answered: \(message)\(state)"
            }
            let underlying = error.underlying.map { ": \(oneLine(String(describing: $0)))" } ?? ""
            switch error.code {
            case .connectionError: return "cannot connect\(underlying); is the server running? (scripts/services.sh start postgres)"
            case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection\(underlying)"
            case .sslUnsupported: return "the server does not support TLS; add sslmode=disable to the URL"
            case .authMechanismRequiresPassword: return "the server asks for a password; put it in the URL"
            default: return "\(error.code)\(underlying)"
            }
        }
        if let error = error as? PostgresDecodingError {
            return "a value could not be read: column \(error.columnName) of type \(error.postgresType) (\(error.code)); the schema may be newer than this program"
        }
        if let error = error as? DeadlineExceeded {
            return "no answer within \(error.timeout); is the server running? (scripts/services.sh start postgres)"
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return "cannot connect: \(oneLine(String(describing: error))); is the server running? (scripts/services.sh start postgres)"
        }
        return oneLine(String(describing: error))
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    // MARK: - Connecting and migrating

    private static func clientTLS(_ mode: PostgresLocation.TLSMode) throws -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unverifiedTLS())
        case .require: return .require(unverifiedTLS())
        }
    }

    /// TLS without certificate verification: libpq's `prefer` and `require` encrypt but do not
    /// verify the server (that is `verify-full`, not offered here).
    private static func unverifiedTLS() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        return tls
    }

    /// The configuration of a connection of the store's own (migrations, point reads); the TLS
    /// context is made when a connection is.
    private static func connectionConfiguration(_ location: PostgresLocation) -> @Sendable () throws -> PostgresConnection.Configuration {
        { try connectionConfiguration(for: location) }
    }

    private static func connectionConfiguration(for location: PostgresLocation) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: PostgresStore.unverifiedTLS()))
        case .require: tls = .require(try NIOSSLContext(configuration: PostgresStore.unverifiedTLS()))
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.username,
            password: location.password, database: location.database, tls: tls
        )
        configuration.options.connectTimeout = .seconds(5)
        if let schema = location.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return configuration
    }

    /// The longest the migrations of a database may take once connected.
    static let migrationTimeout: Duration = .seconds(120)

    /// Opens one connection of its own (so that a refused connection reports why at once,
    /// instead of waiting in the pool's retry loop), creates the schema and applies the migrations.
    private func migrate() async throws {
        let configuration = try PostgresStore.connectionConfiguration(for: location)
        let logger = logger
        let schema = location.schema
        let connection = try await withDeadline(operationTimeout) {
            try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        }
        // Making a database's tables is a one-time step that can take seconds on a busy
        // server: it has a deadline of its own, longer than an operation's.
        try await withDeadline(max(operationTimeout, PostgresStore.migrationTimeout)) {
            do {
                try await PostgresMigrations.apply(on: connection, schema: schema, logger: logger)
                // The penguins' tables, which take over their first warehouse once.
                try await connection.query("BEGIN", logger: logger)
                do {
                    try await PostgresStore.applySteps(of: PostgresStore.penguinTables, on: connection, logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                let penguins = PostgresStore.penguinTables.schema
                self.preparedDatasets.withLock { $0[penguins.name] = penguins.fingerprint }
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }
}
