import Dispatch

extension RandomForestClassifier {
    /// Trains a forest on `x` (one row per observation) and `labels` (class indices in
    /// `0 ..< classCount`, one per row), with Spark MLlib's algorithm:
    ///
    /// 1. Continuous features are binned into at most ``maxBins`` bins with thresholds
    ///    from a seeded sample (see Spark's `findSplits`).
    /// 2. Each tree draws its own bootstrap sample and grows to ``maxDepth``, choosing at
    ///    every node the best split on a random subset of features
    ///    (``featureSubsetStrategy``); a node becomes a leaf when it is pure, at maximum
    ///    depth, or when no split keeps ``minInstancesPerNode`` per child with a positive
    ///    gain of at least ``minInfoGain``.
    /// 3. Feature importances sum, per tree, gain × node weight over the splits, normalise
    ///    each tree's vector, add them up and normalise the total.
    ///
    /// Trees grow in parallel on all cores; every tree has its own seeded random stream,
    /// so the same seed and data always give the same forest.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount: Int) throws(RandomForestError) -> RandomForestModel {
        try validate(featureCount: x.columnCount)
        guard x.rowCount > 0 else { throw .emptyTrainingSet }
        guard x.columnCount > 0 else { throw .noFeatures }
        guard labels.count == x.rowCount else { throw .labelCountMismatch(rowCount: x.rowCount, labelCount: labels.count) }
        guard classCount >= 1 else { throw .invalidClassCount(classCount) }
        if let row = labels.firstIndex(where: { !(0..<classCount).contains($0) }) {
            throw .labelOutOfRange(row: row, label: labels[row], classCount: classCount)
        }
        if let position = x.values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteFeature(row: position / x.columnCount, column: position % x.columnCount)
        }
        precondition(x.rowCount < Int(UInt32.max), "row indices are stored in 32 bits")

        let data = BinnedFeatures(x, maxBins: maxBins, seed: seed)
        let compactLabels = labels.map { UInt32($0) }
        // One tree per element, grown side by side.
        let grown = Array(0..<numTrees).concurrentMap { treeIndex in
            var grower = TreeGrower(data: data, labels: compactLabels, classCount: classCount, parameters: self, treeIndex: treeIndex)
            return (tree: grower.grow(), importances: grower.importances)
        }
        let trees = grown.map(\.tree)
        let importances = Self.forestImportances(grown.map(\.importances), featureCount: x.columnCount)
        return RandomForestModel(parameters: self, classCount: classCount, featureCount: x.columnCount,
                                 trees: trees, featureImportances: importances)
    }

    /// Normalises each tree's importances to sum 1, adds them up and normalises the sum
    /// (a tree without splits contributes nothing; a forest without splits gives all zeros).
    static func forestImportances(_ perTree: [[Double]], featureCount: Int) -> [Double] {
        var total = [Double](repeating: 0, count: featureCount)
        for importances in perTree {
            let sum = importances.reduce(0, +)
            guard sum > 0 else { continue }
            for feature in 0..<featureCount { total[feature] += importances[feature] / sum }
        }
        let sum = total.reduce(0, +)
        return sum > 0 ? total.map { $0 / sum } : total
    }
}
