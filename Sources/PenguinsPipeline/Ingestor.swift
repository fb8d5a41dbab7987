import Foundation
import PenguinsCore
import PenguinsStorage

/// What one ingestion did: every row read is either stored or quarantined.
public struct IngestReport: Codable, Sendable, Equatable {
    public var file: String
    public var layout: String
    /// How the file was read: separator, decimal mark and encoding (detected unless overridden).
    public var dialect: CSVDialect
    public var read: Int
    public var stored: Int
    public var quarantined: Int
    /// Stored rows with a missing measurement: kept in the lake, left out of training.
    public var notUsableForTraining: Int
    /// Rows of earlier ingestions of this file that were quarantined and are now valid, so left
    /// the quarantine (which now holds exactly the file's current bad rows).
    public var releasedFromQuarantine: Int
    /// Penguins whose measurements changed, whose cached predictions were removed.
    public var cacheInvalidated: Int
    /// Why the prediction cache could not be corrected, when it could not (the next command or
    /// a running server does it); nil when it was.
    public var cacheWarning: String?
    public var seconds: Double
    public var rowsPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }
}

/// Progress of a running ingestion, reported once per batch.
public struct IngestProgress: Sendable {
    public var rowsRead: Int
    public var elapsedSeconds: Double
}

/// Streams a CSV file into the lake, the warehouse and the quarantine in batches, so memory
/// stays flat whatever the file's size. Parsing the next batch, on a thread of its own
/// (``ReadAhead``), and preparing it (its documents and rows, ``PreparedBatch``) overlap
/// writing the current one.
///
/// After each batch the prediction cache drops the penguins whose measurements changed (see
/// ``CacheCoherence``). After the whole file, the quarantine keeps only this file's lines that
/// are still bad: a line repaired since an earlier ingestion leaves it. A file that fails part
/// way leaves the earlier entries of its unread lines in place.
public struct Ingestor: Sendable {
    public var platform: Platform
    /// Rows per write transaction.
    public var batchSize: Int

    public init(platform: Platform, batchSize: Int = 10_000) {
        self.platform = platform
        self.batchSize = batchSize
    }

    /// Ingests `file`; `progress` is called after each batch.
    /// - Parameter overrides: parts of the file's dialect to take as given instead of detecting them.
    public func ingest(
        file: URL, overrides: CSVDialect.Overrides = .none, progress: @Sendable (IngestProgress) -> Void = { _ in }
    ) async throws -> IngestReport {
        let start = Date()
        let reader = try PenguinFile(url: file, overrides: overrides)
        let source = file.lastPathComponent
        var report = IngestReport(
            file: file.path, layout: reader.layout.displayName, dialect: reader.dialect, read: 0, stored: 0, quarantined: 0,
            notUsableForTraining: 0, releasedFromQuarantine: 0, cacheInvalidated: 0, cacheWarning: nil, seconds: 0
        )
        let provenance = reader.provenance
        let coherence = CacheCoherence(platform: platform)
        var badLines: Set<Int> = []
        await coherence.correct(&report)  // the position that this file's changes follow
        let batches = ReadAhead(reader) { [batchSize] in try $0.nextBatch(maxCount: batchSize) }
        let warehouse = platform.warehouse
        @Sendable func nextPrepared() async throws -> PreparedBatch? {
            guard let batch = try await batches.next() else { return nil }
            return try PreparedBatch(batch, source: source, provenance: provenance, warehouse: warehouse, at: Date())
        }
        var pipeline = WritePipeline(platform: platform)
        /// Counts a written batch and corrects the cache for it.
        func account(_ written: PreparedBatch) async {
            report.read += written.read
            report.stored += written.stored
            report.quarantined += written.rejected.count
            report.notUsableForTraining += written.notUsable
            badLines.formUnion(written.rejected.map(\.line))
            await coherence.correct(&report)
            progress(IngestProgress(rowsRead: report.read, elapsedSeconds: Date().timeIntervalSince(start)))
        }
        do {
            var prepared = try await nextPrepared()
            while let current = prepared {
                // The next batch is parsed (on the reader's thread) and prepared while this one
                // is written, and a batch's writes queue behind the previous batch's.
                async let following = nextPrepared()
                if let written = try await pipeline.start(current) { await account(written) }
                prepared = try await following
            }
            for written in try await pipeline.finish() { await account(written) }
        } catch {
            // The batches read before the failure are stored before it is reported.
            await pipeline.drain()
            throw error
        }
        report.releasedFromQuarantine = try await platform.quarantine.release(file: source, keepingLines: badLines)
        try await platform.warehouse.pruneChanges(before: Date().addingTimeInterval(-Ingestor.changeLogRetention))
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// How long the warehouse keeps its change log: a day, far longer than any server takes to
    /// read it (every half second) and than the default cache TTL. A cache behind the pruned
    /// log is emptied rather than left stale.
    static let changeLogRetention: TimeInterval = 86_400

}

/// The writes of an ingestion, batch after batch: each batch's lake documents queue behind the
/// previous batch's documents and its warehouse rows behind the previous rows, so each store
/// writes in file order (the last row of an id wins) and a store's writer never waits for the
/// other store, nor for the report between batches. At most two batches are in flight: the
/// next batch's writes are queued before the ingestion waits for the previous one.
struct WritePipeline {
    let platform: Platform
    private var lakeWrites: Task<Void, any Error>?
    private var warehouseWrites: Task<Void, any Error>?
    private var inFlight: [(batch: PreparedBatch, written: Task<Void, any Error>)] = []

