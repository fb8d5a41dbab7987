import Foundation
import Logging
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// Takes the prediction log off the request path: requests append entries to an in-memory
/// buffer (a lock held for an array append, never a store call), and ``PredictionLogWriter``
/// writes them to the ``PredictionLog`` in batches.
public final class PredictionLogBuffer: Sendable {
    private struct State {
        var entries: [PredictionLogEntry] = []
        /// True once a wake-up was sent for the current batch (so one is sent per batch).
        var signalled = false
    }

    private let state = Mutex(State())
    private let wakeUp: AsyncStream<Void>.Continuation
    let wakeUps: AsyncStream<Void>
    /// Entries that wake the writer before its next tick.
    public let batchSize: Int

    /// An empty buffer that wakes its writer once `batchSize` entries wait.
    public init(batchSize: Int = 1_000) {
        self.batchSize = batchSize
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds entries; never waits on the store.
    public func append(_ entry: PredictionLogEntry) {
        let signal = state.withLock { state in
            state.entries.append(entry)
            return mark(&state)
        }
        if signal { wakeUp.yield() }
    }

    /// Adds entries; never waits on the store.
    public func append(contentsOf entries: [PredictionLogEntry]) {
        guard !entries.isEmpty else { return }
        let signal = state.withLock { state in
            state.entries.append(contentsOf: entries)
            return mark(&state)
        }
        if signal { wakeUp.yield() }
    }

    private func mark(_ state: inout State) -> Bool {
        guard state.entries.count >= batchSize, !state.signalled else { return false }
        state.signalled = true
        return true
    }

    /// Entries waiting to be written.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Takes up to `limit` of the oldest entries.
    func take(limit: Int) -> [PredictionLogEntry] {
        state.withLock { state in
            let taken = Array(state.entries.prefix(limit))
            state.entries.removeFirst(taken.count)
            state.signalled = false
            return taken
        }
    }

    /// Puts entries whose write failed back in front, in their order, to be retried.
    func putBack(_ entries: [PredictionLogEntry]) {
        state.withLock { $0.entries.insert(contentsOf: entries, at: 0) }
    }

    /// Ends the wake-up stream (the writer then flushes what is left and stops).
    func close() {
        wakeUp.finish()
    }

    /// Wakes the writer now.
    func poke() {
        wakeUp.yield()
    }
}

/// The background service that drains a ``PredictionLogBuffer`` into the prediction log:
/// every `interval` (about 100 ms) or as soon as `batchSize` entries wait. A failed write
/// puts the batch back and is retried on the next tick, so no entry is dropped while the
/// server runs. On graceful shutdown (after the HTTP server has finished its in-flight
/// requests) it flushes what is left, retrying for up to `shutdownRetryWindow`.
public struct PredictionLogWriter: Service {
    public let buffer: PredictionLogBuffer
    public let log: any PredictionLog
    public let interval: Duration
    public let shutdownRetryWindow: Duration
    let metrics: ServerMetrics?
    let logger: Logger

    public init(
        buffer: PredictionLogBuffer, log: any PredictionLog, interval: Duration = .milliseconds(100),
        shutdownRetryWindow: Duration = .seconds(5), logger: Logger = Logger(label: "penguins.prediction-log")
    ) {
        self.init(buffer: buffer, log: log, interval: interval, shutdownRetryWindow: shutdownRetryWindow, metrics: nil, logger: logger)
    }

    init(
        buffer: PredictionLogBuffer, log: any PredictionLog, interval: Duration, shutdownRetryWindow: Duration,
        metrics: ServerMetrics?, logger: Logger
    ) {
        self.buffer = buffer
        self.log = log
        self.interval = interval
        self.shutdownRetryWindow = shutdownRetryWindow
        self.metrics = metrics
        self.logger = logger
    }

    /// Writes everything buffered now, batch by batch. Returns the number written; stops at
    /// the first failed write (whose batch goes back to the front of the buffer) and rethrows.
    @discardableResult
    public func flush() async throws -> Int {
        var written = 0
        while true {
            let batch = buffer.take(limit: max(buffer.batchSize, 1))
            guard !batch.isEmpty else { return written }
            do {
                try await log.append(batch)
                written += batch.count
                metrics?.logWritten(batch.count)
            } catch {
                buffer.putBack(batch)
                metrics?.logWriteFailed()
                throw error
            }
        }
    }

    public func run() async throws {
        let ticker = Task { [buffer, interval] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                buffer.poke()
            }
        }
        await withGracefulShutdownHandler {
            for await _ in buffer.wakeUps {
                do {
                    try await flush()
                } catch {
                    logger.warning("prediction log write failed, \(buffer.count) entries kept for retry: \(error)")
                }
            }
        } onGracefulShutdown: {
            buffer.close()
        }
        ticker.cancel()
        await drainAtShutdown()
    }

    /// The last flush: retries with a growing pause until the buffer is empty or the window ends.
    private func drainAtShutdown() async {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: shutdownRetryWindow)
        var pause = Duration.milliseconds(20)
        while true {
            do {
                try await flush()
                return
            } catch {
                guard clock.now < deadline else {
                    logger.error("prediction log unavailable at shutdown: \(buffer.count) entries not written: \(error)")
                    return
                }
                try? await clock.sleep(for: pause)
                pause = min(pause * 2, .seconds(1))
            }
        }
    }
}
