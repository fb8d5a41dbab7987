import Foundation

/// Why a regression could not be fitted or used, with what to do about it.
public enum RegressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model needs at least one predictor besides the intercept.
    case noPredictors
    /// A column's length differs from the target's.
    case lengthMismatch(predictor: String, expected: Int, actual: Int)
    /// A value is NaN or infinite.
    case nonFiniteValue(column: String, row: Int)
    /// Fewer observations than terms to estimate (and one more for the residual variance).
    case tooFewObservations(observations: Int, terms: Int)
    /// The target has the same value everywhere: there is nothing to explain.
    case constantTarget(target: String)
    /// A numeric predictor has the same value everywhere: it duplicates the intercept.
    case constantPredictor(predictor: String)
    /// A categorical predictor has a single level: it carries no information.
    case singleLevel(predictor: String, level: String)
    /// A term is (numerically) a linear combination of the terms before it.
    case collinear(term: String, predictor: String, earlierTerms: [String])
    /// Prediction input lacks a predictor the model was fitted with.
    case missingPredictor(predictor: String)
    /// Prediction input has a category level the model never saw in training.
    case unseenLevel(predictor: String, level: String, knownLevels: [String])
    /// Prediction input columns have different lengths.
    case inconsistentLengths
    /// Prediction input gives a predictor as numbers where training had labels, or the reverse.
    case wrongKind(predictor: String, expected: String)

    /// A message saying what went wrong and what to do.
    public var description: String {
        switch self {
        case .noPredictors:
            "OLS needs at least one predictor; add a predictor column."
        case let .lengthMismatch(predictor, expected, actual):
            "Predictor '\(predictor)' has \(actual) values but the target has \(expected); pass columns of equal length."
        case let .nonFiniteValue(column, row):
            "Column '\(column)' has a NaN or infinite value at row \(row); drop or impute missing values before fitting."
        case let .tooFewObservations(observations, terms):
            "\(observations) observations cannot estimate \(terms) terms and a residual variance; use more rows or fewer predictors."
        case let .constantTarget(target):
            "Target '\(target)' has the same value in every row; there is nothing to regress."
        case let .constantPredictor(predictor):
            "Predictor '\(predictor)' has the same value in every row, which duplicates the intercept; remove it."
        case let .singleLevel(predictor, level):
            "Categorical predictor '\(predictor)' only has the level '\(level)'; remove it or use data with more levels."
        case let .collinear(term, predictor, earlierTerms):
            "Term '\(term)' of predictor '\(predictor)' is a linear combination of \(earlierTerms.joined(separator: ", ")); remove '\(predictor)' or one of those predictors."
        case let .missingPredictor(predictor):
            "The model was fitted with predictor '\(predictor)', which the input lacks; pass every predictor used in training."
        case let .unseenLevel(predictor, level, knownLevels):
            "Predictor '\(predictor)' has level '\(level)', never seen in training (known: \(knownLevels.joined(separator: ", "))); refit with data containing it or drop those rows."
        case .inconsistentLengths:
            "Prediction columns have different lengths; pass one value per row in every column."
        case let .wrongKind(predictor, expected):
            "Predictor '\(predictor)' was \(expected) in training; pass it as a \(expected) column."
        }
    }
}
