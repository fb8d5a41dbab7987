import Foundation
import Logging
import PenguinsCore
import PenguinsServer
import PenguinsStorage
import ServiceLifecycle
import Synchronization
import Testing

/// A prediction log of the penguins that fails its first `failures` appends, then keeps what it is given.
final class FlakyLog: RecordPredictionLog {
    struct Failure: Error {}
    private let state: Mutex<(failuresLeft: Int, entries: [RecordLogEntry], attempts: Int)>

    init(failures: Int) { state = Mutex((failures, [], 0)) }

    var schema: DatasetSchema { BundledSchemas.penguins }
    var entries: [RecordLogEntry] { state.withLock { $0.entries } }
    var attempts: Int { state.withLock { $0.attempts } }

    func append(_ entries: [RecordLogEntry]) async throws {
        try state.withLock { state in
            state.attempts += 1
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw Failure()
            }
            state.entries += entries
        }
    }
    func recent(limit: Int) async throws -> [RecordLogEntry] { Array(entries.reversed().prefix(limit)) }
    func count() async throws -> Int { entries.count }
    /// Keeps no ground truth: every prediction id is unknown here.
    func record(_ feedback: [Feedback]) async throws -> [Int] { Array(feedback.indices) }
    func labelled(since: Date?) async throws -> [LabelledPrediction] { [] }
}

/// The penguins' logged prediction number `index`: its bill length varies, its other features are fixed.
func logEntry(_ index: Int) -> RecordLogEntry {
    let coding = PenguinRecords.bundled
    var features = [Double?](repeating: nil, count: coding.schema.features.count)
    for (index, value) in zip(coding.measurementIndices, [30 + Double(index % 50), 18, 190, 4000]) { features[index] = value }
    return RecordLogEntry(
        features: features,
        prediction: RecordPrediction(predictedClass: 0, probabilities: [1, 0, 0], modelVersion: 1, predictedAt: Date(timeIntervalSince1970: Double(index)))
    )
}

/// A prediction log of the penguins whose appends wait until ``release(failing:)``, then fail or keep the entries.
final class SlowLog: RecordPredictionLog {
    private let state = Mutex<(released: Bool, fail: Bool, entries: [RecordLogEntry], started: Int)>((false, false, [], 0))

    var schema: DatasetSchema { BundledSchemas.penguins }
    var entries: [RecordLogEntry] { state.withLock { $0.entries } }
    var started: Int { state.withLock { $0.started } }
    func release(failing: Bool) { state.withLock { $0.released = true; $0.fail = failing } }

    func append(_ entries: [RecordLogEntry]) async throws {
        state.withLock { $0.started += 1 }
        while !state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(5)) }
        try state.withLock { state in
            if state.fail { throw FlakyLog.Failure() }
            state.entries += entries
        }
    }
    func recent(limit: Int) async throws -> [RecordLogEntry] { Array(entries.reversed().prefix(limit)) }
    func count() async throws -> Int { entries.count }
    /// Keeps no ground truth: every prediction id is unknown here.
    func record(_ feedback: [Feedback]) async throws -> [Int] { Array(feedback.indices) }
    func labelled(since: Date?) async throws -> [LabelledPrediction] { [] }
}

/// The penguins' log is `penguins`; every other dataset's is kept in memory.
struct TestLogs: RecordPredictionLogs {
    let penguins: any RecordPredictionLog
    let others = MemoryDatasetTables()

    func predictionLog(for schema: DatasetSchema) async throws -> any RecordPredictionLog {
        schema.name == BundledSchemas.defaultName ? penguins : await others.predictionLog(for: schema)
    }
}

/// Where the tests' penguin entries are logged.
let penguinLog = PredictionLogDestination(schema: BundledSchemas.penguins)

extension PredictionLogBuffer {
    /// Adds the penguins' entries, as their routes do.
    func appendPenguins(_ entries: [RecordLogEntry]) { append(contentsOf: entries, to: penguinLog) }
}