    init(platform: Platform) { self.platform = platform }

    /// Queues the writes of `batch`; returns the batch before it once that one is written (nil
    /// for the first batch).
    mutating func start(_ batch: PreparedBatch) async throws -> PreparedBatch? {
        let (lake, warehouse, quarantine) = (platform.lake, platform.warehouse.recordWarehouse, platform.quarantine)
        let (lakeBefore, warehouseBefore) = (lakeWrites, warehouseWrites)
        let lakeWrite = Task { try await lakeBefore?.value; try await lake.upsert(batch.lake) }
        let warehouseWrite = Task { try await warehouseBefore?.value; try await warehouse.upsert(batch.records) }
        (lakeWrites, warehouseWrites) = (lakeWrite, warehouseWrite)
        let written = Task {
            try await lakeWrite.value
            try await warehouseWrite.value
            if !batch.rejected.isEmpty { try await quarantine.append(batch.rejected) }
        }
        inFlight.append((batch, written))
        guard inFlight.count > 1 else { return nil }
        let oldest = inFlight.removeFirst()
        try await oldest.written.value
        return oldest.batch
    }

    /// Waits for every batch in flight and returns them in file order.
    mutating func finish() async throws -> [PreparedBatch] {
        var batches: [PreparedBatch] = []
        while !inFlight.isEmpty {
            let oldest = inFlight.removeFirst()
            try await oldest.written.value
            batches.append(oldest.batch)
        }
        return batches
    }

    /// Waits for every write in flight, whatever its outcome, so none runs after the ingestion ends.
    mutating func drain() async {
        for (_, written) in inFlight { _ = try? await written.value }
        inFlight = []
    }
}

/// A parsed batch made ready for its write, so that the work before the stores are reached
/// overlaps the previous batch's write: the lake documents serialised, the warehouse rows made,
/// the refused rows gathered.
struct PreparedBatch: Sendable {
    var read: Int
    var stored: Int
    var notUsable: Int
    var lake: LakeBatch
    var records: [DatasetRecord]
    var rejected: [QuarantinedRow]

    init(_ batch: [RowOutcome], source: String, provenance: Provenance, warehouse: any Warehouse, at time: Date) throws {
        var penguins: [Penguin] = []
        var rejected: [QuarantinedRow] = []
        penguins.reserveCapacity(batch.count)
        for outcome in batch {
            switch outcome {
            case .accepted(let penguin):
                penguins.append(penguin)
            case .rejected(let row):
                rejected.append(QuarantinedRow(file: source, line: row.line, rawText: row.rawText, reason: row.reason, quarantinedAt: time))
            }
        }
        read = batch.count
        stored = penguins.count
        notUsable = penguins.count { !$0.isUsableForTraining }
        records = try warehouse.records(of: penguins)
        lake = LakeBatch(penguins, from: provenance)
        self.rejected = rejected
    }
}

extension CacheCoherence {
    /// Removes the cached predictions of the rows an ingestion batch changed. A cache that
    /// cannot be reached does not fail the ingestion (the rows are stored): its position is not
    /// advanced, so the next pass, here or in any process, removes them.
    func correct(_ report: inout IngestReport) async {
        do {
            let result = try await reconcile()
            report.cacheInvalidated += result.invalidated
            report.cacheWarning = nil
        } catch {
            report.cacheWarning = "the prediction cache could not be corrected (\(error)); a running server or the next command corrects it"
        }
    }
}
