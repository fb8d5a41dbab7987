import PenguinsML

/// The fitting every trainer shares: a stratified split, a scaler and a forest fitted on the
/// training rows, metrics on the held-out ones (on the training rows when none is held out).
struct ForestFit {
    var split: (train: [Int], test: [Int])
    var scaler: StandardScaler
    var forest: RandomForestModel
    var metrics: ClassificationMetrics
    /// Up to the reference size of training rows, evenly spaced, unscaled: the rows a drift
    /// reference is sampled from.
    var reference: FeatureMatrix
    /// For each column counted, how many training rows have each of its values.
    var trainingCounts: [Int: [Double: Int]]

    /// Fits `parameters` on the rows of `all` (labels by class index), which it takes over: the
    /// held-out rows are copied out, then the training rows are moved to the front of its
    /// storage and scaled there, so that the rows are held once. `counting` names the columns
    /// whose values ``trainingCounts`` counts. Pure: no I/O.
    init(
        _ all: consuming FeatureMatrix, labels: [Int], classCount: Int, parameters: RandomForestClassifier, testFraction: Double,
        referenceSize: Int, counting: [Int] = []
    ) throws {
        let split = StratifiedSplit.split(labels: labels, testFraction: testFraction, seed: parameters.seed)
        self.split = split
        let heldOut = split.test.isEmpty ? nil : all.selecting(rows: split.test)
        // Both parts of the split ascend, so the training rows can move down in place.
        let train = FeatureMatrix(keeping: split.train, of: consume all)
        let stride = max(1, split.train.count / referenceSize)
        reference = train.selecting(rows: Array(Swift.stride(from: 0, to: train.rowCount, by: stride).prefix(referenceSize)))
        var counts: [Int: [Double: Int]] = [:]
        for column in counting {
            var values: [Double: Int] = [:]
            for row in 0..<train.rowCount { values[train.values[row * train.columnCount + column], default: 0] += 1 }
            counts[column] = values
        }
        trainingCounts = counts
        let scaler = StandardScaler.fit(train)
        self.scaler = scaler
        let scaled = scaler.transform(consume train)
        let forest = try parameters.fit(scaled, labels: split.train.map { labels[$0] }, classCount: classCount)
        self.forest = forest
        let evaluated = split.test.isEmpty ? split.train : split.test
        let predicted = forest.predict(heldOut.map { scaler.transform($0) } ?? scaled)
        metrics = ClassificationMetrics(actual: evaluated.map { labels[$0] }, predicted: predicted, classCount: classCount)
    }
}