@Suite struct PredictionLogWriterTests {
    /// Entries in a write that has not ended are still counted as not stored, whether the write
    /// then fails (they are back in the buffer) or succeeds.
    @Test(arguments: [true, false]) func entriesBeingWrittenStillCount(failing: Bool) async throws {
        let buffer = PredictionLogBuffer(batchSize: 100)
        let log = SlowLog()
        let writer = PredictionLogWriter(buffer: buffer, logs: TestLogs(penguins: log))
        buffer.appendPenguins((0..<3).map(logEntry))
        let flush = Task { try await writer.flush() }
        while log.started == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(buffer.count == 3)
        log.release(failing: failing)
        let result = await flush.result
        if failing {
            #expect(throws: FlakyLog.Failure.self) { try result.get() }
            #expect(buffer.count == 3)
        } else {
            #expect(try result.get() == 3)
            #expect(buffer.count == 0)
            #expect(log.entries == (0..<3).map(logEntry))
        }
    }

    @Test func flushWritesEverythingInBatchesInOrder() async throws {
        let buffer = PredictionLogBuffer(batchSize: 100)
        let log = FlakyLog(failures: 0)
        let writer = PredictionLogWriter(buffer: buffer, logs: TestLogs(penguins: log))
        for index in 0..<250 { buffer.appendPenguins([logEntry(index)]) }
        #expect(try await writer.flush() == 250)
        #expect(log.entries == (0..<250).map(logEntry))
        #expect(log.attempts == 3)
        #expect(buffer.count == 0)
    }

    @Test func aFailedWriteKeepsItsBatchForTheRetry() async throws {
        let buffer = PredictionLogBuffer(batchSize: 10)
        let log = FlakyLog(failures: 2)
        let writer = PredictionLogWriter(buffer: buffer, logs: TestLogs(penguins: log))
        buffer.appendPenguins((0..<25).map(logEntry))
        await #expect(throws: FlakyLog.Failure.self) { try await writer.flush() }
        #expect(buffer.count == 25)
        buffer.appendPenguins([logEntry(25)])
        await #expect(throws: FlakyLog.Failure.self) { try await writer.flush() }
        #expect(try await writer.flush() == 26)
        #expect(log.entries == (0..<26).map(logEntry))
    }

    /// The buffer holds the penguins' entries and other datasets' together; each goes to its
    /// own log, and a failed write of one log puts back only the entries not stored yet.
    @Test func eachDatasetsEntriesGoToItsOwnLogAndOnlyUnwrittenOnesAreRetried() async throws {
        let buffer = PredictionLogBuffer(batchSize: 100)
        let penguins = FlakyLog(failures: 1)
        let logs = TestLogs(penguins: penguins)
        let writer = PredictionLogWriter(buffer: buffer, logs: logs)
        let iris = BundledSchemas.iris
        func irisEntry(_ index: Int) -> RecordLogEntry {
            RecordLogEntry(
                features: [5, 3, 1 + Double(index) / 10, 0.2],
                prediction: RecordPrediction(predictedClass: index % 3, probabilities: [0.5, 0.25, 0.25], modelVersion: 1, predictedAt: Date(timeIntervalSince1970: 0))
            )
        }
        let irisLog = PredictionLogDestination(schema: iris)
        buffer.append(irisEntry(0), to: irisLog)
        buffer.appendPenguins([logEntry(0)])
        buffer.append(contentsOf: [irisEntry(1), irisEntry(2)], to: irisLog)
        buffer.appendPenguins([logEntry(1)])
        #expect(buffer.count == 5)
        // The iris entries are stored; the penguins' write fails and only their two wait.
        await #expect(throws: FlakyLog.Failure.self) { try await writer.flush() }
        #expect(buffer.count == 2)
        let irisStored = try await logs.predictionLog(for: iris)
        #expect(try await irisStored.recent(limit: 10) == [irisEntry(2), irisEntry(1), irisEntry(0)])
        #expect(try await writer.flush() == 2)
        #expect(penguins.entries == [logEntry(0), logEntry(1)])
        #expect(try await irisStored.count() == 3)
        #expect(buffer.count == 0)
    }

    @Test func theServiceFlushesWhatIsLeftAtGracefulShutdown() async throws {
        let buffer = PredictionLogBuffer(batchSize: 1_000)
        let log = FlakyLog(failures: 3)
        // A long interval: only the batch size and the shutdown trigger writes.
        let writer = PredictionLogWriter(buffer: buffer, logs: TestLogs(penguins: log), interval: .seconds(3600))
        let group = ServiceGroup(configuration: .init(services: [writer], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            buffer.appendPenguins((0..<2_500).map(logEntry))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(log.entries == (0..<2_500).map(logEntry))
        #expect(buffer.count == 0)
    }
}
