import PenguinsML

/// The fitting every trainer shares: a stratified split, a scaler and a forest fitted on the
/// training rows, metrics on the held-out ones (on the training rows when none is held out).
struct ForestFit {
    var split: (train: [Int], test: [Int])
    var scaler: StandardScaler
    var forest: RandomForestModel
    var metrics: ClassificationMetrics

    /// Fits `parameters` on the rows of `all` (labels by class index). Pure: no I/O.
    init(_ all: FeatureMatrix, labels: [Int], classCount: Int, parameters: RandomForestClassifier, testFraction: Double) throws {
        split = StratifiedSplit.split(labels: labels, testFraction: testFraction, seed: parameters.seed)
        let train = all.selecting(rows: split.train)
        scaler = StandardScaler.fit(train)
        // The training rows are scaled in place: they are not needed unscaled again.
        forest = try parameters.fit(scaler.transform(consume train), labels: split.train.map { labels[$0] }, classCount: classCount)
        let evaluated = split.test.isEmpty ? split.train : split.test
        let predicted = forest.predict(scaler.transform(all.selecting(rows: evaluated)))
        metrics = ClassificationMetrics(actual: evaluated.map { labels[$0] }, predicted: predicted, classCount: classCount)
    }

    /// Up to `size` training rows, evenly spaced: the rows a drift reference is sampled from.
    func referenceRows(size: Int) -> [Int] {
        let stride = max(1, split.train.count / size)
        return Swift.stride(from: 0, to: split.train.count, by: stride).prefix(size).map { split.train[$0] }
    }
}
