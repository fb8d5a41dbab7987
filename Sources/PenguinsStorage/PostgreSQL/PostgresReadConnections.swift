import Logging
import PostgresNIO
import Synchronization

/// A few connections of a store's own for point reads by key, outside the pool.
///
/// A point read is one round trip; leasing from the pool, bounding the wait with a timer task
/// and pulling rows through an async sequence (which asks the event loop for each batch) cost
/// as much again. Here each statement is prepared once per connection and its rows are
/// collected on the event loop into one future. The connections are spread over the event
/// loops and a read uses the one on its own event loop when it runs on one
/// (``EventLoopAffinity``), so it needs no thread switch at all. A PostgreSQL connection queues
/// the queries written to it, so concurrent readers share these connections without leasing
/// them. A connection that
/// closes (the server restarted) is replaced on the next read; when connecting fails, reads
/// through that slot fail at once for ``retryDelay`` instead of waiting, and then try again.
final class PostgresReadConnections: Sendable {
    /// How long a slot whose connection attempt failed answers with that failure before it tries again.
    let retryDelay: Duration
    /// The longest a read (or the preparation of its statement) waits for the server: then the
    /// connection is closed, the read fails with ``PostgresReadTimeout``, and the next read
    /// reconnects. A server that stopped answering (frozen, or its host gone) fails reads
    /// within this bound instead of holding them.
    let readTimeout: Duration
    private let slots: [ConnectionSlot<ReadConnection>]
    private let affinity: EventLoopAffinity
    private let connect: @Sendable (any EventLoop) async throws -> PostgresConnection

    /// `count` connections spread over the event loops of `group`, each opened by `connect` on
    /// its loop when first needed.
    init(
        count: Int, group: any EventLoopGroup, readTimeout: Duration, retryDelay: Duration = .milliseconds(500),
        connect: @escaping @Sendable (any EventLoop) async throws -> PostgresConnection
    ) {
        self.readTimeout = readTimeout
        self.retryDelay = retryDelay
        self.connect = connect
        affinity = EventLoopAffinity(count: count, group: group)
        slots = affinity.loops.map { ConnectionSlot(eventLoop: $0) }
    }

    /// Runs `body` with one of the connections, opening it first when needed.
    func withConnection<Result>(_ body: (ReadConnection) async throws -> Result) async throws -> Result {
        let slot = slots[affinity.next()]
        let connection = try await connection(in: slot)
        do {
            return try await body(connection)
        } catch {
            if connection.connection.isClosed || connection.isAbandoned {
                slot.forget { $0 === connection }
            }
            throw error
        }
    }

    /// Closes every connection.
    func close() async {
        for slot in slots {
            try? await slot.takeConnection()?.connection.close()
        }
    }

    /// The slot's open connection, connecting first when needed; after a failed attempt the
    /// slot answers with that failure for ``retryDelay``.
    private func connection(in slot: ConnectionSlot<ReadConnection>) async throws -> ReadConnection {
        let connect = connect
        let retryDelay = retryDelay
        return try await slot.connection(
            isOpen: { !$0.connection.isClosed && !$0.isAbandoned },
            retryDelay: { _ in retryDelay },
            connect: { [readTimeout] eventLoop in ReadConnection(try await connect(eventLoop), timeout: readTimeout) }
        )
    }
}

/// A read connection and the statements prepared on it.
final class ReadConnection: Sendable {
    let connection: PostgresConnection
    /// See ``PostgresReadConnections/readTimeout``.
    let timeout: Duration
    private let prepared = Mutex<[String: PreparedQuery]>([:])
    private let abandoned = Atomic<Bool>(false)

    init(_ connection: PostgresConnection, timeout: Duration) {
        self.connection = connection
        self.timeout = timeout
    }

    /// Closes the connection when its slot lets go of it (a store dropped without
    /// ``PostgresStore/shutdown()``), keeping it alive until the close completes.
    deinit {
        let connection = connection
        guard !connection.isClosed else { return }
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// The rows of `sql` with `binds`, the statement prepared on this connection on first use.
    func rows(_ sql: String, _ binds: [PostgresData]) async throws -> [PostgresRow] {
        let statement: PreparedQuery
        if let known = prepared.withLock({ $0[sql] }) {
            statement = known
        } else {
            statement = try await bounded(connection.prepare(query: sql))
            prepared.withLock { $0[sql] = statement }
        }
        return try await bounded(statement.execute(binds))
    }

    /// The value of `future`, or ``PostgresReadTimeout`` when it has not come within
    /// ``timeout``: one timer on the connection's event loop, no extra task. On time-out the
    /// connection is abandoned (its slot opens a new one for the next read) and closed. The
    /// read fails at the bound whether or not the closing connection ever fails `future`.
    private func bounded<Value: Sendable>(_ future: EventLoopFuture<Value>) async throws -> Value {
        let connection = connection
        let timeout = timeout
        let answer = connection.eventLoop.makePromise(of: Value.self)
        let timer = connection.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            self.abandoned.store(true, ordering: .relaxed)
            answer.fail(PostgresReadTimeout(after: timeout))
            connection.close().whenComplete { _ in }
        }
        // The first of the answer and the timer completes `answer`; NIO ignores the second.
        future.whenComplete { result in
            timer.cancel()
            answer.completeWith(result)
        }
        return try await answer.futureResult.get()
    }

    /// True once a read timed out on this connection: it is closing, and no read may use it again.
    var isAbandoned: Bool { abandoned.load(ordering: .relaxed) }
}

/// A read by key that PostgreSQL did not answer in time.
struct PostgresReadTimeout: Error, CustomStringConvertible {
    var after: Duration
    var description: String { "no answer within \(after)" }
}
