import Foundation
import Logging
import PenguinsCore
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// Where logged predictions go: one dataset's log (the penguins' too), under the schema their
/// features were read with. Made once per served model or dataset session and shared by its
/// entries, so a buffered entry carries one reference rather than a copy of the schema.
public final class PredictionLogDestination: Sendable {
    public let schema: DatasetSchema

    public init(schema: DatasetSchema) {
        self.schema = schema
    }
}

/// One logged prediction waiting in a ``PredictionLogBuffer``, with where it goes.
struct LoggedPrediction: Sendable {
    var entry: RecordLogEntry
    var destination: PredictionLogDestination
}

/// Takes the prediction logs off the request path: requests append entries to an in-memory
/// buffer (a lock held for an array append, never a store call), and ``PredictionLogWriter``
/// writes them to each dataset's ``RecordPredictionLog`` (the penguins' among them) in batches.
///
/// While the log cannot be written (its store is down) entries wait here, up to `capacity`.
/// Beyond it the oldest entries are dropped to make room (the newest predictions are the ones
/// drift should see); every drop is counted (``droppedCount``, the
/// `penguins_prediction_log_dropped_total` metric) and logged.
public final class PredictionLogBuffer: Sendable {
    private struct State {
        var entries: [LoggedPrediction] = []
        /// True once a wake-up was sent for the current batch (so one is sent per batch).
        var signalled = false
        var dropped = 0
        /// Entries taken for a write that has not ended yet.
        var writing = 0
    }

    private let state = Mutex(State())
    private let wakeUp: AsyncStream<Void>.Continuation
    let wakeUps: AsyncStream<Void>
    /// Entries that wake the writer before its next tick.
    public let batchSize: Int
    /// True while the writer's writes fail (so an outage is logged once, not every tick).
    let writeFailing = Atomic<Bool>(false)
    /// The most entries kept waiting; beyond it the oldest are dropped.
    public let capacity: Int

