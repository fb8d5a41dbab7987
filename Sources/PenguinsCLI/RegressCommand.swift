import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStatistics

struct RegressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "OLS regression of a numeric variable on numeric and categorical predictors (one-hot, first level dropped)."
    )

    @Option(help: "Numeric variable to explain (default: the target of the schema's regression; `penguins datasets show NAME` lists it).")
    var target: String?
    @Option(help: "Comma-separated predictors: numeric and categorical columns (default: the predictors of the schema's regression).")
    var predictors: String?
    @Option(help: "Share of rows held out for the test error, a row by a hash of its id and the seed (0 fits on all rows).") var testFraction = RegressionAnalysis.defaultTestFraction
    @Option(help: "Seed of the train/test split.") var seed = RegressionAnalysis.defaultSeed
    @Option(help: "Analyse this CSV file instead of the warehouse.") var file: String?
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    /// The analysis asked for, the dataset's default regression filling in what is not given.
    func analysis(defaults: RegressionDefault) -> RegressionAnalysis {
        RegressionAnalysis(
            target: target ?? defaults.target,
            predictors: predictors.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                ?? defaults.predictors,
            testFraction: testFraction, seed: seed
        )
    }

    func run() async throws {
        try await reportingErrors {
            let platform = try await global.platform()
            let schema = try await platform.schema(ofDataset: dataset.name)
            let analysis = analysis(defaults: schema.defaultRegression)
            try analysis.validate(numeric: DatasetColumns.numericNames(of: schema), categorical: DatasetColumns.categoricalNames(of: schema))
            let warehouse = try await platform.recordWarehouse(of: schema)
            let report: RegressionReport?
            if let file {
                report = try analysis.run(try DatasetColumns.load(file: URL(fileURLWithPath: file), schema: warehouse.schema, overrides: csv.overrides))
            } else {
                // The sums saved in the store for this split, brought up to date with the rows inserted since.
                report = try await SavedAggregates.regression(analysis, of: warehouse).report(analysis)
            }
            guard let report else { throw PipelineError.emptyWarehouse(dataset: warehouse.schema.name) }
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(RegressCommand.render(report))
            }
        }
    }

    static func render(_ report: RegressionReport) -> String {
        let model = report.model
        var table = TextTable("term", "estimate", "std error", "t", "p", "95% low", "95% high")
        for term in model.terms {
            table.add(term.name, fixed(term.estimate, 4), fixed(term.standardError, 4), fixed(term.tStatistic, 3), pValue(term.pValue),
                      fixed(term.lower95, 4), fixed(term.upper95, 4))
        }
        var fit = TextTable("measure", "value")
        fit.add("R²", fixed(model.rSquared, 4))
        fit.add("adjusted R²", fixed(model.adjustedRSquared, 4))
        fit.add("F statistic", fixed(model.fStatistic, 2))
        fit.add("F p-value", pValue(model.fPValue))
        fit.add("MSE (train)", fixed(report.trainingMSE, 2))
        fit.add("RMSE (train)", fixed(report.trainingRMSE, 2))
        fit.add("MSE (test)", fixed(report.testMSE, 2))
        fit.add("RMSE (test)", fixed(report.testRMSE, 2))
        return [
            "\(report.target) ~ \(report.predictors.joined(separator: " + "))",
            "\(report.trainingRows) training rows, \(report.testRows) test rows, \(report.rowsWithMissingValues) left out for missing values",
            "", table.rendered, "", fit.rendered,
        ].joined(separator: "\n")
    }
}
