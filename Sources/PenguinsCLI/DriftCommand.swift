import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare a reference and a current sample: KS test and PSI per feature, chi-squared per categorical column."
    )

    @Option(help: "One numeric feature to test (default: every numeric feature and the categorical columns).") var feature: String?
    @Option(help: "Reference sample: training (the current model's), warehouse or a CSV file.") var reference = "training"
    @Option(help: "Current sample: production (the dataset's prediction log), warehouse or a CSV file.") var current = "production"
    @Option(help: "Drift when the p-value is below this.") var threshold = 0.05
    @Option(help: "The fewest current rows a verdict is given on; below, the verdict is \"not enough data\".")
    var minRows = 100
    @Option(help: "Drift over time: cut the prediction log into windows (hour, day, week or rows=N) and compare each with the training sample.")
    var window: String?
    @Option(help: "With --window: only predictions from this ISO 8601 date (2026-12-01) or date and time on.") var since: String?
    @Option(help: "With --window: a window drifted when at least this share of its columns drifted.") var share = 0.5
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard threshold > 0, threshold < 1 else { throw ValidationError("--threshold must be between 0 and 1") }
        guard minRows >= 0 else { throw ValidationError("--min-rows cannot be negative, got \(minRows)") }
        if reference == "production" { throw ValidationError("--reference must be training or a file") }
        if current == "training" { throw ValidationError("--current must be production or a file") }
        if window != nil && (reference != "training" || current != "production") {
            throw ValidationError("--window compares the prediction log with the training sample: leave --reference and --current out")
        }
        if since != nil && window == nil { throw ValidationError("--since goes with --window") }
        guard share > 0, share <= 1 else { throw ValidationError("--share must be above 0 and at most 1") }
    }

    func run() async throws {
        if let window {
            try await reportingErrors { try await history(window: DriftWindow(argument: window)) }
            return
        }
        try await reportingErrors {
            let referenceSource = DriftSource(argument: reference)
            let currentSource = DriftSource(argument: current)
            let isDefault = Platform.isDefaultDataset(dataset.name)
            // Two files of the penguins need no store at all.
            let needsStore = !isDefault || [referenceSource, currentSource].contains { if case .file = $0 { false } else { true } }
            let platform = needsStore ? try await global.platform() : nil
            let schema = try await platform?.schema(ofDataset: dataset.name) ?? BundledSchemas.penguins
            let analysis = DriftAnalysis(threshold: threshold, feature: feature, dataset: schema, minimumRows: minRows)
            if let feature, !analysis.numericColumns.contains(feature) {
                throw PipelineError.invalidOption(
                    "--feature must be a numeric feature of \(schema.name) (\(analysis.numericColumns.joined(separator: ", "))), got \(feature)"
                )
            }
            let referenceSample = try await DriftSample.load(referenceSource, dataset: schema, platform: platform, overrides: csv.overrides)
            let currentSample = try await DriftSample.load(currentSource, dataset: schema, platform: platform, overrides: csv.overrides)
            let report = try analysis.compare(reference: referenceSample, current: currentSample, referenceName: reference, currentName: current)
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(DriftCommand.render(report))
            }
        }
    }

    /// `--window`: the prediction log's windows, each against the training sample.
    func history(window: DriftWindow) async throws {
        let platform = try await global.platform()
        let schema = try await platform.schema(ofDataset: dataset.name)
        let analysis = DriftHistoryAnalysis(window: window, pValueThreshold: threshold, driftShare: share, minimumRows: minRows)
        let report = try await analysis.run(dataset: schema, platform: platform, since: try since.map(DriftHistoryAnalysis.since))
        switch global.format {
        case .json: try printJSON(report)
        case .table: print(DriftCommand.render(report))
        }
    }

    static func render(_ report: DriftHistoryReport) -> String {
        var table = TextTable("window start", "rows", "drifted", "verdict", "drifted columns")
        for window in report.windows {
            let drifted = window.columns.filter(\.drift).map(\.column).joined(separator: ", ")
            let verdict = switch window.verdict {
            case .drift: "DRIFT"
            case .noDrift: "ok"
            case .notEnoughData: "too few rows"
            }
            table.add(window.start.formatted(.iso8601), "\(window.rows)", "\(Int((window.driftedShare * 100).rounded())) %", verdict, drifted.isEmpty ? "-" : drifted)
        }
        return [
            "\(report.dataset): the prediction log by \(report.window) against the training sample; a window drifts when \(Int(report.driftShare * 100)) % of its columns do, on \(report.minimumRows) rows or more",
            "", table.rendered,
        ].joined(separator: "\n")
    }

    static func render(_ report: DriftReport) -> String {
        var table = TextTable("feature", "n ref", "n cur", "KS D", "KS p", "method", "PSI", "verdict")
        for drift in report.features {
            table.add(drift.feature, "\(drift.referenceCount)", "\(drift.currentCount)", fixed(drift.ks.statistic, 4), pValue(drift.ks.pValue),
                      drift.ks.method.rawValue, fixed(drift.psi.value, 4), drift.drift ? "DRIFT" : "ok")
        }
        var lines = ["reference: \(report.reference)  current: \(report.current)  threshold: p < \(report.threshold)", "", table.rendered]
        if !report.categorical.isEmpty {
            var categorical = TextTable("column", "chi²", "dof", "p", "verdict")
            for drift in report.categorical {
                categorical.add(drift.column, fixed(drift.chiSquared.statistic, 3), "\(drift.chiSquared.degreesOfFreedom)",
                                pValue(drift.chiSquared.pValue), drift.drift ? "DRIFT" : "ok")
            }
            lines += ["", categorical.rendered]
        }
        switch report.verdict {
        case .drift: lines += ["", "DRIFT DETECTED"]
        case .noDrift: lines += ["", "no drift detected"]
        case .notEnoughData:
            lines += ["", "not enough data: \(report.currentRows) current rows, a verdict needs \(report.minimumRows) (--min-rows)"]
        }
        return lines.joined(separator: "\n")
    }
}
