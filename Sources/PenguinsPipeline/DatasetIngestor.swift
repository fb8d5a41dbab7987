import Foundation
import PenguinsCore
import PenguinsStorage

/// Streams a CSV file of any dataset into that dataset's lake, warehouse and quarantine, read
/// with its schema, in batches so memory stays flat; parsing the next batch overlaps writing the
/// current one, and each store's writes queue behind its own (``WritePipeline``). As for the penguins (``Ingestor``), every row read is stored or quarantined, and
/// after the whole file the quarantine keeps exactly the file's lines that are still bad, and the
/// dataset's prediction cache has dropped the rows the file changed.
public struct DatasetIngestor: Sendable {
    public var platform: Platform
    /// Rows per write transaction.
    public var batchSize: Int
    /// Whether the saved summaries are kept up to date as the rows are written (``Ingestor/keepsSummaries``).
    public var keepsSummaries: Bool

    public init(platform: Platform, batchSize: Int = 10_000, keepsSummaries: Bool = true) {
        self.platform = platform
        self.batchSize = batchSize
        self.keepsSummaries = keepsSummaries
    }

    /// Ingests `file` into the tables of `schema`'s dataset; `progress` is called after each batch.
    public func ingest(
        file: URL, schema: DatasetSchema, overrides: CSVDialect.Overrides = .none,
        progress: @Sendable (IngestProgress) -> Void = { _ in }
    ) async throws -> IngestReport {
        let start = Date()
        let reader = try DatasetFile(url: file, schema: schema, overrides: overrides)
        let stores = try await platform.tables(for: schema)
        let source = file.lastPathComponent
        let provenance = Provenance(file: source, dialect: reader.dialect, featureColumns: reader.parser.featureColumns)
        let report = IngestReport(
            file: file.path, layout: "dataset \(schema.name)", dialect: reader.dialect, read: 0, stored: 0, quarantined: 0,
            notUsableForTraining: 0, releasedFromQuarantine: 0, cacheInvalidated: 0, cacheWarning: nil, seconds: 0
        )
        let schema = stores.schema
        let steps = IngestionRun(
            source: source, warehouse: stores.warehouse, quarantine: stores.quarantine,
            coherence: CacheCoherence(stores: stores), keepsSummaries: keepsSummaries)
        let lake = stores.lake
        return try await steps.run(
            report, start: start, batches: ReadAhead(reader) { [batchSize] in try $0.nextBatch(maxCount: batchSize) },
            prepare: { try DatasetBatch($0, schema: schema, source: source, at: Date(), lake: lake, provenance: provenance) },
            lake: { (batch: DatasetBatch) in try await lake.upsert(batch.lake) },
            records: { $0.records }, progress: progress)
    }
}

/// A parsed batch of a dataset's rows made ready for its writes, so that the work before the
/// stores are reached overlaps the previous batch's writes: the records to store, their lake
/// documents written, and the rows refused.
struct DatasetBatch: IngestBatch {
    var read: Int
    var records: [DatasetRecord]
    var lake: LakeBatch
    var rejected: [QuarantinedRow]
    var notUsable: Int
    var stored: Int { records.count }

    /// - Throws: ``PenguinsStorage/StorageError/notFound(_:)`` for a record `lake` cannot write.
    init(_ batch: [DatasetRowOutcome], schema: DatasetSchema, source: String, at time: Date, lake: any RecordLake, provenance: Provenance) throws {
        var records: [DatasetRecord] = []
        var rejected: [QuarantinedRow] = []
        records.reserveCapacity(batch.count)
        for outcome in batch {
            switch outcome {
            case .accepted(let record): records.append(record)
            case .rejected(let row):
                rejected.append(QuarantinedRow(file: source, line: row.line, rawText: row.rawText, reason: row.reason, quarantinedAt: time))
            }
        }
        read = batch.count
        self.records = records
        self.lake = try lake.batch(records, from: provenance)
        self.rejected = rejected
        notUsable = schema.usableForTraining(records).count { !$0 }
    }
}
