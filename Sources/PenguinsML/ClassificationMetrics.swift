/// Quality of class predictions against the truth: accuracy, per-class precision, recall,
/// F1 and support, their macro and weighted averages, and the confusion matrix.
///
/// A ratio whose denominator is zero (precision of a class never predicted, recall of a
/// class never present) is 0, as scikit-learn's default `zero_division="warn"` reports it.
/// The macro and weighted averages run over the classes that occur in the truth or in the
/// predictions, as scikit-learn's `average="macro"` / `"weighted"` do without `labels=`.
public struct ClassificationMetrics: Codable, Sendable, Equatable {
    /// Number of classes; labels are `0 ..< classCount`.
    public var classCount: Int
    /// Fraction of rows predicted correctly (0 when there are no rows).
    public var accuracy: Double
    /// Per class: correct predictions of the class / all predictions of the class.
    public var precision: [Double]
    /// Per class: correct predictions of the class / rows of the class.
    public var recall: [Double]
    /// Per class: harmonic mean of precision and recall.
    public var f1: [Double]
    /// Per class: number of rows whose true label is the class.
    public var support: [Int]
    /// Unweighted mean of ``f1`` over the classes that occur in truth or predictions.
    public var macroF1: Double
    /// Mean of ``f1`` weighted by ``support``.
    public var weightedF1: Double
    /// `confusionMatrix[actual][predicted]` counts the rows of class `actual` predicted as `predicted`.
    public var confusionMatrix: [[Int]]

    /// Computes the metrics of `predicted` against `actual`.
    ///
    /// - Precondition: both arrays have the same length and every label is in `0 ..< classCount`.
    public init(actual: [Int], predicted: [Int], classCount: Int) {
        precondition(actual.count == predicted.count, "metrics need one prediction per actual label (\(actual.count) vs \(predicted.count))")
        precondition(classCount > 0, "metrics need at least one class")
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: classCount)
        for (truth, guess) in zip(actual, predicted) {
            precondition((0..<classCount).contains(truth) && (0..<classCount).contains(guess),
                         "labels must lie in 0..<\(classCount), got \(truth) and \(guess)")
            matrix[truth][guess] += 1
        }
        let classes = 0..<classCount
        let correct = classes.reduce(0) { $0 + matrix[$1][$1] }
        let support = classes.map { matrix[$0].reduce(0, +) }
        let predictedCount = classes.map { column in classes.reduce(0) { $0 + matrix[$1][column] } }
        func ratio(_ numerator: Int, _ denominator: Int) -> Double {
            denominator == 0 ? 0 : Double(numerator) / Double(denominator)
        }
        let precision = classes.map { ratio(matrix[$0][$0], predictedCount[$0]) }
        let recall = classes.map { ratio(matrix[$0][$0], support[$0]) }
        let f1 = classes.map { index in
            let sum = precision[index] + recall[index]
            return sum == 0 ? 0 : 2 * precision[index] * recall[index] / sum
        }
        let present = classes.filter { support[$0] > 0 || predictedCount[$0] > 0 }
        let totalSupport = support.reduce(0, +)

        self.classCount = classCount
        self.accuracy = ratio(correct, actual.count)
        self.precision = precision
        self.recall = recall
        self.f1 = f1
        self.support = support
        self.macroF1 = present.isEmpty ? 0 : present.reduce(0) { $0 + f1[$1] } / Double(present.count)
        self.weightedF1 = totalSupport == 0 ? 0 : classes.reduce(0) { $0 + f1[$1] * Double(support[$1]) } / Double(totalSupport)
        self.confusionMatrix = matrix
    }
}
