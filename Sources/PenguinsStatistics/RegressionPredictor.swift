import Foundation

/// One named predictor column of a regression: numbers, or category labels.
public struct RegressionPredictor: Sendable {
    /// The column's name, used in term names (`length_cm`, `colour[red]`).
    public var name: String
    /// The column's values, one per observation.
    public var values: Values

    /// The values of a predictor column.
    public enum Values: Sendable {
        /// A numeric column, used as is.
        case numeric([Double])
        /// A categorical column, one-hot encoded with its first level (in sorted order) dropped.
        case categorical([String])
    }

    /// Creates a predictor column.
    public init(name: String, values: Values) {
        self.name = name
        self.values = values
    }

    /// A numeric predictor column.
    public static func numeric(_ name: String, _ values: [Double]) -> RegressionPredictor {
        RegressionPredictor(name: name, values: .numeric(values))
    }

    /// A categorical predictor column.
    public static func categorical(_ name: String, _ values: [String]) -> RegressionPredictor {
        RegressionPredictor(name: name, values: .categorical(values))
    }

    /// Number of observations in the column.
    public var count: Int {
        switch values {
        case .numeric(let numbers): numbers.count
        case .categorical(let labels): labels.count
        }
    }
}

/// How a fitted model turns one predictor column into design-matrix columns.
public struct PredictorEncoding: Codable, Sendable, Equatable {
    /// The predictor's name.
    public var name: String
    /// Numeric, or categorical with the levels seen in training.
    public var kind: Kind

    /// The encoding of a predictor.
    public enum Kind: Codable, Sendable, Equatable {
        /// One column, the value itself.
        case numeric
        /// One indicator column per level after the first; `levels` is sorted and includes the
        /// dropped reference level at index 0.
        case categorical(levels: [String])
    }

    /// The encoding of predictor `name` as `kind`.
    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// Names of the design-matrix terms this predictor produces.
    public var termNames: [String] {
        switch kind {
        case .numeric: [name]
        case .categorical(let levels): levels.dropFirst().map { "\(name)[\($0)]" }
        }
    }
}
