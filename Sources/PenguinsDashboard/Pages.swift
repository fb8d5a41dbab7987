import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// What the regression lab's form asked for, as typed (echoed back into the form).
public struct RegressionRequest: Sendable, Equatable {
    /// The variable to explain (a numeric column of the dataset).
    public var target: String
    /// The predictors, numeric or categorical.
    public var predictors: [String]
    /// Share of the rows held out for the test split, as typed.
    public var testFraction: String
    /// Seed of the train/test split, as typed.
    public var seed: String
    /// Creates the value from its parts.
    public init(target: String, predictors: [String], testFraction: String = "0.2", seed: String = "42") {
        self.target = target
        self.predictors = predictors
        self.testFraction = testFraction
        self.seed = seed
    }

    /// The form of a dataset's default regression (``PenguinsCore/DatasetSchema/defaultRegression``),
    /// the bundled penguins' unless another schema is given.
    public init(defaultOf schema: DatasetSchema = BundledSchemas.penguins) {
        let regression = schema.defaultRegression
        self.init(target: regression.target, predictors: regression.predictors)
    }
}

/// The predict form's fields and the values typed into them (echoed back into the form).
public struct PredictInput: Sendable, Equatable {
    /// The form's fields: the features of the penguins' schema the live model reads.
    public var fields: [FeatureColumn]
    /// The typed value of each field, by feature name; a missing key leaves its field empty.
    public var values: [String: String]

    /// A form of `fields` (the four measurements, which the default model reads, unless given).
    public init(fields: [FeatureColumn] = PredictInput.measurementFields, values: [String: String] = [:]) {
        self.fields = fields
        self.values = values
    }

    /// The four measurements of the bundled penguins' schema, in ``Feature/allCases`` order.
    public static let measurementFields = Feature.allCases.map { BundledSchemas.penguins.feature(named: $0.rawValue)! }
}

/// The dashboard's pages: each a pure function from platform data to a complete HTML document.
/// Every page escapes what it prints and renders sensibly with an empty store.
public enum Pages {
    /// Counts of every store, the current model, the cache hit ratio, links to everything.
    public static func overview(summary: PlatformSummary, cacheHits: Int, cacheMisses: Int, jobs: [JobStatus] = []) -> String {
        OverviewPage.render(summary: summary, cacheHits: cacheHits, cacheMisses: cacheMisses, jobs: jobs)
    }

    /// Descriptive table, counts by island and by sex, the two seed scatter plots and one of the
    /// reader's choosing (`x`, `y`, `colour`). `columns` empty → "no data yet".
    /// The penguins' statistics: the summary tables, the two seed scatter plots and the chosen one,
    /// whose axes and colour are `x`, `y` and `colour`, else those of `schema`'s default scatter plot.
    public static func statistics(
        report: StatisticsReport?, columns: DatasetColumns, x: String? = nil, y: String? = nil, colour: String? = nil,
        schema: DatasetSchema = BundledSchemas.penguins
    ) -> String {
        StatisticsPage.render(report: report, columns: columns, choice: (x, y, colour), defaults: schema.defaultScatter)
    }

    /// The statistics page's content alone (``statistics(report:columns:x:y:colour:schema:)``
    /// without the page around it), the same for every reader.
    public static func statisticsContent(
        report: StatisticsReport?, columns: DatasetColumns, x: String? = nil, y: String? = nil, colour: String? = nil,
        schema: DatasetSchema = BundledSchemas.penguins
    ) -> String {
        StatisticsPage.content(report: report, columns: columns, choice: (x, y, colour), defaults: schema.defaultScatter)
    }

    /// The statistics page around content made by ``statisticsContent(report:columns:x:y:colour:schema:)``.
    public static func statistics(content: String) -> String {
        StatisticsPage.document(content: content)
    }

    /// The regression lab: the form, and the result or the error of the last request.
    public static func regression(request: RegressionRequest, report: RegressionReport?, error: String?) -> String {
        RegressionPage.render(request: request, report: report, error: error)
    }

    /// The regression lab of any dataset: its numeric and categorical columns (the target among
    /// them) in the form, which goes to `/datasets/NAME/regression`.
    public static func regression(
        dataset: String, numeric: [String], categorical: [String], request: RegressionRequest, report: RegressionReport?, error: String?
    ) -> String {
        RegressionPage.render(
            request: request, report: report, error: error,
            columns: RegressionPage.Columns(numeric: numeric, categorical: categorical, action: "/datasets/\(dataset)/regression", dataset: dataset)
        )
    }

    /// The current model (nil before the first training) and every version with a promote button.
    /// With `production`, the model's quality on the predictions whose ground truth came back.
    public static func classification(
        current: SpeciesModel?, versions: [ModelVersionSummary], shadow: ShadowComparison? = nil, production: ProductionReport? = nil,
        audit: [PromotionAudit] = []
    ) -> String {
        ClassificationPage.render(current: current, versions: versions, shadow: shadow, production: production, audit: audit)
    }

    /// Drift of each feature, reference vs current distributions, and the simulation control.
    /// `report` is nil when there is nothing to compare yet; `message` explains why.
    /// The drift report and the form that simulates a stream with one of `shiftable` (numeric
    /// features of the served schema, the bundled penguins' by default) shifted.
    /// A report whose `current` is `simulation` is labelled as one; with `simulatedRows`, the
    /// page links production and the simulated stream.
    public static func drift(
        report: DriftReport?, reference: DriftSample?, current: DriftSample?, message: String?,
        shiftable: [String] = DatasetColumns.numericNames(of: BundledSchemas.penguins), simulatedRows: Int = 0,
        history: DriftHistoryReport? = nil
    ) -> String {
        DriftPage.render(
            report: report, reference: reference, current: current, message: message, shiftable: shiftable, simulatedRows: simulatedRows,
            history: history)
    }

    /// The predict form and, after a submission, the species and its probabilities or the error.
    public static func predict(input: PredictInput, prediction: Prediction?, error: String?) -> String {
        PredictPage.render(input: input, prediction: prediction, error: error)
    }

    /// The store benchmark table; nil results show the button that runs it.
    public static func benchmarks(results: [StoreLatency]?, error: String?) -> String {
        BenchmarksPage.render(results: results, error: error)
    }

    /// The sign-in form, posting the key and `next` (where to go after) to `/login`; with
    /// `open`, a note that no key exists instead.
    public static func login(next: String, error: String?, open: Bool) -> String {
        LoginPage.render(next: next, error: error, open: open)
    }

    /// A page for a failed dashboard request.
    public static func error(status: Int, title: String, detail: String) -> String {
        ErrorPage.render(status: status, title: title, detail: detail)
    }
}
