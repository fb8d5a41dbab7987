import Foundation
import PenguinsML
import Testing

@Suite struct RandomForestModelTests {
    let palmer: Fixtures.Palmer
    let reference: Fixtures.ForestReference

    init() throws {
        palmer = try Fixtures.palmer()
        reference = try Fixtures.load("forest_reference")
    }

    /// Trains on a stratified 80/20 split of the Palmer data and returns the held-out accuracy.
    func heldOutAccuracy(splitSeed: UInt64, classifier: RandomForestClassifier) throws -> Double {
        let (train, test) = StratifiedSplit.split(labels: palmer.labels, testFraction: 0.2, seed: splitSeed)
        let model = try classifier.fit(palmer.matrix.selecting(rows: train), labels: train.map { palmer.labels[$0] }, classCount: 3)
        let predicted = model.predict(palmer.matrix.selecting(rows: test))
        return ClassificationMetrics(actual: test.map { palmer.labels[$0] }, predicted: predicted, classCount: 3).accuracy
    }

    @Test func palmerHeldOutAccuracyIsCloseToScikitLearn() throws {
        let accuracy = try heldOutAccuracy(splitSeed: 42, classifier: RandomForestClassifier())
        #expect(accuracy >= 0.95)
        #expect(accuracy >= reference.minTestAccuracyOver20Splits - 0.03)

        let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]
        let accuracies = try seeds.map { try heldOutAccuracy(splitSeed: $0, classifier: RandomForestClassifier(seed: $0)) }
        let mean = accuracies.reduce(0, +) / Double(accuracies.count)
        #expect(abs(mean - reference.meanTestAccuracyOver20Splits) < 0.03, "mean accuracy \(mean) over \(accuracies)")
    }

    @Test func sameSeedGivesIdenticalForestAndJSON() throws {
        let first = try RandomForestClassifier(seed: 9).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        let second = try RandomForestClassifier(seed: 9).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        #expect(first == second)
        #expect(try first.jsonRepresentation() == second.jsonRepresentation())
        #expect(first.predictProbabilities(palmer.matrix) == second.predictProbabilities(palmer.matrix))
    }

    @Test func differentSeedGivesDifferentTrees() throws {
        let first = try RandomForestClassifier(seed: 1).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        let second = try RandomForestClassifier(seed: 2).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        #expect(first.trees != second.trees)
        let distinctTrees = Set(first.trees.map { try! JSONEncoder().encode($0) })
        #expect(distinctTrees.count > 1, "the trees of one forest differ from each other")
    }

    @Test func probabilitiesAreADistribution() throws {
        let model = try RandomForestClassifier().fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        let probabilities = model.predictProbabilities(palmer.matrix)
        #expect(probabilities.count == palmer.rows.count)
        for row in probabilities {
            #expect(row.count == 3)
            #expect(row.allSatisfy { (0...1).contains($0) })
            #expect(abs(row.reduce(0, +) - 1) < 1e-12)
        }
        #expect(probabilities.contains { $0.contains { $0 > 0 && $0 < 1 } }, "some rows are uncertain")
    }

    @Test func predictionIsTheMostProbableClass() throws {
        let model = try RandomForestClassifier().fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        for row in palmer.rows {
            let probabilities = model.predictProbabilities(row: row)
            #expect(model.predict(row: row) == probabilities.firstIndex(of: probabilities.max()!))
        }
    }

    @Test func batchPredictionEqualsRowPrediction() throws {
        let data = SyntheticPenguins.make(rowCount: 20_000, seed: 5)
        let model = try RandomForestClassifier(numTrees: 5).fit(data.x, labels: data.labels, classCount: 3)
        let batch = model.predict(data.x)
        let single = (0..<data.x.rowCount).map { model.predict(row: data.x.row($0)) }
        #expect(batch == single)
        #expect(model.predictProbabilities(data.x)[19_999] == model.predictProbabilities(row: data.x.row(19_999)))
    }

    @Test func importancesFavourRealFeaturesOverNoise() throws {
        var generator = SeededGenerator(seed: 11)
        let rows = palmer.rows.map { $0 + [generator.nextUnitInterval() * 100] }
        let model = try RandomForestClassifier().fit(FeatureMatrix(rows: rows), labels: palmer.labels, classCount: 3)
        let importances = model.featureImportances
        #expect(importances.count == 5)
        #expect(importances.allSatisfy { $0 >= 0 })
        #expect(abs(importances.reduce(0, +) - 1) < 1e-12)
        #expect(importances.firstIndex(of: importances.min()!) == 4, "noise column importance \(importances)")
    }

    @Test(arguments: [0, 1, 3, 5])
    func depthNeverExceedsMaxDepth(maxDepth: Int) throws {
        let model = try RandomForestClassifier(maxDepth: maxDepth).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        #expect(model.trees.allSatisfy { $0.depth <= maxDepth })
        #expect(model.trees.contains { $0.depth == maxDepth }, "some tree grows to the full depth")
    }

    @Test func everyChildKeepsMinInstancesPerNode() throws {
        let minimum = 15
        let model = try RandomForestClassifier(minInstancesPerNode: minimum).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        let nodes = model.trees.flatMap(\.nodes)
        #expect(nodes.allSatisfy { $0.instanceCount >= Double(minimum) })
        // Without the limit, smaller leaves appear: the limit is what keeps them out.
        let unlimited = try RandomForestClassifier().fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        #expect(unlimited.trees.flatMap(\.nodes).contains { $0.instanceCount < Double(minimum) })
    }

    @Test func minInfoGainPrunesWeakSplits() throws {
        let model = try RandomForestClassifier(minInfoGain: 0.05).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        let gains = model.trees.flatMap(\.nodes).filter { !$0.isLeaf }.map(\.gain)
        #expect(!gains.isEmpty)
        #expect(gains.allSatisfy { $0 >= 0.05 })
    }

    @Test func childCountsAddUpToTheParent() throws {
        let model = try RandomForestClassifier().fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        for tree in model.trees {
            for node in tree.nodes where !node.isLeaf {
                let children = zip(tree.nodes[node.leftChild].classCounts, tree.nodes[node.rightChild].classCounts).map { $0 + $1 }
                #expect(children == node.classCounts)
            }
        }
    }

    /// Training partitions rows by bin, prediction compares values with thresholds: routing
    /// the training rows through each tree must land exactly the stored counts in every leaf.
    @Test(arguments: ["palmer", "synthetic"])
    func trainingRowsReproduceLeafCounts(dataset: String) throws {
        let (x, labels): (FeatureMatrix, [Int]) = dataset == "palmer"
            ? (palmer.matrix, palmer.labels)
            : SyntheticPenguins.make(rowCount: 30_000, seed: 8)
        let model = try RandomForestClassifier(numTrees: 3, maxDepth: 6, bootstrap: false).fit(x, labels: labels, classCount: 3)
        for tree in model.trees {
            var routed = [[Double]](repeating: [0, 0, 0], count: tree.nodes.count)
            for row in 0..<x.rowCount {
                var index = 0
                while let feature = tree.nodes[index].feature {
                    index = x.values[row * x.columnCount + feature] <= tree.nodes[index].threshold
                        ? tree.nodes[index].leftChild : tree.nodes[index].rightChild
                }
                routed[index][labels[row]] += 1
            }
            for (index, node) in tree.nodes.enumerated() where node.isLeaf {
                #expect(routed[index] == node.classCounts)
            }
        }
    }

    @Test func bootstrapDrawsAboutOneCopyPerRow() throws {
        let data = SyntheticPenguins.make(rowCount: 10_000, seed: 2)
        let bagged = try RandomForestClassifier(numTrees: 10).fit(data.x, labels: data.labels, classCount: 3)
        // Poisson(1) copies per row: the root weight is 10 000 ± 100 (one standard deviation).
        #expect(bagged.trees.allSatisfy { abs($0.nodes[0].instanceCount - 10_000) < 500 })
        #expect(Set(bagged.trees.map { $0.nodes[0].instanceCount }).count > 1)

        let whole = try RandomForestClassifier(numTrees: 3, bootstrap: false).fit(data.x, labels: data.labels, classCount: 3)
        let classCounts = (0..<3).map { label in Double(data.labels.count { $0 == label }) }
        #expect(whole.trees.allSatisfy { $0.nodes[0].classCounts == classCounts })

        let half = try RandomForestClassifier(numTrees: 3, subsamplingRate: 0.5, bootstrap: false)
            .fit(data.x, labels: data.labels, classCount: 3)
        #expect(half.trees.allSatisfy { abs($0.nodes[0].instanceCount - 5_000) < 250 })
    }

    @Test func singleSplitUsesSparkMidpointThresholdAndGiniGain() throws {
        let x = FeatureMatrix(rows: [[1], [2], [3], [4]])
        let model = try RandomForestClassifier(numTrees: 1, maxDepth: 1, bootstrap: false)
            .fit(x, labels: [0, 0, 1, 1], classCount: 2)
        let root = model.trees[0].nodes[0]
        #expect(root.feature == 0)
        #expect(root.threshold == 2.5)
        #expect(abs(root.gain - 0.5) < 1e-15)
        #expect(model.trees[0].nodes[root.leftChild].classCounts == [2, 0])
        #expect(model.trees[0].nodes[root.rightChild].classCounts == [0, 2])
        #expect(model.featureImportances == [1])
        #expect(model.predict(row: [2.5]) == 0)
        #expect(model.predict(row: [2.6]) == 1)
    }

    @Test func entropyImpurityGainIsInBits() throws {
        let x = FeatureMatrix(rows: [[1], [2], [3], [4]])
        let model = try RandomForestClassifier(numTrees: 1, maxDepth: 1, impurity: .entropy, bootstrap: false)
            .fit(x, labels: [0, 0, 1, 1], classCount: 2)
        #expect(abs(model.trees[0].nodes[0].gain - 1) < 1e-15)
    }

    @Test func separableProblemIsLearnedPerfectly() throws {
        var rows: [[Double]] = []
        var labels: [Int] = []
        var generator = SeededGenerator(seed: 4)
        for index in 0..<300 {
            let x = Double(index % 6)
            rows.append([generator.nextUnitInterval(), x])
            labels.append(x > 2.5 ? (x > 4.5 ? 2 : 1) : 0)
        }
        let model = try RandomForestClassifier(numTrees: 10).fit(FeatureMatrix(rows: rows), labels: labels, classCount: 3)
        #expect(model.predict(FeatureMatrix(rows: rows)) == labels)
        #expect(model.predict(row: [0.5, 5]) == 2)
        #expect(model.predictProbabilities(row: [0.5, 0]) == [1, 0, 0])
    }

    @Test func constantFeaturesGiveASingleLeaf() throws {
        let model = try RandomForestClassifier(numTrees: 3, bootstrap: false)
            .fit(FeatureMatrix(rows: [[1], [1], [1]]), labels: [0, 1, 1], classCount: 2)
        #expect(model.trees.allSatisfy { $0.nodes.count == 1 })
        #expect(model.featureImportances == [0])
        #expect(model.predictProbabilities(row: [1]) == [1.0 / 3, 2.0 / 3])
        #expect(model.predict(row: [1]) == 1)
    }

    @Test func jsonRoundTripPredictsIdentically() throws {
        let model = try RandomForestClassifier(featureSubsetStrategy: .fraction(0.75)).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        let json = try model.jsonRepresentation()
        let decoded = try JSONDecoder().decode(RandomForestModel.self, from: json)
        #expect(decoded == model)
        #expect(decoded.predictProbabilities(palmer.matrix) == model.predictProbabilities(palmer.matrix))
        #expect(try decoded.jsonRepresentation() == json)
        let text = try #require(String(data: json, encoding: .utf8))
        #expect(!text.contains("\n"))
        #expect(text.contains("\"featureSubsetStrategy\":\"0.75\""))
    }

    @Test func corruptJSONIsRejected() throws {
        let model = try RandomForestClassifier(numTrees: 2).fit(palmer.matrix, labels: palmer.labels, classCount: 3)
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as? [String: Any])
        object["featureCount"] = 2
        let wrongFeatureCount = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(RandomForestModel.self, from: wrongFeatureCount) }

        let cyclicTree = #"{"feature":[0],"threshold":[1],"left":[0],"right":[0],"counts":[[1,1]],"gain":[0.5]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DecisionTree.self, from: Data(cyclicTree.utf8)) }
    }
}
