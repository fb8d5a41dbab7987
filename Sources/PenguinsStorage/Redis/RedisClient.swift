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
    private let slots: [ConnectionSlot<RedisConnection>]
    private let affinity: EventLoopAffinity

    /// A client of the Redis server at `location`; connects on first use.
    public init(location: RedisLocation, configuration: Configuration = Configuration(), eventLoopGroup: (any EventLoopGroup)? = nil) {
        precondition(configuration.connections > 0, "a Redis pool needs at least one connection")
        self.location = location
        self.configuration = configuration
        affinity = EventLoopAffinity(count: configuration.connections, group: eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton)
        slots = affinity.loops.map { ConnectionSlot(eventLoop: $0) }
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
            slot.takeConnection()?.close()
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

    /// The slot's open connection, connecting first when needed; while the slot waits to retry
    /// after failed attempts, ``RedisError/unavailable(_:)`` at once.
    private func connection(in slot: ConnectionSlot<RedisConnection>) async throws -> RedisConnection {
        let configuration = configuration
        let location = location
        return try await slot.connection(
            isOpen: { $0.isActive },
            retryDelay: { failures in
                RedisClient.backoff(afterFailures: failures, minimum: configuration.minimumBackoff, maximum: configuration.maximumBackoff)
            },
            whileWaiting: { error in
                let reason = if case .unavailable(let why)? = error as? RedisError { why } else { "\(error)" }
                return RedisError.unavailable("\(reason); retrying shortly")
            },
            connect: { eventLoop in
                try await RedisConnection.connect(to: location, on: eventLoop, timeout: configuration.commandTimeout)
            }
        )
    }
}
