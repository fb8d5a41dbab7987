import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsSpark
import PenguinsStorage

struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Predict every warehouse row with the current model, write the prediction columns and fill the cache."
    )

    @Option(help: ArgumentHelp(
        "Where to score: local (this process), sc://HOST:PORT (a Spark Connect server runs the batch with the current version's Spark model), or spark (the URL in $PENGUINS_SPARK).",
        valueName: "engine"
    ))
    var engine = "local"
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let engine = try Engine(parsing: engine, environment: ProcessInfo.processInfo.environment)
            let platform = try await global.platform()
            let schema = try await platform.schema(ofDataset: dataset.name)
            if case .spark(let url) = engine {
                let report = try await SparkScorer(platform: platform, url: url).score(dataset: schema)
                switch global.format {
                case .json: try printJSON(report)
                case .table: print(ScoreCommand.sparkSummary(report, schema: schema))
                }
                return
            }
            let report = try await Scorer(platform: platform, fillsCache: !platform.cacheIsInProcess).score(schema: schema)
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(ScoreCommand.summary(report))
            }
        }
    }

    static func summary(_ report: ScoreReport) -> String {
        var table = TextTable("dataset", "model version", "rows", "scored", "refreshed", "unscorable (missing feature)", "cached", "seconds")
        table.add(
            report.dataset, "\(report.modelVersion)", "\(report.rows)", "\(report.scored)", "\(report.refreshed)", "\(report.unscorable)",
            "\(report.cached)", fixed(report.seconds, 2)
        )
        let changed = report.changedWhileScoring == 0 ? "" :
            "\n\(report.changedWhileScoring) rows changed by an ingestion while they were scored were scored again as they are now"
        return table.rendered + "\n" + cacheLine(report) + changed
    }

    /// What scoring did to the prediction cache, in words.
    static func cacheLine(_ report: ScoreReport) -> String {
        let removed = report.cacheInvalidated == 0
            ? "no stale entries"
            : "removed the stale entries of \(report.cacheInvalidated) changed rows"
        if report.cacheInProcess && report.cached == 0 {
            return "cache: \(report.cacheLocation) lives in each process, so this command leaves it alone; "
                + "a running server drops changed rows from its own within a second and answers \(report.refreshed) refreshed rows from the warehouse"
        }
        return "cache: \(report.cacheLocation): \(removed), wrote \(report.cached) predictions"
    }

    static func sparkSummary(_ report: SparkScoreReport, schema: DatasetSchema) -> String {
        var lines = [
            "spark: \(report.sparkScored) rows of \(report.dataset) scored on the cluster in \(fixed(report.sparkSeconds, 2)) s, merged into the warehouse in \(fixed(report.mergeSeconds, 2)) s",
            summary(report.swift),
        ]
        if let shadow = report.shadow {
            lines += shadowLines(shadow, headers: ["id", schema.partition, schema.target.name, "swift", "spark"]) { [$0.id, $0.partition, $0.actual, $0.swift, $0.spark] }
        }
        return lines.joined(separator: "\n")
    }

    /// How often the two models agree, and the rows where they differ as a table.
    static func shadowLines<Row>(_ shadow: ModelShadow<Row>, headers: [String], cells: (Row) -> [String]) -> [String] {
        var lines = ["shadow: spark and swift agree on \(shadow.agreed) of \(shadow.compared) rows (\(fixed(shadow.agreementRate * 100, 2)) %)"]
        if !shadow.disagreements.isEmpty {
            var table = TextTable(headers: headers)
            for row in shadow.disagreements { table.add(cells: cells(row)) }
            lines.append(table.rendered)
        }
        return lines
    }
}
