import NIOCore
import Synchronization

/// One connection of a small pool and its lifecycle: opened on the slot's event loop when first
/// needed, opened again after it closes, and after a failed attempt not tried again until a
/// delay has passed (calls in between fail at once instead of waiting on a dead server).
///
/// Concurrent callers share one connection attempt. The Redis client and the PostgreSQL point-read
/// connections are pools of these.
final class ConnectionSlot<Connection: Sendable>: Sendable {
    /// The event loop the slot's connections live on.
    let eventLoop: any EventLoop

    private enum State {
        case idle
        case connecting(Task<Connection, any Error>)
        case connected(Connection)
        /// The last `failures` attempts failed; the next one waits until `retryAt`.
        case failed(retryAt: ContinuousClock.Instant, failures: Int, error: any Error)
    }

    private let state = Mutex<State>(.idle)

    /// What a call does after looking at the state.
    private enum Step {
        case use(Connection)
        case wait(Task<Connection, any Error>)
        case fail(any Error)
    }

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// The slot's connection, opening it first when there is none or `isOpen` says it closed.
    ///
    /// - Parameters:
    ///   - retryDelay: the wait after the given number of consecutive failed attempts.
    ///   - whileWaiting: the error thrown, from the last attempt's, while the slot waits to retry.
    ///   - connect: opens a connection on the slot's event loop.
    func connection(
        isOpen: (Connection) -> Bool,
        retryDelay: @escaping @Sendable (_ failures: Int) -> Duration,
        whileWaiting: (any Error) -> any Error = { $0 },
        connect: @escaping @Sendable (any EventLoop) async throws -> Connection
    ) async throws -> Connection {
        let now = ContinuousClock.now
        let step = state.withLock { state -> Step in
            var failures = 0
            switch state {
            case .connected(let connection) where isOpen(connection):
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .failed(let retryAt, let count, let error):
                if now < retryAt { return .fail(error) }
                failures = count
            case .idle, .connected:
                break
            }
            let task = Task { [eventLoop] in
                do {
                    let connection = try await connect(eventLoop)
                    self.state.withLock { $0 = .connected(connection) }
                    return connection
                } catch {
                    let delay = retryDelay(failures + 1)
                    self.state.withLock { $0 = .failed(retryAt: .now + delay, failures: failures + 1, error: error) }
                    throw error
                }
            }
            state = .connecting(task)
            return .wait(task)
        }
        switch step {
        case .use(let connection): return connection
        case .wait(let task): return try await task.value
        case .fail(let error): throw whileWaiting(error)
        }
    }

    /// Forgets the connection if `isCurrent` says it is the slot's: the next call opens another.
    func forget(where isCurrent: (Connection) -> Bool) {
        state.withLock { state in
            if case .connected(let connection) = state, isCurrent(connection) { state = .idle }
        }
    }

    /// Empties the slot and returns its open connection, if any, for the caller to close.
    func takeConnection() -> Connection? {
        state.withLock { state in
            defer { state = .idle }
            if case .connected(let connection) = state { return connection }
            return nil
        }
    }
}
