import Foundation

/// Grows one tree of a forest on binned features, depth first.
///
/// The rows of the tree's bootstrap sample are kept as an index list; every node owns a
/// contiguous range of it. A node accumulates, in one pass over its rows, a class-count
/// histogram per bin for each candidate feature, picks the split with the largest
/// information gain, and stably partitions its range into the two children's ranges.
struct TreeGrower {
    private let data: BinnedFeatures
    private let labels: [UInt32]
    private let classCount: Int
    private let parameters: RandomForestClassifier
    private let featuresPerNode: Int
    private var generator: SeededGenerator

    /// Bootstrap weight (number of copies) of every row in this tree's sample.
    private var weights: [UInt8]
    /// Rows with a positive weight, in ascending order within each node's range.
    private var rows: [UInt32]
    private var scratch: [UInt32]
    /// Class-count histograms of the candidate features of a node, one after the other:
    /// `histograms[(slot * maxBinCount + bin) * classCount + label]`.
    private var histograms: [Double]
    private let maxBinCount: Int
    private var nodes: [DecisionTree.Node] = []
    /// Per feature, the sum over the tree's splits of gain × node weight.
    private(set) var importances: [Double]

    init(data: BinnedFeatures, labels: [UInt32], classCount: Int, parameters: RandomForestClassifier, treeIndex: Int) {
        self.data = data
        self.labels = labels
        self.classCount = classCount
        self.parameters = parameters
        self.featuresPerNode = parameters.featureSubsetStrategy.featuresPerNode(
            featureCount: data.featureCount, treeCount: parameters.numTrees)
        self.generator = SeededGenerator(seed: SeededGenerator.derivedSeed(parameters.seed, stream: treeIndex))
        self.weights = []
        self.rows = []
        self.scratch = []
        self.maxBinCount = (data.thresholds.map(\.count).max() ?? 0) + 1
        self.histograms = [Double](repeating: 0, count: featuresPerNode * maxBinCount * classCount)
        self.importances = [Double](repeating: 0, count: data.featureCount)
        drawSample()
    }

    /// Grows the tree and returns it; ``importances`` holds its unnormalised feature importances afterwards.
    mutating func grow() -> DecisionTree {
        var rootCounts = [Double](repeating: 0, count: classCount)
        for row in rows {
            rootCounts[Int(labels[Int(row)])] += Double(weights[Int(row)])
        }
        _ = growNode(range: 0..<rows.count, classCounts: rootCounts, depth: 0)
        weights = []
        rows = []
        scratch = []
        return DecisionTree(nodes: nodes)
    }

    // MARK: - Sampling

    /// Draws the per-row weights: Poisson(subsamplingRate) copies with bootstrap, else a
    /// Bernoulli(subsamplingRate) keep/drop (every row once at rate 1), as Spark's `BaggedPoint`.
    private mutating func drawSample() {
        let rowCount = data.rowCount
        let rate = parameters.subsamplingRate
        let bootstrap = parameters.bootstrap
        let cumulative = Self.poissonCumulativeProbabilities(mean: rate)
        var generator = generator
        weights = [UInt8](repeating: 0, count: rowCount)
        var sampledCount = 0
        weights.withUnsafeMutableBufferPointer { weights in
            cumulative.withUnsafeBufferPointer { cumulative in
                let largestCopies = cumulative.count - 1
                for row in 0..<rowCount {
                    var copies = 0
                    if bootstrap {
                        let draw = generator.nextUnitInterval()
                        while copies < largestCopies, draw >= cumulative[copies] { copies += 1 }
                    } else {
                        copies = rate >= 1 || generator.nextUnitInterval() < rate ? 1 : 0
                    }
                    weights[row] = UInt8(truncatingIfNeeded: copies)
                    sampledCount += copies > 0 ? 1 : 0
                }
            }
        }
        self.generator = generator
        rows = [UInt32](repeating: 0, count: sampledCount)
        rows.withUnsafeMutableBufferPointer { rows in
            weights.withUnsafeBufferPointer { weights in
                var position = 0
                for row in 0..<rowCount where weights[row] > 0 {
                    rows[position] = UInt32(truncatingIfNeeded: row)
                    position += 1
                }
            }
        }
        scratch = [UInt32](repeating: 0, count: sampledCount)
    }

    /// `P(K <= k)` for k = 0, 1, ... of a Poisson distribution, up to 255 copies.
    static func poissonCumulativeProbabilities(mean: Double) -> [Double] {
        var probability = exp(-mean)
        var cumulative = [probability]
        var k = 0.0
        while cumulative.last! < 1 - 1e-16, cumulative.count < 256 {
            k += 1
            probability *= mean / k
            cumulative.append(cumulative.last! + probability)
        }
        return cumulative
    }

    // MARK: - Growing

