/// Why a random forest could not be trained; each description says what to change.
public enum RandomForestError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The feature matrix has no rows.
    case emptyTrainingSet
    /// The feature matrix has no columns.
    case noFeatures
    /// The number of labels differs from the number of rows.
    case labelCountMismatch(rowCount: Int, labelCount: Int)
    /// Fewer than one class was declared.
    case invalidClassCount(Int)
    /// A label lies outside `0 ..< classCount`.
    case labelOutOfRange(row: Int, label: Int, classCount: Int)
    /// A feature value is NaN or infinite.
    case nonFiniteFeature(row: Int, column: Int)
    /// A hyperparameter is outside its allowed range.
    case invalidParameter(name: String, value: String, requirement: String)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case .emptyTrainingSet:
            "The training set is empty: pass at least one row (check that cleaning did not drop every penguin)."
        case .noFeatures:
            "The feature matrix has no columns: pass at least one feature per row."
        case let .labelCountMismatch(rowCount, labelCount):
            "There are \(rowCount) feature rows but \(labelCount) labels: pass exactly one label per row."
        case let .invalidClassCount(count):
            "The class count is \(count): pass the number of classes (at least 1) that the labels index."
        case let .labelOutOfRange(row, label, classCount):
            "Row \(row) has label \(label), outside 0..<\(classCount): encode labels as class indices or raise the class count."
        case let .nonFiniteFeature(row, column):
            "Row \(row), column \(column) is NaN or infinite: drop or impute rows with missing measurements before training."
        case let .invalidParameter(name, value, requirement):
            "The hyperparameter \(name) = \(value) is invalid: \(requirement)."
        }
    }
}