    /// An empty buffer that wakes its writer once `batchSize` entries wait and keeps at most
    /// `capacity` entries (100,000 by default: about 20 MB).
    public init(batchSize: Int = 1_000, capacity: Int = 100_000) {
        precondition(capacity > 0, "the prediction log buffer needs room for at least one entry")
        self.batchSize = batchSize
        self.capacity = capacity
        (wakeUps, wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Adds a prediction of a dataset's model; never waits on the store. Returns how many of
    /// the oldest entries were dropped to make room (0 unless the buffer was full).
    @discardableResult
    public func append(_ entry: RecordLogEntry, to destination: PredictionLogDestination) -> Int {
        append(LoggedPrediction(entry: entry, destination: destination))
    }

    /// Adds predictions of a dataset's model; never waits on the store. Returns how many of
    /// the oldest entries were dropped to make room (0 unless the buffer was full).
    @discardableResult
    public func append(contentsOf entries: [RecordLogEntry], to destination: PredictionLogDestination) -> Int {
        append(contentsOf: entries.map { LoggedPrediction(entry: $0, destination: destination) })
    }

    private func append(_ entry: LoggedPrediction) -> Int {
        let (signal, dropped) = state.withLock { state in
            state.entries.append(entry)
            let dropped = trim(&state)
            return (mark(&state), dropped)
        }
        if signal { wakeUp.yield() }
        return dropped
    }

    private func append(contentsOf entries: [LoggedPrediction]) -> Int {
        guard !entries.isEmpty else { return 0 }
        let (signal, dropped) = state.withLock { state in
            state.entries.append(contentsOf: entries)
            let dropped = trim(&state)
            return (mark(&state), dropped)
        }
        if signal { wakeUp.yield() }
        return dropped
    }

    /// Entries dropped because the buffer was full, since it was made.
    public var droppedCount: Int { state.withLock { $0.dropped } }

    private func trim(_ state: inout State) -> Int {
        let excess = state.entries.count - capacity
        guard excess > 0 else { return 0 }
        state.entries.removeFirst(excess)
        state.dropped += excess
        return excess
    }

    private func mark(_ state: inout State) -> Bool {
        guard state.entries.count >= batchSize, !state.signalled else { return false }
        state.signalled = true
        return true
    }

    /// Entries not stored yet: waiting, or in a write that has not ended.
    public var count: Int { state.withLock { $0.entries.count + $0.writing } }

    /// Takes up to `limit` of the oldest entries for a write, which ends with ``written(_:)``
    /// or ``putBack(_:)``.
    func take(limit: Int) -> [LoggedPrediction] {
        state.withLock { state in
            let taken = Array(state.entries.prefix(limit))
            state.entries.removeFirst(taken.count)
            state.writing += taken.count
            state.signalled = false
            return taken
        }
    }

    /// Records that `count` taken entries are stored.
    /// The entries taken by a write that has not finished yet.
    var inFlight: Int { state.withLock { $0.writing } }

    func written(_ count: Int) {
        state.withLock { $0.writing -= count }
    }

    /// Puts taken entries whose write failed back in front, in their order, to be retried.
    /// Returns how many of the oldest were dropped because the buffer filled up meanwhile.
    @discardableResult
    func putBack(_ entries: [LoggedPrediction]) -> Int {
        state.withLock { state in
            state.writing -= entries.count
            state.entries.insert(contentsOf: entries, at: 0)
            return trim(&state)
        }
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
/// server runs and the buffer has room (see ``PredictionLogBuffer``). While the prediction
/// log's store is down (its circuit breaker open), writes wait for the store to answer a probe
/// instead of failing every tick; the outage is logged once when it starts and once when the
/// backlog is written. On graceful shutdown (after the HTTP server has finished its in-flight
/// requests) it flushes what is left, retrying for up to `shutdownRetryWindow`.
public struct PredictionLogWriter: Service {
    public let buffer: PredictionLogBuffer
    /// Where the logs of the datasets are kept, the penguins' among them.
    public let logs: any RecordPredictionLogs
    public let interval: Duration
    public let shutdownRetryWindow: Duration
    let metrics: ServerMetrics?
    let health: StoreHealth?
    let logger: Logger

    public init(
        buffer: PredictionLogBuffer, logs: any RecordPredictionLogs, interval: Duration = .milliseconds(100),
        shutdownRetryWindow: Duration = .seconds(5), logger: Logger = Logger(label: "penguins.prediction-log")
    ) {
        self.init(
            buffer: buffer, logs: logs, interval: interval, shutdownRetryWindow: shutdownRetryWindow,
            metrics: nil, health: nil, logger: logger
        )
    }

    init(
        buffer: PredictionLogBuffer, logs: any RecordPredictionLogs, interval: Duration,
        shutdownRetryWindow: Duration, metrics: ServerMetrics?, health: StoreHealth?, logger: Logger
    ) {
        self.buffer = buffer
        self.logs = logs
        self.interval = interval
        self.shutdownRetryWindow = shutdownRetryWindow
        self.metrics = metrics
        self.health = health
        self.logger = logger
    }

    /// Waits, for at most two seconds and not once cancelled, until no write of the buffer is under way.
    private func waitForWritesInFlight() async {
        let deadline = ContinuousClock.now + .seconds(2)
        while buffer.inFlight > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(2))
        }
    }

    /// Writes everything buffered now, batch by batch, each batch's entries log by log, and
    /// waits for a write already under way, so that every entry buffered before the call is
    /// stored when it returns. Returns the number written; stops at the first failed write
    /// (the entries of the batch not written yet go back to the front of the buffer) and rethrows.
    @discardableResult
    public func flush() async throws -> Int {
        var written = 0
        while true {
            let batch = buffer.take(limit: max(buffer.batchSize, 1))
            guard !batch.isEmpty else {
                // A write another flush began (the background tick) may still be under way:
                // what was buffered before this call is stored only once it ends.
                await waitForWritesInFlight()
                metrics?.logBuffered(buffer.count)
                if written > 0, buffer.writeFailing.exchange(false, ordering: .relaxed) {
                    logger.info("prediction log written again: the entries kept during the outage are stored")
                }
                return written
            }
            var stored = [Bool](repeating: false, count: batch.count)
            do {
                for group in Self.groups(batch) {
                    try await write(group.map { batch[$0] })
                    for index in group { stored[index] = true }
                    buffer.written(group.count)
                    written += group.count
                    metrics?.logWritten(group.count)
                }
            } catch {
                let dropped = buffer.putBack(batch.indices.filter { !stored[$0] }.map { batch[$0] })
                if dropped > 0 {
                    metrics?.logDropped(dropped)
                    logger.error("prediction log buffer full (\(buffer.capacity) entries): dropped the \(dropped) oldest")
                }
                metrics?.logBuffered(buffer.count)
                // A write skipped because the store is known to be down was not attempted.
                if (error as? StoreDown)?.skipped != true { metrics?.logWriteFailed() }
                throw error
            }
        }
    }

    /// The entries of a batch by the log they go to, as indices into `batch`: by destination
    /// (compared by identity), in the order each first appears.
    private static func groups(_ batch: [LoggedPrediction]) -> [[Int]] {
        var destinations: [PredictionLogDestination] = []
        var groups: [[Int]] = []
        for (index, entry) in batch.enumerated() {
            if let group = destinations.firstIndex(where: { $0 === entry.destination }) {
                groups[group].append(index)
            } else {
                destinations.append(entry.destination)
                groups.append([index])
            }
        }
        return groups
    }

    /// Writes entries of one dataset to its log, through the store's health check when there is one.
    private func write(_ entries: [LoggedPrediction]) async throws {
        let (schema, logged) = (entries[0].destination.schema, entries.map(\.entry))
        let append: @Sendable () async throws -> Void = { [logs] in try await logs.predictionLog(for: schema).append(logged) }
        if let health {
            try await health.call(.predictionLog, append)
        } else {
            try await append()
        }
    }

    public func run() async throws {
        // Encoding and writing batches is work for the executor of heavy requests, off the
        // event loops that answer the predictions.
        try await withTaskExecutorPreference(HeavyWorkExecutor.shared) { try await drainUntilShutdown() }
    }

    private func drainUntilShutdown() async throws {
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
                    if !buffer.writeFailing.exchange(true, ordering: .relaxed) {
                        logger.warning("prediction log write failed, \(buffer.count) entries kept for retry until the store answers: \(error)")
                    }
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
