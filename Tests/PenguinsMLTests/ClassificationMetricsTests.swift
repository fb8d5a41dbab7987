import PenguinsML
import Testing

@Suite struct ClassificationMetricsTests {
    struct Case: Decodable {
        var classCount: Int
        var actual: [Int]
        var predicted: [Int]
        var accuracy: Double
        var precision: [Double]
        var recall: [Double]
        var f1: [Double]
        var support: [Int]
        var macroF1: Double
        var weightedF1: Double
        var confusionMatrix: [[Int]]
    }

    struct Reference: Decodable { var cases: [Case] }

    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 }
    }

    @Test func matchesScikitLearn() throws {
        let reference: Reference = try Fixtures.load("metrics")
        #expect(reference.cases.count == 2)
        for expected in reference.cases {
            let metrics = ClassificationMetrics(actual: expected.actual, predicted: expected.predicted, classCount: expected.classCount)
            #expect(abs(metrics.accuracy - expected.accuracy) < 1e-12)
            #expect(Self.close(metrics.precision, expected.precision))
            #expect(Self.close(metrics.recall, expected.recall))
            #expect(Self.close(metrics.f1, expected.f1))
            #expect(metrics.support == expected.support)
            #expect(abs(metrics.macroF1 - expected.macroF1) < 1e-12)
            #expect(abs(metrics.weightedF1 - expected.weightedF1) < 1e-12)
            #expect(metrics.confusionMatrix == expected.confusionMatrix)
        }
    }

    @Test func perfectPredictions() {
        let labels = [0, 1, 2, 2, 1, 0]
        let metrics = ClassificationMetrics(actual: labels, predicted: labels, classCount: 3)
        #expect(metrics.accuracy == 1)
        #expect(metrics.macroF1 == 1)
        #expect(metrics.confusionMatrix == [[2, 0, 0], [0, 2, 0], [0, 0, 2]])
    }

    @Test func emptyInputGivesZeros() {
        let metrics = ClassificationMetrics(actual: [], predicted: [], classCount: 3)
        #expect(metrics.accuracy == 0)
        #expect(metrics.macroF1 == 0)
        #expect(metrics.support == [0, 0, 0])
    }
}
