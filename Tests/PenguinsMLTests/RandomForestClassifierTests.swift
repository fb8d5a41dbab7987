import PenguinsML
import Testing

@Suite struct RandomForestClassifierTests {
    let x = FeatureMatrix(rows: [[1, 10], [2, 20], [3, 30], [4, 40]])
    let labels = [0, 0, 1, 1]

    @Test func defaultsAreSparks() {
        let classifier = RandomForestClassifier()
        #expect(classifier.numTrees == 20)
        #expect(classifier.maxDepth == 5)
        #expect(classifier.maxBins == 32)
        #expect(classifier.minInstancesPerNode == 1)
        #expect(classifier.minInfoGain == 0)
        #expect(classifier.impurity == .gini)
        #expect(classifier.featureSubsetStrategy == .auto)
        #expect(classifier.subsamplingRate == 1)
        #expect(classifier.bootstrap)
        #expect(classifier.seed == 42)
    }

    @Test(arguments: [
        (FeatureSubsetStrategy.auto, 20, 2), (.auto, 1, 4), (.all, 20, 4), (.sqrt, 20, 2),
        (.log2, 20, 2), (.oneThird, 20, 2), (.fraction(0.5), 20, 2), (.fraction(0.3), 20, 2), (.count(3), 20, 3),
    ])
    func featuresPerNodeForFourFeatures(strategy: FeatureSubsetStrategy, trees: Int, expected: Int) {
        #expect(strategy.featuresPerNode(featureCount: 4, treeCount: trees) == expected)
    }

    @Test func strategyNamesRoundTrip() {
        for strategy in [FeatureSubsetStrategy.auto, .all, .sqrt, .log2, .oneThird, .fraction(0.25), .count(3)] {
            #expect(FeatureSubsetStrategy(name: strategy.description) == strategy)
        }
        #expect(FeatureSubsetStrategy(name: "1.0") == .fraction(1))
        #expect(FeatureSubsetStrategy(name: "most") == nil)
        #expect(FeatureSubsetStrategy(name: "1.5") == nil)
    }

    @Test func invalidDataThrows() {
        let classifier = RandomForestClassifier()
        #expect(throws: RandomForestError.emptyTrainingSet) {
            try classifier.fit(FeatureMatrix(columnCount: 2, values: []), labels: [], classCount: 2)
        }
        #expect(throws: RandomForestError.labelCountMismatch(rowCount: 4, labelCount: 3)) {
            try classifier.fit(x, labels: [0, 1, 1], classCount: 2)
        }
        #expect(throws: RandomForestError.labelOutOfRange(row: 2, label: 2, classCount: 2)) {
            try classifier.fit(x, labels: [0, 1, 2, 0], classCount: 2)
        }
        #expect(throws: RandomForestError.labelOutOfRange(row: 0, label: -1, classCount: 2)) {
            try classifier.fit(x, labels: [-1, 1, 1, 0], classCount: 2)
        }
        #expect(throws: RandomForestError.invalidClassCount(0)) {
            try classifier.fit(x, labels: labels, classCount: 0)
        }
        #expect(throws: RandomForestError.nonFiniteFeature(row: 1, column: 1)) {
            try classifier.fit(FeatureMatrix(rows: [[1, 2], [3, .nan]]), labels: [0, 1], classCount: 2)
        }
    }

    /// Each invalid classifier with the parameter and value its error names.
    @Test(arguments: [
        (RandomForestClassifier(numTrees: 0), "numTrees = 0"),
        (RandomForestClassifier(maxDepth: -1), "maxDepth = -1"),
        (RandomForestClassifier(maxDepth: 31), "maxDepth = 31"),
        (RandomForestClassifier(maxBins: 1), "maxBins = 1"),
        (RandomForestClassifier(maxBins: 257), "maxBins = 257"),
        (RandomForestClassifier(minInstancesPerNode: 0), "minInstancesPerNode = 0"),
        (RandomForestClassifier(minInfoGain: -0.1), "minInfoGain = -0.1"),
        (RandomForestClassifier(featureSubsetStrategy: .fraction(1.5)), "featureSubsetStrategy = 1.5"),
        (RandomForestClassifier(featureSubsetStrategy: .count(3)), "featureSubsetStrategy = 3"),
        (RandomForestClassifier(subsamplingRate: 0), "subsamplingRate = 0.0"),
        (RandomForestClassifier(subsamplingRate: 1.2), "subsamplingRate = 1.2"),
    ])
    func invalidParametersThrowWithAnExplanation(classifier: RandomForestClassifier, named expected: String) {
        let error = #expect(throws: RandomForestError.self) {
            try classifier.fit(x, labels: labels, classCount: 2)
        }
        guard case let .invalidParameter(name, value, requirement) = error else {
            Issue.record("expected an invalid parameter, got \(String(describing: error))")
            return
        }
        #expect("\(name) = \(value)" == expected)
        #expect(error?.description.contains(requirement) == true)
    }

    @Test func errorDescriptionsSayWhatToDo() {
        #expect(RandomForestError.emptyTrainingSet.description.contains("pass at least one row"))
        #expect(RandomForestError.nonFiniteFeature(row: 3, column: 1).description.contains("Row 3, column 1"))
    }
}
