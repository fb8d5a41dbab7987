import Foundation
import PenguinsCore
import PenguinsStorage

/// The steps every ingestion takes, whatever its file's layout (``Ingestor`` for the penguins'
/// files, ``DatasetIngestor`` for any dataset's): the prediction cache's position taken before
/// the first write, the summaries followed from the warehouse's state (``IngestAggregates``),
/// the batches written (``WritePipeline``) and counted with the cache corrected after each,
/// then the summaries saved, the quarantine left with exactly the file's lines that are still
/// bad, and the warehouse's change log pruned.
struct IngestionRun: Sendable {
    /// The file's name, as the quarantine knows its lines.
    var source: String
    var warehouse: any RecordWarehouse
    var quarantine: any Quarantine
    var coherence: CacheCoherence
    var keepsSummaries: Bool

    /// Ingests the batches of rows `batches` reads into `report` (started at `start`), each
    /// made ready by `prepare`, written to the lake by `lake` and its `records` to the
    /// warehouse; `progress` is called after each batch. Answers the report complete.
    func run<Reader, Rows: Sendable, Batch: IngestBatch>(
        _ report: IngestReport, start: Date, batches: ReadAhead<Reader, Rows>,
        prepare: @escaping @Sendable (Rows) throws -> Batch,
        lake: @escaping @Sendable (Batch) async throws -> Void,
        records: @escaping @Sendable (Batch) -> [DatasetRecord],
        progress: @Sendable (IngestProgress) -> Void
    ) async throws -> IngestReport {
        var report = report
        var badLines: Set<Int> = []
        await coherence.correct(&report)  // the position that this file's changes follow
        let warehouse = warehouse
        let aggregates = keepsSummaries ? try await IngestAggregates.start(warehouse) : nil
        let pipeline = WritePipeline<Batch>(
            lake: lake, warehouse: { try await warehouse.upsert(records($0), following: aggregates) }, quarantine: quarantine)
        @Sendable func next() async throws -> Batch? { try await batches.next().map(prepare) }
        try await pipeline.run(next: next) { written in
            report.add(written, badLines: &badLines)
            await coherence.correct(&report)
            progress(IngestProgress(rowsRead: report.read, elapsedSeconds: Date().timeIntervalSince(start)))
        }
        report.summariesSaved = try await aggregates?.finish() ?? false
        report.releasedFromQuarantine = try await quarantine.release(file: source, keepingLines: badLines)
        try await warehouse.pruneChanges(before: Date().addingTimeInterval(-Self.changeLogRetention))
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// How long the warehouse keeps its change log: a day, far longer than any server takes to
    /// read it (every half second) and than the default cache TTL. A cache behind the pruned
    /// log is emptied rather than left stale.
    static let changeLogRetention: TimeInterval = 86_400
}
