import ArgumentParser
import Foundation
import PenguinsPipeline

struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Record ground truth from a CSV file and show the current model's production accuracy.",
        discussion: """
            The file has a prediction_id column (the id a prediction was answered with by the API \
            or by `predict --log`) or the dataset's id column (a stored row, judged against its \
            batch prediction from `score`), and the true class in an `actual` column or one named \
            after the target. The whole file is recorded, or nothing: every line at fault is named.
            """
    )

    @Argument(help: "CSV file of ground truth.") var file: String
    @Option(help: "Production metrics per window of prediction time: hour, day, week or rows=N.") var window = "day"
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let window = try DriftWindow(argument: window)
            let platform = try await global.platform()
            let schema = try await platform.schema(ofDataset: dataset.name)
            let truth = try await GroundTruth(dataset: schema, platform: platform)
            let (items, lines) = try truth.items(inFile: URL(fileURLWithPath: file), overrides: csv.overrides)
            do {
                try await truth.record(items)
            } catch let refused as FeedbackRefused {
                let first = refused.problems[0]
                let more = refused.problems.count > 1 ? " (and \(refused.problems.count - 1) more lines)" : ""
                throw PipelineError.invalidOption(
                    "no feedback recorded: line \(lines[first.index]): \(first.field) \(first.detail)\(more)")
            }
            let version = try await platform.registry(ofDataset: schema.name).current()?.version
            let report = try await truth.production(modelVersion: version, window: window)
            switch global.format {
            case .json:
                try printJSON(FeedbackOutcome(dataset: schema.name, recorded: items.count, production: report))
            case .table:
                print("recorded \(items.count) answers for \(schema.name)")
                guard let version else { print("no model is current yet"); return }
                guard let accuracy = report.overall.accuracy, let macroF1 = report.overall.macroF1 else {
                    print("model version \(version) has no prediction with ground truth yet")
                    return
                }
                print("model version \(version) in production: accuracy \(fixed(accuracy, 4)), macro-F1 \(fixed(macroF1, 4)) over \(report.overall.rows) predictions")
                var table = TextTable("window start", "rows", "accuracy", "macro-F1")
                for entry in report.windows {
                    table.add(entry.start.formatted(.iso8601), "\(entry.metrics.rows)", fixed(entry.metrics.accuracy, 4), fixed(entry.metrics.macroF1, 4))
                }
                print(table.rendered)
            }
        }
    }
}

/// The JSON shape of `penguins feedback`.
struct FeedbackOutcome: Encodable {
    var dataset: String
    var recorded: Int
    var production: ProductionReport
}
