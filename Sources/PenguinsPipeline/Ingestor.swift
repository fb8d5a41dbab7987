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

/// Streams a CSV file of the penguins into their lake, warehouse and quarantine in batches, so
/// memory stays flat whatever the file's size. The rows are read with the penguins' schema (the
/// warehouse's) as every dataset's are (``DatasetFile``), and take the steps every ingestion
/// takes (``IngestionRun``); what is the penguins' own is their lake, whose documents keep the
/// shape they have always had (``PenguinsCore/PenguinRecords/penguin(read:fileColumns:)``).
/// Parsing the next batch, on a thread of its own (``ReadAhead``), and preparing it (its
/// documents serialised, ``PenguinBatch``) overlap writing the current one, and each store's
/// writes queue behind its own (``WritePipeline``).
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
    /// - Throws: an ``IngestError`` when the file cannot be read or lacks a column the penguins' schema requires.
    public func ingest(
        file: URL, overrides: CSVDialect.Overrides = .none, progress: @Sendable (IngestProgress) -> Void = { _ in }
    ) async throws -> IngestReport {
        let start = Date()
        let warehouse = platform.warehouse.recordWarehouse
        let schema = warehouse.schema
        let reader = try DatasetFile(url: file, schema: schema, overrides: overrides)
        let source = file.lastPathComponent
        let report = IngestReport(
            file: file.path, layout: "dataset \(schema.name)", dialect: reader.dialect, read: 0, stored: 0, quarantined: 0,
            notUsableForTraining: 0, releasedFromQuarantine: 0, cacheInvalidated: 0, cacheWarning: nil, seconds: 0
        )
        let documents = PenguinDocuments(
            coding: PenguinRecords(schema: schema), fileColumns: reader.parser.featureColumns,
            provenance: Provenance(file: source, dialect: reader.dialect))
        let steps = IngestionRun(
            source: source, warehouse: warehouse, quarantine: platform.quarantine,
            coherence: CacheCoherence(platform: platform), keepsSummaries: keepsSummaries)
        return try await steps.run(
            report, start: start, batches: ReadAhead(reader) { [batchSize] in try $0.nextBatch(maxCount: batchSize) },
            prepare: { try PenguinBatch($0, schema: schema, documents: documents, source: source, at: Date()) },
            lake: { [lake = platform.lake] (batch: PenguinBatch) in try await lake.upsert(batch.lake) },
            records: { $0.rows.records }, progress: progress)
    }
}

/// How the penguins' rows, read with their schema, become the documents of their lake.
struct PenguinDocuments: Sendable {
    var coding: PenguinRecords
    /// Per feature of the schema, whether the file has its column.
    var fileColumns: [Bool]
    var provenance: Provenance

    /// The lake batch of `records`.
    /// - Throws: ``StorageError/notFound(_:)`` for a record that is not a penguin (a class of
    ///   an edited schema that is not a species), which the bundled schema never reads.
    func batch(of records: [DatasetRecord]) throws -> LakeBatch {
        var penguins: [Penguin] = []
        penguins.reserveCapacity(records.count)
        for record in records {
            guard let penguin = coding.penguin(read: record, fileColumns: fileColumns) else {
                let species = Species.allCases.map(\.rawValue).joined(separator: ", ")
                throw StorageError.notFound("the species of row \(record.id) among the penguins' (\(species))")
            }
            penguins.append(penguin)
        }
        return LakeBatch(penguins, from: provenance)
    }
}

/// A parsed batch of the penguins made ready for its write, so that the work before the stores
/// are reached overlaps the previous batch's write: the records and refused rows
/// (``DatasetBatch``), and the lake documents serialised.
struct PenguinBatch: IngestBatch {
    var rows: DatasetBatch
    var lake: LakeBatch
    var read: Int { rows.read }
    var stored: Int { rows.stored }
    var notUsable: Int { rows.notUsable }
    var rejected: [QuarantinedRow] { rows.rejected }

    init(_ batch: [DatasetRowOutcome], schema: DatasetSchema, documents: PenguinDocuments, source: String, at time: Date) throws {
        rows = DatasetBatch(batch, schema: schema, source: source, at: time)
        lake = try documents.batch(of: rows.records)
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
