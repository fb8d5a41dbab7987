import Foundation

/// The hyperparameters of a random forest classifier, named and defaulted as in
/// Spark MLlib's `RandomForestClassifier`. Call ``fit(_:labels:classCount:)`` to train.
public struct RandomForestClassifier: Codable, Sendable, Equatable {
    /// Number of trees in the forest (at least 1).
    public var numTrees: Int
    /// Maximum depth of a tree: 0 is a single leaf, 1 one split and two leaves (0 ... 30).
    public var maxDepth: Int
    /// Maximum number of bins a continuous feature is discretised into (2 ... 256).
    public var maxBins: Int
    /// A split is allowed only if each child keeps at least this many (bootstrap-weighted) rows.
    public var minInstancesPerNode: Int
    /// A split is allowed only if its information gain is at least this much.
    public var minInfoGain: Double
    /// Impurity measure that splits minimise.
    public var impurity: Impurity
    /// How many features each node considers, drawn afresh at every node.
    public var featureSubsetStrategy: FeatureSubsetStrategy
    /// Expected fraction of the rows each tree is trained on, in (0, 1].
    public var subsamplingRate: Double
    /// Whether each tree sees a bootstrap sample: with replacement, Poisson(subsamplingRate)
    /// copies of every row. Without it, each row is kept with probability `subsamplingRate`.
    public var bootstrap: Bool
    /// Seed of every random choice: the same seed and data give the same forest.
    public var seed: UInt64

    /// Creates a classifier; every argument defaults to Spark's default (seed 42).
    public init(
        numTrees: Int = 20,
        maxDepth: Int = 5,
        maxBins: Int = 32,
        minInstancesPerNode: Int = 1,
        minInfoGain: Double = 0,
        impurity: Impurity = .gini,
        featureSubsetStrategy: FeatureSubsetStrategy = .auto,
        subsamplingRate: Double = 1,
        bootstrap: Bool = true,
        seed: UInt64 = 42
    ) {
        self.numTrees = numTrees
        self.maxDepth = maxDepth
        self.maxBins = maxBins
        self.minInstancesPerNode = minInstancesPerNode
        self.minInfoGain = minInfoGain
        self.impurity = impurity
        self.featureSubsetStrategy = featureSubsetStrategy
        self.subsamplingRate = subsamplingRate
        self.bootstrap = bootstrap
        self.seed = seed
    }

    /// Checks every hyperparameter against its allowed range for data with `featureCount` columns.
    public func validate(featureCount: Int) throws(RandomForestError) {
        func require(_ condition: Bool, _ name: String, _ value: Any, _ requirement: String) throws(RandomForestError) {
            if !condition {
                throw .invalidParameter(name: name, value: "\(value)", requirement: requirement)
            }
        }
        try require(numTrees >= 1, "numTrees", numTrees, "use at least 1 tree")
        try require((0...30).contains(maxDepth), "maxDepth", maxDepth, "use a depth between 0 and 30")
        try require((2...256).contains(maxBins), "maxBins", maxBins, "use between 2 and 256 bins")
        try require(minInstancesPerNode >= 1, "minInstancesPerNode", minInstancesPerNode, "use at least 1")
        try require(minInfoGain.isFinite && minInfoGain >= 0, "minInfoGain", minInfoGain, "use a finite gain of at least 0")
        try require(subsamplingRate > 0 && subsamplingRate <= 1, "subsamplingRate", subsamplingRate, "use a rate in (0, 1]")
        switch featureSubsetStrategy {
        case let .fraction(fraction):
            try require(fraction > 0 && fraction <= 1, "featureSubsetStrategy", fraction, "use a fraction in (0, 1]")
        case let .count(count):
            try require((1...max(1, featureCount)).contains(count), "featureSubsetStrategy", count,
                        "use between 1 and \(featureCount) features (the number of columns)")
        case .auto, .all, .sqrt, .log2, .oneThird:
            break
        }
    }
}

/// The impurity measure of a node's class distribution.
public enum Impurity: String, Codable, Sendable, CaseIterable {
    /// Gini impurity `1 - Σ p_k²`.
    case gini
    /// Shannon entropy `-Σ p_k log2 p_k`.
    case entropy

    /// The impurity of weighted class counts whose sum is `total` (0 for an empty node).
    func of(_ counts: UnsafeBufferPointer<Double>, total: Double) -> Double {
        guard total > 0 else { return 0 }
        switch self {
        case .gini:
            var sumOfSquares = 0.0
            for count in counts {
                let share = count / total
                sumOfSquares += share * share
            }
            return 1 - sumOfSquares
        case .entropy:
            var entropy = 0.0
            for count in counts where count > 0 {
                let share = count / total
                entropy -= share * log2(share)
            }
            return entropy
        }
    }
}

/// How many features a node considers when it looks for a split, as in Spark.
/// Encodes as Spark's parameter string: `auto`, `all`, `sqrt`, `log2`, `onethird`,
/// a fraction such as `0.5`, or a count such as `3`.
public enum FeatureSubsetStrategy: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `sqrt` when the forest has more than one tree, `all` for a single tree.
    case auto
    /// Every feature.
    case all
    /// `ceil(sqrt(n))` features.
    case sqrt
    /// `max(1, ceil(log2(n)))` features.
    case log2
    /// `ceil(n / 3)` features.
    case oneThird
    /// `ceil(fraction * n)` features, fraction in (0, 1].
    case fraction(Double)
    /// Exactly this many features, between 1 and n.
    case count(Int)

    /// Reads Spark's parameter string; nil when it is not one.
    public init?(name: String) {
        switch name.lowercased() {
        case "auto": self = .auto
        case "all": self = .all
        case "sqrt": self = .sqrt
        case "log2": self = .log2
        case "onethird": self = .oneThird
        default:
            if let count = Int(name), count > 0 {
                self = .count(count)
            } else if let fraction = Double(name), fraction > 0, fraction <= 1 {
                self = .fraction(fraction)
            } else {
                return nil
            }
        }
    }

    /// Spark's parameter string.
    public var description: String {
        switch self {
        case .auto: "auto"
        case .all: "all"
        case .sqrt: "sqrt"
        case .log2: "log2"
        case .oneThird: "onethird"
        case let .fraction(fraction): "\(fraction)"
        case let .count(count): "\(count)"
        }
    }

    /// The number of features a node considers, for `featureCount` features and `treeCount` trees.
    public func featuresPerNode(featureCount: Int, treeCount: Int) -> Int {
        let n = Double(featureCount)
        let chosen: Int = switch self {
        case .auto: treeCount == 1 ? featureCount : Int(n.squareRoot().rounded(.up))
        case .all: featureCount
        case .sqrt: Int(n.squareRoot().rounded(.up))
        case .log2: max(1, Int(Foundation.log2(n).rounded(.up)))
        case .oneThird: Int((n / 3).rounded(.up))
        case let .fraction(fraction): Int((fraction * n).rounded(.up))
        case let .count(count): count
        }
        return min(max(chosen, 1), featureCount)
    }

    /// Decodes Spark's parameter string.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let strategy = FeatureSubsetStrategy(name: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "\(name) is not a feature subset strategy (auto, all, sqrt, log2, onethird, a fraction or a count)"
            ))
        }
        self = strategy
    }

    /// Encodes Spark's parameter string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
