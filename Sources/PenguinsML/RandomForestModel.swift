import Dispatch
import Foundation

/// A trained random forest: its trees, the hyperparameters that grew them and the feature
/// importances. Encodes to compact JSON (trees stored column by column) and decodes to a
/// model that predicts identically.
public struct RandomForestModel: Codable, Sendable, Equatable {
    /// The hyperparameters the forest was trained with.
    public var parameters: RandomForestClassifier
    /// Number of classes; predictions are in `0 ..< classCount`.
    public var classCount: Int
    /// Number of features a row must have.
    public var featureCount: Int
    /// The trees of the forest.
    public var trees: [DecisionTree]
    /// Importance of each feature, non-negative, summing to 1 (all zero if no tree split).
    public var featureImportances: [Double]

    /// Assembles a model from its parts.
    public init(parameters: RandomForestClassifier, classCount: Int, featureCount: Int,
                trees: [DecisionTree], featureImportances: [Double]) {
        self.parameters = parameters
        self.classCount = classCount
        self.featureCount = featureCount
        self.trees = trees
        self.featureImportances = featureImportances
    }

    /// Class probabilities of one row: the mean over trees of each tree's leaf class
    /// distribution (Spark's `predictRaw` votes, normalised). Uniform if no leaf holds weight.
    public func predictProbabilities(row: [Double]) -> [Double] {
        precondition(row.count == featureCount, "the model expects \(featureCount) features per row, not \(row.count)")
        return row.withUnsafeBufferPointer { probabilities(of: $0) }
    }

    /// The most probable class of one row (ties go to the lower class index).
    public func predict(row: [Double]) -> Int {
        Self.mostProbableClass(predictProbabilities(row: row))
    }

    /// Class probabilities of every row of `x`, computed in parallel for large inputs.
    public func predictProbabilities(_ x: FeatureMatrix) -> [[Double]] {
        let flat = flatProbabilities(x)
        return (0..<x.rowCount).map { Array(flat[$0 * classCount ..< ($0 + 1) * classCount]) }
    }

    /// The most probable class of every row of `x`, computed in parallel for large inputs.
    public func predict(_ x: FeatureMatrix) -> [Int] {
        let flat = flatProbabilities(x)
        return (0..<x.rowCount).map { Self.mostProbableClass(flat[$0 * classCount ..< ($0 + 1) * classCount]) }
    }

    /// The model as compact JSON with sorted keys: the same model always gives the same bytes.
    public func jsonRepresentation() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    // MARK: - Internals

    /// Row-major probabilities of every row, in chunks of rows spread over the cores.
    private func flatProbabilities(_ x: FeatureMatrix) -> [Double] {
        precondition(x.columnCount == featureCount, "the model expects \(featureCount) features per row, not \(x.columnCount)")
        let forest = FlatForest(self)
        let rowCount = x.rowCount
        let classCount = classCount
        let featureCount = featureCount
        let chunkSize = 4_096
        let chunkCount = (rowCount + chunkSize - 1) / chunkSize
        var result = [Double](repeating: 0, count: rowCount * classCount)
        guard rowCount > 0 else { return result }
        result.withUnsafeMutableBufferPointer { resultBuffer in
            x.values.withUnsafeBufferPointer { valueBuffer in
                let values = SharedReadPointer(valueBuffer)
                // One chunk of rows per iteration: each writes only its own rows.
                let output = DisjointWritePointer(resultBuffer)
                let work: @Sendable (Int) -> Void = { chunk in
                    for row in (chunk * chunkSize) ..< min(rowCount, (chunk + 1) * chunkSize) {
                        forest.probabilities(of: values.base + row * featureCount, into: output.base + row * classCount)
                    }
                }
                if chunkCount > 1 {
                    DispatchQueue.concurrentPerform(iterations: chunkCount, execute: work)
                } else {
                    work(0)
                }
            }
        }
        return result
    }

    private func probabilities(of row: UnsafeBufferPointer<Double>) -> [Double] {
        var votes = [Double](repeating: 0, count: classCount)
        for tree in trees {
            let counts = tree.leaf(for: row).classCounts
            let total = counts.reduce(0, +)
            guard total > 0 else { continue }
            for label in 0..<classCount { votes[label] += counts[label] / total }
        }
        let sum = votes.reduce(0, +)
        guard sum > 0 else { return [Double](repeating: 1 / Double(classCount), count: classCount) }
        return votes.map { $0 / sum }
    }

    private static func mostProbableClass(_ probabilities: some Collection<Double>) -> Int {
        var best = 0
        var bestProbability = -Double.infinity
        for (label, probability) in probabilities.enumerated() where probability > bestProbability {
            best = label
            bestProbability = probability
        }
        return best
    }
}

extension RandomForestModel {
    private enum CodingKeys: String, CodingKey {
        case parameters, classCount, featureCount, trees, featureImportances
    }

    /// Decodes a model and checks that its trees fit its feature and class counts.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            parameters: try container.decode(RandomForestClassifier.self, forKey: .parameters),
            classCount: try container.decode(Int.self, forKey: .classCount),
            featureCount: try container.decode(Int.self, forKey: .featureCount),
            trees: try container.decode([DecisionTree].self, forKey: .trees),
            featureImportances: try container.decode([Double].self, forKey: .featureImportances)
        )
        let consistent = classCount >= 1 && featureCount >= 1 && featureImportances.count == featureCount
            && trees.allSatisfy { tree in
                tree.nodes.allSatisfy { node in
                    node.classCounts.count == classCount && (node.feature.map { (0..<featureCount).contains($0) } ?? true)
                }
            }
        guard consistent else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "the forest's trees do not match its \(featureCount) features and \(classCount) classes"
            ))
        }
    }
}
