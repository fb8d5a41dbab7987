/// The analyses a dataset's pages and commands open with, when the user names none: the
/// regression lab's model and the statistics page's scatter plot. Part of the schema (YAML key
/// `analyses`), optional as a whole and in each part; what is left out is chosen from the
/// columns (see ``DatasetSchema/defaultRegression`` and ``DatasetSchema/defaultScatter``).
public struct AnalysisDefaults: Hashable, Sendable, Codable {
    /// The model `regress` and the regression lab fit unless told otherwise.
    public var regression: RegressionDefault?
    /// The statistics page's scatter plot: its axes and the column that colours its points.
    public var scatter: ScatterDefault?

    public init(regression: RegressionDefault? = nil, scatter: ScatterDefault? = nil) {
        self.regression = regression
        self.scatter = scatter
    }
}

/// A regression: a numeric feature explained by columns of the dataset.
public struct RegressionDefault: Hashable, Sendable, Codable {
    public var target: String
    public var predictors: [String]

    public init(target: String, predictors: [String]) {
        self.target = target
        self.predictors = predictors
    }
}

/// A scatter plot of two numeric features, coloured by a categorical column (the target or a
/// categorical feature).
public struct ScatterDefault: Hashable, Sendable, Codable {
    public var x: String
    public var y: String
    public var colour: String

    public init(x: String, y: String, colour: String) {
        self.x = x
        self.y = y
        self.colour = colour
    }
}

extension DatasetSchema {
    /// The regression to open with: the schema's, else the last numeric feature explained by the
    /// first one (by the target when there is only one numeric feature).
    public var defaultRegression: RegressionDefault {
        if let regression = analyses?.regression { return regression }
        let numeric = features.filter { $0.kind == .numeric }.map(\.name)
        return RegressionDefault(target: numeric.last ?? "", predictors: numeric.count > 1 ? [numeric[0]] : [target.name])
    }

    /// The scatter plot to open with: the schema's, else the first two numeric features
    /// coloured by the target; nil with fewer than two numeric features.
    public var defaultScatter: ScatterDefault? {
        if let scatter = analyses?.scatter { return scatter }
        let numeric = features.filter { $0.kind == .numeric }.map(\.name)
        guard numeric.count >= 2 else { return nil }
        return ScatterDefault(x: numeric[0], y: numeric[1], colour: target.name)
    }

    /// Checks that the analyses name columns of the right kinds.
    func validateAnalyses(_ invalid: (String, String) -> SchemaError) throws(SchemaError) {
        let numeric = Set(features.filter { $0.kind == .numeric }.map(\.name))
        let categorical = Set(features.filter { $0.kind == .categorical }.map(\.name) + [target.name])
        if let regression = analyses?.regression {
            guard numeric.contains(regression.target) else {
                throw invalid("analyses.regression.target", "names \"\(regression.target)\", which is not a numeric feature")
            }
            guard !regression.predictors.isEmpty else { throw invalid("analyses.regression.predictors", "must list at least one column") }
            for name in regression.predictors where !numeric.contains(name) && !categorical.contains(name) || name == regression.target {
                throw invalid("analyses.regression.predictors", "lists \"\(name)\", which is not a column other than the target")
            }
        }
        if let scatter = analyses?.scatter {
            for (field, name) in [("x", scatter.x), ("y", scatter.y)] where !numeric.contains(name) {
                throw invalid("analyses.scatter.\(field)", "names \"\(name)\", which is not a numeric feature")
            }
            guard categorical.contains(scatter.colour) else {
                throw invalid("analyses.scatter.colour", "names \"\(scatter.colour)\", which is neither the target nor a categorical feature")
            }
        }
    }
}
