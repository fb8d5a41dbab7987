import NIOCore
import NIOPosix

/// Why a Redis call failed. Every failure is thrown; none crashes the process.
public enum RedisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection could be made (refused, unreachable, authentication or database refused),
    /// or the client is waiting before it tries again.
    case unavailable(String)
    /// The server did not answer within the command timeout; the connection was closed.
    case timeout(command: String, after: Duration)
    /// The connection closed before the reply arrived.
    case connectionClosed
    /// The server answered with an error reply (`-ERR ...`).
    case server(String)
    /// The server sent bytes that are not RESP2, or a reply nobody asked for.
    case protocolViolation(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "Redis is unavailable: \(reason)"
        case .timeout(let command, let after): "Redis did not answer \(command) within \(after)"
        case .connectionClosed: "the connection to Redis closed before the reply arrived"
        case .server(let message): "Redis refused the command: \(message)"
        case .protocolViolation(let message): "Redis sent an invalid reply: \(message)"
        }
    }
}

/// One TCP connection to Redis. Commands may be sent by several tasks at once: the replies
/// come back in the order the commands were written, and ``RedisChannelHandler`` hands each
/// reply to the request that is first in line. A batch of commands (``send(_:timeout:)``)
/// goes out in one write and its replies come back together: that is pipelining.
final class RedisConnection: Sendable {
    let channel: any Channel

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// True while the TCP connection is open.
    var isActive: Bool { channel.isActive }

    /// Connects to `host:port`, then authenticates and selects `database` in one pipelined write.
    static func connect(
        to location: RedisLocation, on group: any EventLoopGroup, timeout: Duration
    ) async throws -> RedisConnection {
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount.nanoseconds(timeout.nanoseconds))
                // At the TCP level: `.socketOption(.tcp_nodelay)` would set option 1 of SOL_SOCKET,
                // SO_DEBUG, which only a process with CAP_NET_ADMIN may set.
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RedisChannelHandler())
                    }
                }
                .connect(host: location.host, port: location.port)
                .get()
        } catch {
            throw RedisError.unavailable("cannot connect to \(location.host):\(location.port) (\(error))")
        }
        let connection = RedisConnection(channel: channel)
        var handshake: [RedisCommand] = []
        if let password = location.password {
            if let username = location.username {
                handshake.append(RedisCommand("AUTH", username, password))
            } else {
                handshake.append(RedisCommand("AUTH", password))
            }
        }
        if location.database != 0 { handshake.append(RedisCommand("SELECT", String(location.database))) }
        guard !handshake.isEmpty else { return connection }
        do {
            for reply in try await connection.send(handshake, timeout: timeout) {
                if case .error(let message) = reply { throw RedisError.unavailable("the server refused the handshake: \(message)") }
            }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Writes `commands` in one write and returns their replies in order. Error replies come
    /// back as ``RESPValue/error(_:)``; a closed connection, a protocol violation or no answer
    /// within `timeout` throws (and, for the latter two, closes the connection).
    func send(_ commands: [RedisCommand], timeout: Duration) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(commands.count * 64)
        for command in commands { command.encode(into: &bytes) }
        let promise = channel.eventLoop.makePromise(of: [RESPValue].self)
        let request = RedisRequest(
            payload: ByteBuffer(bytes: bytes), replyCount: commands.count, promise: promise,
            timeout: TimeAmount.nanoseconds(timeout.nanoseconds), commandName: commands[0].name, timeoutDuration: timeout
        )
        channel.writeAndFlush(request, promise: nil)
        return try await promise.futureResult.get()
    }

    /// Closes the connection; requests still waiting fail with ``RedisError/connectionClosed``.
    func close() {
        channel.close(mode: .all, promise: nil)
    }
}

/// Commands on their way to the channel handler, with the promise of their replies.
struct RedisRequest: Sendable {
    var payload: ByteBuffer
    var replyCount: Int
    var promise: EventLoopPromise<[RESPValue]>
    var timeout: TimeAmount
    var commandName: String
    var timeoutDuration: Duration
}

/// The channel handler of a Redis connection: writes requests, parses replies with
/// ``RESPParser`` and completes the oldest waiting request with each batch of replies.
/// Runs only on its channel's event loop.
///
/// Two things keep a busy connection cheap. Flushes are coalesced: the requests written while
/// the event loop runs one batch of work go out in one write, which the server answers in one
/// read, so concurrent callers pipeline without knowing it. And one timer serves every waiting
/// request: replies come in order, so only the oldest request's deadline needs watching; the
/// timer is armed when a request waits and nothing is armed, and when it fires it fails the
/// oldest request if that one is overdue (closing the connection) or re-arms for it.
final class RedisChannelHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private struct Waiting {
        var remaining: Int
        var replies: [RESPValue]
        var promise: EventLoopPromise<[RESPValue]>
        var deadline: NIODeadline
        var commandName: String
        var timeout: Duration
    }

    private var parser = RESPParser()
    private var waiting = CircularBuffer<Waiting>()
    private var closed = false
    private var flushScheduled = false
    private var timer: (deadline: NIODeadline, task: Scheduled<Void>)?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        guard !closed else {
            request.promise.fail(RedisError.connectionClosed)
            promise?.fail(RedisError.connectionClosed)
            return
        }
        let deadline = NIODeadline.now() + request.timeout
        waiting.append(Waiting(
            remaining: request.replyCount, replies: [], promise: request.promise, deadline: deadline,
            commandName: request.commandName, timeout: request.timeoutDuration
        ))
        if timer == nil || deadline < timer!.deadline { arm(context: context, at: deadline) }
        context.write(wrapOutboundOut(request.payload), promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        guard !flushScheduled else { return }
        flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            context.flush()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        parser.feed(buffer.readableBytesView)
        do {
            while let value = try parser.next() {
                guard !waiting.isEmpty else { throw RedisError.protocolViolation("a reply that no command asked for") }
                waiting[waiting.startIndex].replies.append(value)
                waiting[waiting.startIndex].remaining -= 1
                if waiting[waiting.startIndex].remaining == 0 {
                    let done = waiting.removeFirst()
                    done.promise.succeed(done.replies)
                }
            }
        } catch let error as RESPProtocolError {
            failAll(RedisError.protocolViolation(error.message))
            context.close(mode: .all, promise: nil)
        } catch {
            failAll(error)
            context.close(mode: .all, promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RedisError.unavailable("the connection failed: \(error)"))
        context.close(mode: .all, promise: nil)
    }

    /// Arms the one timer for `deadline`, replacing an armed later one.
    private func arm(context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer?.task.cancel()
        let task = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired(context: context)
        }
        timer = (deadline, task)
    }

    /// Fails the oldest request when it is overdue (the connection is then closed, failing the
    /// rest), else re-arms for it; with nothing waiting the timer stays off.
    private func timerFired(context: ChannelHandlerContext) {
        timer = nil
        guard let oldest = waiting.first else { return }
        if oldest.deadline <= .now() {
            waiting.removeFirst()
            oldest.promise.fail(RedisError.timeout(command: oldest.commandName, after: oldest.timeout))
            failAll(RedisError.connectionClosed)
            context.close(mode: .all, promise: nil)
        } else {
            arm(context: context, at: oldest.deadline)
        }
    }

    private func failAll(_ error: any Error) {
        closed = true
        timer?.task.cancel()
        timer = nil
        while let next = waiting.popFirst() {
            next.promise.fail(error)
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
