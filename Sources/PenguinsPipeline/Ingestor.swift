import Foundation
import PenguinsCore
import PenguinsStorage

/// What one ingestion did: every row read is either stored or quarantined.
public struct IngestReport: Codable, Sendable, Equatable {
    public var file: String
    public var layout: String
    public var read: Int
    public var stored: Int
    public var quarantined: Int
    /// Stored rows with a missing measurement: kept in the lake, left out of training.
    public var notUsableForTraining: Int
    public var seconds: Double
    public var rowsPerSecond: Double { seconds > 0 ? Double(read) / seconds : 0 }
}

/// Progress of a running ingestion, reported once per batch.
public struct IngestProgress: Sendable {
    public var rowsRead: Int
    public var elapsedSeconds: Double
}

/// Streams a CSV file into the lake, the warehouse and the quarantine in batches, so memory
/// stays flat whatever the file's size. Parsing the next batch overlaps writing the current one.
public struct Ingestor: Sendable {
    public var platform: Platform
    /// Rows per write transaction.
    public var batchSize: Int

    public init(platform: Platform, batchSize: Int = 10_000) {
        self.platform = platform
        self.batchSize = batchSize
    }

    /// Ingests `file`; `progress` is called after each batch.
    public func ingest(file: URL, progress: @Sendable (IngestProgress) -> Void = { _ in }) async throws -> IngestReport {
        let start = Date()
        var reader = try PenguinFile(url: file)
        let source = file.lastPathComponent
        var report = IngestReport(
            file: file.path, layout: reader.layout.displayName, read: 0, stored: 0, quarantined: 0,
            notUsableForTraining: 0, seconds: 0
        )
        var next = try reader.nextBatch(maxCount: batchSize)
        while let batch = next {
            async let written = write(batch, source: source, at: Date())
            next = try reader.nextBatch(maxCount: batchSize)
            let counts = try await written
            report.read += batch.count
            report.stored += counts.stored
            report.quarantined += counts.quarantined
            report.notUsableForTraining += counts.notUsable
            progress(IngestProgress(rowsRead: report.read, elapsedSeconds: Date().timeIntervalSince(start)))
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    private func write(_ batch: [RowOutcome], source: String, at time: Date) async throws -> (stored: Int, quarantined: Int, notUsable: Int) {
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
        async let lakeWrite: Void = platform.lake.upsert(penguins)
        try await platform.warehouse.upsert(penguins)
        try await lakeWrite
        if !rejected.isEmpty { try await platform.quarantine.append(rejected) }
        return (penguins.count, rejected.count, penguins.count { !$0.isUsableForTraining })
    }
}