    /// Appends the node for `range` (and its subtree) and returns its index.
    private mutating func growNode(range: Range<Int>, classCounts: [Double], depth: Int) -> Int {
        let index = nodes.count
        nodes.append(.leaf(classCounts: classCounts))
        let total = classCounts.reduce(0, +)
        let nodeImpurity = classCounts.withUnsafeBufferPointer { parameters.impurity.of($0, total: total) }
        guard depth < parameters.maxDepth,
              nodeImpurity > 0,
              total >= Double(2 * parameters.minInstancesPerNode),
              let split = bestSplit(range: range, classCounts: classCounts, total: total, impurity: nodeImpurity)
        else { return index }

        let middle = partition(range: range, feature: split.feature, lastLeftBin: split.lastLeftBin)
        let rightCounts = zip(classCounts, split.leftCounts).map { $0 - $1 }
        let left = growNode(range: range.lowerBound..<middle, classCounts: split.leftCounts, depth: depth + 1)
        let right = growNode(range: middle..<range.upperBound, classCounts: rightCounts, depth: depth + 1)
        nodes[index] = DecisionTree.Node(
            feature: split.feature,
            threshold: data.thresholds[split.feature][split.lastLeftBin],
            leftChild: left,
            rightChild: right,
            classCounts: classCounts,
            gain: split.gain
        )
        importances[split.feature] += split.gain * total
        return index
    }

    private struct Split {
        var feature: Int
        var lastLeftBin: Int
        var gain: Double
        var leftCounts: [Double]
    }

    /// The valid split of highest gain among a fresh random subset of features, or nil when
    /// no split keeps `minInstancesPerNode` on both sides with a positive gain of at least
    /// `minInfoGain`. Ties go to the lower feature index, then the lower threshold.
    private mutating func bestSplit(range: Range<Int>, classCounts: [Double], total: Double, impurity: Double) -> Split? {
        let minimumChildWeight = Double(parameters.minInstancesPerNode)
        var best: Split?
        var leftCounts = [Double](repeating: 0, count: classCount)
        var rightCounts = [Double](repeating: 0, count: classCount)
        let features = drawFeatureSubset().filter { !data.thresholds[$0].isEmpty }
        fillHistograms(range: range, features: features)
        for (slot, feature) in features.enumerated() {
            let binCount = data.thresholds[feature].count + 1
            let histogramStart = slot * maxBinCount * classCount
            for label in 0..<classCount { leftCounts[label] = 0 }
            var leftTotal = 0.0
            for bin in 0..<(binCount - 1) {
                for label in 0..<classCount {
                    let count = histograms[histogramStart + bin * classCount + label]
                    leftCounts[label] += count
                    leftTotal += count
                }
                let rightTotal = total - leftTotal
                guard leftTotal >= minimumChildWeight, rightTotal >= minimumChildWeight else { continue }
                for label in 0..<classCount { rightCounts[label] = classCounts[label] - leftCounts[label] }
                let leftImpurity = leftCounts.withUnsafeBufferPointer { parameters.impurity.of($0, total: leftTotal) }
                let rightImpurity = rightCounts.withUnsafeBufferPointer { parameters.impurity.of($0, total: rightTotal) }
                let gain = impurity - leftTotal / total * leftImpurity - rightTotal / total * rightImpurity
                if gain > (best?.gain ?? 0), gain >= parameters.minInfoGain {
                    best = Split(feature: feature, lastLeftBin: bin, gain: gain, leftCounts: leftCounts)
                }
            }
        }
        return best
    }

    /// The features a node may split on, in ascending order: all of them, or a uniform
    /// random subset of `featuresPerNode` drawn for this node.
    private mutating func drawFeatureSubset() -> [Int] {
        var features = Array(0..<data.featureCount)
        guard featuresPerNode < features.count else { return features }
        for position in 0..<featuresPerNode {
            features.swapAt(position, position + generator.nextIndex(below: features.count - position))
        }
        return features[..<featuresPerNode].sorted()
    }

    /// Weighted class counts per bin of each of `features` over the rows of `range`, in one
    /// pass over the rows; feature number `slot` of the list fills histogram number `slot`.
    private mutating func fillHistograms(range: Range<Int>, features: [Int]) {
        let classCount = classCount
        let histogramSize = maxBinCount * classCount
        let columnStarts = features.map { $0 * data.rowCount }
        histograms.withUnsafeMutableBufferPointer { histograms in
            for slot in 0..<(features.count * histogramSize) { histograms[slot] = 0 }
            rows.withUnsafeBufferPointer { rows in
                data.bins.withUnsafeBufferPointer { bins in
                    labels.withUnsafeBufferPointer { labels in
                        weights.withUnsafeBufferPointer { weights in
                            columnStarts.withUnsafeBufferPointer { columnStarts in
                                for position in range {
                                    let row = Int(rows[position])
                                    let label = Int(labels[row])
                                    let weight = Double(weights[row])
                                    for (slot, columnStart) in columnStarts.enumerated() {
                                        let bin = Int(bins[columnStart + row])
                                        histograms[slot * histogramSize + bin * classCount + label] += weight
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Stably reorders `rows[range]` so rows with `bin <= lastLeftBin` come first; returns
    /// the index where the right child's rows start.
    private mutating func partition(range: Range<Int>, feature: Int, lastLeftBin: Int) -> Int {
        let columnStart = feature * data.rowCount
        let limit = UInt8(lastLeftBin)
        var leftEnd = range.lowerBound
        var rightCount = 0
        rows.withUnsafeMutableBufferPointer { rows in
            scratch.withUnsafeMutableBufferPointer { scratch in
                data.bins.withUnsafeBufferPointer { bins in
                    for position in range {
                        let row = rows[position]
                        if bins[columnStart + Int(row)] <= limit {
                            rows[leftEnd] = row
                            leftEnd += 1
                        } else {
                            scratch[rightCount] = row
                            rightCount += 1
                        }
                    }
                    for offset in 0..<rightCount {
                        rows[leftEnd + offset] = scratch[offset]
                    }
                }
            }
        }
        return leftEnd
    }
}
