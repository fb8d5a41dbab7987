import NIOCore
import NIOPosix
import Synchronization

/// A small Redis client on SwiftNIO: a fixed pool of connections, each shared by concurrent
/// callers (replies come back in order, so requests need no lease), with pipelining, timeouts
/// and reconnection with backoff. The connections are spread over the event loops, and a call
/// uses the one on its own event loop when it runs on one (``EventLoopAffinity``).
///
/// Connections open on first use. When one closes (the server stopped, a command timed out),
/// the next call through it reconnects; when that fails, the pool slot waits an exponentially
/// growing delay (``Configuration/minimumBackoff`` doubling up to
/// ``Configuration/maximumBackoff``) before it tries again, and calls in between fail at once
/// with ``RedisError/unavailable(_:)``. So while Redis is down every call fails within its
/// timeout, and within ``Configuration/maximumBackoff`` of Redis coming back calls succeed again.
public final class RedisClient: Sendable {
    /// Pool size, timeouts and reconnection delays.
    public struct Configuration: Sendable {
        /// Connections in the pool.
        public var connections: Int = 4
        /// The longest a command waits for its reply (and a connection for its handshake).
        public var commandTimeout: Duration = .seconds(2)
        /// The wait before the first reconnection attempt after a failed one.
        public var minimumBackoff: Duration = .milliseconds(100)
        /// The longest wait between reconnection attempts.
        public var maximumBackoff: Duration = .seconds(2)

        public init() {}
    }

    public let location: RedisLocation
    public let configuration: Configuration
    private let slots: [Slot]
    private let affinity: EventLoopAffinity

    /// A client of the Redis server at `location`; connects on first use.
    public init(location: RedisLocation, configuration: Configuration = Configuration(), eventLoopGroup: (any EventLoopGroup)? = nil) {
        precondition(configuration.connections > 0, "a Redis pool needs at least one connection")
        self.location = location
        self.configuration = configuration
        affinity = EventLoopAffinity(count: configuration.connections, group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
        slots = affinity.loops.map { Slot(eventLoop: $0) }
    }

    /// Sends one command and returns its reply; an error reply throws ``RedisError/server(_:)``.
    @discardableResult
    public func send(_ command: RedisCommand) async throws -> RESPValue {
        let reply = try await pipeline([command])[0]
        if case .error(let message) = reply { throw RedisError.server(message) }
        return reply
    }

    /// Sends `commands` in one write on one connection and returns their replies in order
    /// (error replies included, as ``RESPValue/error(_:)``).
    public func pipeline(_ commands: [RedisCommand]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let slot = slots[affinity.next()]
        let connection = try await connection(in: slot)
        return try await connection.send(commands, timeout: configuration.commandTimeout)
    }

    /// `PING`: succeeds when the server answers `PONG`.
    public func ping() async throws {
        let reply = try await send(RedisCommand("PING"))
        guard reply.string == "PONG" else { throw RedisError.protocolViolation("PING answered \(reply)") }
    }

    /// Closes every connection; later calls reconnect.
    public func close() {
        for slot in slots {
            let connection = slot.state.withLock { state -> RedisConnection? in
                defer { state = .idle }
                if case .connected(let connection) = state { return connection }
                return nil
            }
            connection?.close()
        }
    }

    deinit {
        close()
    }

    /// The delay before reconnection attempt number `failures + 1`, after `failures`
    /// consecutive failed attempts: `minimum × 2^(failures − 1)`, at most `maximum`.
    public static func backoff(afterFailures failures: Int, minimum: Duration, maximum: Duration) -> Duration {
        guard failures > 0 else { return .zero }
        let doublings = min(failures - 1, 30)
        let delay = minimum * (1 << doublings)
        return min(delay, maximum)
    }

    // MARK: - The pool

    /// One connection of the pool and its lifecycle.
    private final class Slot: Sendable {
        enum State {
            case idle
            case connecting(Task<RedisConnection, any Error>)
            case connected(RedisConnection)
            /// The last attempt failed; the next one waits until `retryAt`.
            case backingOff(retryAt: ContinuousClock.Instant, failures: Int, reason: String)
        }

        let state = Mutex<State>(.idle)
        /// The event loop its connections live on.
        let eventLoop: any EventLoop

        init(eventLoop: any EventLoop) {
            self.eventLoop = eventLoop
        }
    }

    /// The slot's open connection, connecting first when needed.
    private func connection(in slot: Slot) async throws -> RedisConnection {
        enum Step {
            case use(RedisConnection)
            case wait(Task<RedisConnection, any Error>)
            case fail(String)
        }
        let now = ContinuousClock.now
        let step = slot.state.withLock { state -> Step in
            var failures = 0
            switch state {
            case .connected(let connection) where connection.isActive:
                return .use(connection)
            case .connecting(let task):
                return .wait(task)
            case .backingOff(let retryAt, let count, let reason):
                if now < retryAt { return .fail(reason) }
                failures = count
            case .idle, .connected:
                break
            }
            let task = Task { [location, configuration] in
                do {
                    let connection = try await RedisConnection.connect(to: location, on: slot.eventLoop, timeout: configuration.commandTimeout)
                    slot.state.withLock { $0 = .connected(connection) }
                    return connection
                } catch {
                    let delay = RedisClient.backoff(
                        afterFailures: failures + 1, minimum: configuration.minimumBackoff, maximum: configuration.maximumBackoff
                    )
                    let reason = if case .unavailable(let why)? = error as? RedisError { why } else { "\(error)" }
                    slot.state.withLock { $0 = .backingOff(retryAt: .now + delay, failures: failures + 1, reason: reason) }
                    throw error
                }
            }
            state = .connecting(task)
            return .wait(task)
        }
        switch step {
        case .use(let connection): return connection
        case .wait(let task): return try await task.value
        case .fail(let reason): throw RedisError.unavailable("\(reason); retrying shortly")
        }
    }
}
