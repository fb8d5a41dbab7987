import Foundation

/// One estimated term of an OLS model with its inference.
public struct Coefficient: Codable, Sendable, Equatable {
    /// Term name: `intercept`, a numeric predictor's name, or `predictor[level]`.
    public var name: String
    /// Estimated coefficient.
    public var estimate: Double
    /// Standard error of the estimate.
    public var standardError: Double
    /// t statistic `estimate / standardError`.
    public var tStatistic: Double
    /// Two-sided p-value of the t test that the coefficient is 0.
    public var pValue: Double
    /// Lower bound of the 95 % confidence interval.
    public var lower95: Double
    /// Upper bound of the 95 % confidence interval.
    public var upper95: Double

    /// Creates a coefficient from its parts.
    public init(
        name: String, estimate: Double, standardError: Double, tStatistic: Double,
        pValue: Double, lower95: Double, upper95: Double
    ) {
        self.name = name
        self.estimate = estimate
        self.standardError = standardError
        self.tStatistic = tStatistic
        self.pValue = pValue
        self.lower95 = lower95
        self.upper95 = upper95
    }
}

/// A fitted ordinary-least-squares model: its coefficients, fit statistics and the encodings
/// needed to predict new rows the way training rows were encoded.
public struct OLSModel: Codable, Sendable, Equatable {
    /// Name of the regressed column.
    public var targetName: String
    /// The estimated terms; the first is `intercept`.
    public var terms: [Coefficient]
    /// How each predictor was encoded, in the order given at fit time.
    public var predictorEncodings: [PredictorEncoding]
    /// Coefficient of determination (centered).
    public var rSquared: Double
    /// R² adjusted for the number of terms.
    public var adjustedRSquared: Double
    /// F statistic of the test that every coefficient except the intercept is 0.
    public var fStatistic: Double
    /// p-value of the F test.
    public var fPValue: Double
    /// Residual standard error: the square root of RSS / residual degrees of freedom.
    public var residualStandardError: Double
    /// Residual degrees of freedom: observations minus terms.
    public var residualDegreesOfFreedom: Int
    /// Model degrees of freedom: terms minus the intercept.
    public var modelDegreesOfFreedom: Int
    /// Number of observations used in the fit.
    public var observations: Int
    /// Residual sum of squares.
    public var residualSumOfSquares: Double
    /// Mean squared error on the training rows: RSS / observations.
    public var trainingMeanSquaredError: Double
    /// Gaussian log-likelihood at the estimates.
    public var logLikelihood: Double
    /// Akaike information criterion.
    public var aic: Double
    /// Bayesian information criterion.
    public var bic: Double

    /// The coefficient with the given term name, if the model has it.
    public func coefficient(named name: String) -> Coefficient? {
        terms.first { $0.name == name }
    }

    /// Predicts the target for new rows, encoding each predictor as in training.
    ///
    /// Predictors are matched by name (order does not matter; extra columns are ignored).
    /// - Throws: `RegressionError` for a missing predictor, an unseen category level, a
    ///   non-finite value or columns of different lengths.
    public func predict(_ predictors: [RegressionPredictor]) throws -> [Double] {
        let byName = Dictionary(predictors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var rowCount: Int?
        var predictions: [Double] = []
        var termIndex = 1
        for encoding in predictorEncodings {
            guard let predictor = byName[encoding.name] else {
                throw RegressionError.missingPredictor(predictor: encoding.name)
            }
            if let rowCount, rowCount != predictor.count { throw RegressionError.inconsistentLengths }
            if rowCount == nil {
                rowCount = predictor.count
                predictions = Array(repeating: terms[0].estimate, count: predictor.count)
            }
            switch (encoding.kind, predictor.values) {
            case (.numeric, .numeric(let values)):
                let slope = terms[termIndex].estimate
                for (row, value) in values.enumerated() {
                    guard value.isFinite else { throw RegressionError.nonFiniteValue(column: encoding.name, row: row) }
                    predictions[row] += slope * value
                }
                termIndex += 1
            case (.categorical(let levels), .categorical(let labels)):
                var effects = [String: Double]()
                effects[levels[0]] = 0
                for (offset, level) in levels.dropFirst().enumerated() {
                    effects[level] = terms[termIndex + offset].estimate
                }
                for (row, label) in labels.enumerated() {
                    guard let effect = effects[label] else {
                        throw RegressionError.unseenLevel(predictor: encoding.name, level: label, knownLevels: levels)
                    }
                    predictions[row] += effect
                }
                termIndex += levels.count - 1
            case (.numeric, .categorical):
                throw RegressionError.wrongKind(predictor: encoding.name, expected: "numeric")
            case (.categorical, .numeric):
                throw RegressionError.wrongKind(predictor: encoding.name, expected: "categorical")
            }
        }
        return predictions
    }
}
