import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Clean, validate and store a CSV file with its dataset's schema; bad rows go to the quarantine."
    )

    @Argument(help: "CSV file to ingest (default: the dataset's bundled file, for the penguins the raw Palmer file).")
    var file: String?

    @Flag(help: "Leave the statistics and regression summaries to their first reader: a faster ingestion, a slower first summary after it.")
    var noSummaries = false

    @OptionGroup var dataset: DatasetOption
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let name = dataset.name
            let bundled = BundledSchemas.dataFile(of: name)
            let platform = try await global.platform()
            guard let url = file.map({ URL(fileURLWithPath: $0) }) ?? bundled else {
                _ = try await platform.schema(ofDataset: name)  // an unknown dataset is the error to report
                throw ValidationError("dataset \(name) has no bundled file: name the CSV file to ingest")
            }
            let progress = ProgressLine()
            let report = try await Ingestor(platform: platform, keepsSummaries: !noSummaries).ingest(file: url, dataset: name, overrides: csv.overrides) {
                progress.update(rows: $0.rowsRead, elapsed: $0.elapsedSeconds)
            }
            progress.finish()
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(IngestCommand.summary(report, dataset: name))
            }
        }
    }

    /// The report as a table and sentences; `dataset` names what the rows are.
    static func summary(_ report: IngestReport, dataset: String) -> String {
        var table = TextTable("file", "layout", "read as", "read", "stored", "quarantined", "not usable for training", "rows/s")
        table.add(
            URL(fileURLWithPath: report.file).lastPathComponent, report.layout, report.dialect.description, "\(report.read)", "\(report.stored)",
            "\(report.quarantined)", "\(report.notUsableForTraining)", "\(Int(report.rowsPerSecond))"
        )
        var lines = [table.rendered, "read \(report.read) = stored \(report.stored) + quarantined \(report.quarantined)"]
        if report.releasedFromQuarantine > 0 {
            lines.append("\(report.releasedFromQuarantine) lines quarantined by an earlier ingestion of this file are valid now and left the quarantine")
        }
        if report.cacheInvalidated > 0 {
            lines.append(
                "\(report.cacheInvalidated) changed rows of \(dataset): their predictions were dropped from the cache and the warehouse; "
                    + "run penguins score\(Platform.datasetOption(dataset)) to refresh them")
        }
        if report.summariesSaved { lines.append("statistics and regression summaries saved at this data version") }
        if let warning = report.cacheWarning { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
