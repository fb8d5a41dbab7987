import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsServer

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "The platform in one command: ingest the bundled data if the lake is empty, train if there is no model, score if predictions are missing, summarise, then serve the dashboard and the API."
    )

    @Flag(help: "Stop after the summary instead of serving.") var noServe = false
    @OptionGroup var listen: ListenOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let platform = try await global.platform()
            // Whom the server would admit is settled before any work: an open bind without a key stops here.
            if !noServe { try await PenguinsServer.checkAccess(platform: platform, configuration: listen.configuration, options: try listen.options()) }
            var steps: [String] = []
            if try await platform.lake.count() == 0 {
                let report = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
                steps.append("ingested \(report.read) rows of the bundled data: \(report.stored) stored, \(report.quarantined) quarantined")
            }
            if try await platform.registry.current() == nil {
                let report = try await Trainer(platform: platform).train()
                steps.append("trained model version \(report.version): accuracy \(fixed(report.artifact.metrics.accuracy, 4)) on \(report.artifact.testRows) held-out rows")
            }
            if try await hasUnscoredRows(platform) {
                let report = try await Scorer(platform: platform).score()
                steps.append("scored \(report.scored) rows with model version \(report.modelVersion)")
            }
            let summary = try await PlatformSummary.collect(platform)
            switch global.format {
            case .json: try printJSON(summary)
            case .table:
                for step in steps { print(step) }
                if steps.isEmpty { print("everything is up to date") }
                print("")
                print(UpCommand.render(summary))
            }
            guard !noServe else { return }
            if global.format == .table { print("") }
            fflush(nil)
            try await ServeCommand.serve(platform: platform, listen: listen, addressOnStandardError: global.format == .json)
        }
    }

    /// True when some complete warehouse row has no prediction yet.
    private func hasUnscoredRows(_ platform: Platform) async throws -> Bool {
        let counts = try await platform.warehouse.recordWarehouse.usableAndScoredByPartition().values
        let usable = counts.reduce(0) { $0 + $1.usable }
        let scored = counts.reduce(0) { $0 + $1.scored }
        return scored < usable
    }

    static func render(_ summary: PlatformSummary) -> String {
        // A row per partition of the warehouse, a column per class of the schema.
        var table = TextTable(headers: [summary.partitionColumn, "rows", "usable", "scored"] + summary.classes)
        for aggregate in summary.partitions {
            table.add(cells: [aggregate.partition, "\(aggregate.count)", "\(aggregate.usableForTraining)", "\(aggregate.scored)"]
                + summary.classes.map { "\(aggregate.countByClass[$0] ?? 0)" })
        }
        return [
            "data directory: \(summary.dataDirectory)",
            "lake: \(summary.lakeDocuments) documents  warehouse: \(summary.warehouseRows) rows  quarantine: \(summary.quarantinedRows) rows",
            "current model: version \(summary.modelVersion.map(String.init) ?? "-"), accuracy \(fixed(summary.accuracy, 4)), macro-F1 \(fixed(summary.macroF1, 4))",
            "", table.rendered,
        ].joined(separator: "\n")
    }
}
