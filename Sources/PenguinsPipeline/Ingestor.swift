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
    /// The statistics and the default regression sums were saved at the data version the
    /// ingestion left (``IngestAggregates``): the first summary after it reads them.
    public var summariesSaved: Bool = false
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
/// writing the current one, and each store's writes queue behind its own (``WritePipeline``).
///
/// After each batch the prediction cache drops the penguins whose measurements changed (see
/// ``CacheCoherence``). After the whole file, the quarantine keeps only this file's lines that
/// are still bad: a line repaired since an earlier ingestion leaves it. A file that fails part
/// way leaves the earlier entries of its unread lines in place (``IngestionRun``).
public struct Ingestor: Sendable {
    public var platform: Platform
    /// Rows per write transaction.
    public var batchSize: Int
    /// Whether the saved statistics and default regression sums are kept up to date as the
    /// rows are written (``IngestAggregates``); without, the ingestion is faster and the first
    /// summary after it reads the rows it cannot catch up with.
    public var keepsSummaries: Bool

    public init(platform: Platform, batchSize: Int = 10_000, keepsSummaries: Bool = true) {
        self.platform = platform
        self.batchSize = batchSize
        self.keepsSummaries = keepsSummaries
    }

    /// Ingests `file`; `progress` is called after each batch.
    /// - Parameter overrides: parts of the file's dialect to take as given instead of detecting them.
    public func ingest(
        file: URL, overrides: CSVDialect.Overrides = .none, progress: @Sendable (IngestProgress) -> Void = { _ in }
    ) async throws -> IngestReport {
        let start = Date()
        let reader = try PenguinFile(url: file, overrides: overrides)
        let source = file.lastPathComponent
        let report = IngestReport(
            file: file.path, layout: reader.layout.displayName, dialect: reader.dialect, read: 0, stored: 0, quarantined: 0,
            notUsableForTraining: 0, releasedFromQuarantine: 0, cacheInvalidated: 0, cacheWarning: nil, seconds: 0
        )
        let provenance = reader.provenance
        let warehouse = platform.warehouse
        let steps = IngestionRun(
            source: source, warehouse: warehouse.recordWarehouse, quarantine: platform.quarantine,
            coherence: CacheCoherence(platform: platform), keepsSummaries: keepsSummaries)
        return try await steps.run(
            report, start: start, batches: ReadAhead(reader) { [batchSize] in try $0.nextBatch(maxCount: batchSize) },
            prepare: { try PreparedBatch($0, source: source, provenance: provenance, warehouse: warehouse, at: Date()) },
            lake: { [lake = platform.lake] (batch: PreparedBatch) in try await lake.upsert(batch.lake) },
            records: { $0.records }, progress: progress)
    }
}

/// A parsed batch made ready for its write, so that the work before the stores are reached
/// overlaps the previous batch's write: the lake documents serialised, the warehouse rows made,
/// the refused rows gathered.
struct PreparedBatch: IngestBatch {
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
