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
/// memory stays flat whatever the file's size: the rows are read with the schema of the
/// penguins' warehouse (the bundled one, or an edited one registered since) and take exactly
/// the path every dataset's rows take (``DatasetIngestor``), into the default dataset's stores,
/// which are the penguins' own (``Platform/tables(for:)``).
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
        try await DatasetIngestor(platform: platform, batchSize: batchSize, keepsSummaries: keepsSummaries)
            .ingest(file: file, schema: platform.warehouse.recordWarehouse.schema, overrides: overrides, progress: progress)
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
