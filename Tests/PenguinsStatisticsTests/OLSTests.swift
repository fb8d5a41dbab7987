import Foundation
import Testing
@testable import PenguinsStatistics

struct OLSFixture: Decodable {
    struct Predictor: Decodable {
        var name: String
        var kind: String
        var values: [JSONScalar]
    }
    enum JSONScalar: Decodable {
        case number(Double)
        case text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }
    struct Term: Decodable {
        var name: String
        var estimate: Double
        var standardError: Double
        var tStatistic: Double
        var pValue: Double
        var lower95: Double
        var upper95: Double
    }
    struct Expected: Decodable {
        var terms: [Term]
        var rSquared: Double
        var adjustedRSquared: Double
        var fStatistic: Double
        var fPValue: Double
        var residualStandardError: Double
        var residualDegreesOfFreedom: Int
        var modelDegreesOfFreedom: Int
        var observations: Int
        var residualSumOfSquares: Double
        var logLikelihood: Double
        var aic: Double
        var bic: Double
        var predictionRows: Int
        var predictions: [Double]
    }
    struct Case: Decodable, CustomTestStringConvertible {
        var formula: String
        var target: String
        var targetValues: [Double]
        var predictors: [Predictor]
        var expected: Expected
        var testDescription: String { formula }

        func regressionPredictors(rows: Int? = nil) -> [RegressionPredictor] {
            predictors.map { predictor in
                let values = rows.map { Array(predictor.values.prefix($0)) } ?? predictor.values
                if predictor.kind == "numeric" {
                    return .numeric(predictor.name, values.map { if case .number(let x) = $0 { x } else { .nan } })
                }
                return .categorical(predictor.name, values.map { if case .text(let s) = $0 { s } else { "" } })
            }
        }
    }
    var cases: [Case]
}

private func close(_ actual: Double, _ expected: Double, _ relative: Double = 1e-9) -> Bool {
    isClose(actual, expected, relative: relative)
}

@Suite("OLS against statsmodels on the Palmer penguins")
struct OLSTests {
    private static let cases: [OLSFixture.Case] = (try? loadFixture("ols", as: OLSFixture.self).cases) ?? []

    @Test("fixture has the three penguin models")
    func fixtureCoverage() {
        #expect(Self.cases.count == 3)
    }

    @Test("coefficients, inference and fit statistics equal statsmodels", arguments: cases)
    func matchesStatsmodels(_ test: OLSFixture.Case) throws {
        let model = try OLS.fit(target: test.targetValues, targetName: test.target, predictors: test.regressionPredictors())
        let expected = test.expected
        #expect(model.terms.first?.name == "intercept")
        #expect(Set(model.terms.map(\.name)) == Set(expected.terms.map(\.name)))
        for reference in expected.terms {
            let term = try #require(model.coefficient(named: reference.name))
            #expect(close(term.estimate, reference.estimate), "\(reference.name) estimate \(term.estimate) vs \(reference.estimate)")
            #expect(close(term.standardError, reference.standardError), "\(reference.name) SE")
            #expect(close(term.tStatistic, reference.tStatistic), "\(reference.name) t")
            #expect(isClose(term.pValue, reference.pValue, relative: 1e-8, absolute: 1e-300), "\(reference.name) p \(term.pValue) vs \(reference.pValue)")
            let width = reference.upper95 - reference.lower95
            #expect(isClose(term.lower95, reference.lower95, relative: 1e-9, absolute: 1e-9 * width), "\(reference.name) lower")
            #expect(isClose(term.upper95, reference.upper95, relative: 1e-9, absolute: 1e-9 * width), "\(reference.name) upper")
        }
        #expect(close(model.rSquared, expected.rSquared))
        #expect(close(model.adjustedRSquared, expected.adjustedRSquared))
        #expect(close(model.fStatistic, expected.fStatistic))
        #expect(isClose(model.fPValue, expected.fPValue, relative: 1e-8, absolute: 1e-300), "F p \(model.fPValue) vs \(expected.fPValue)")
        #expect(close(model.residualStandardError, expected.residualStandardError))
        #expect(model.residualDegreesOfFreedom == expected.residualDegreesOfFreedom)
        #expect(model.modelDegreesOfFreedom == expected.modelDegreesOfFreedom)
        #expect(model.observations == expected.observations)
        #expect(close(model.residualSumOfSquares, expected.residualSumOfSquares))
        #expect(close(model.trainingMeanSquaredError, expected.residualSumOfSquares / Double(expected.observations)))
        #expect(close(model.logLikelihood, expected.logLikelihood))
        #expect(close(model.aic, expected.aic))
        #expect(close(model.bic, expected.bic))

        let predictions = try model.predict(test.regressionPredictors(rows: expected.predictionRows))
        #expect(predictions.count == expected.predictions.count)
        for (actual, reference) in zip(predictions, expected.predictions) {
            #expect(close(actual, reference), "prediction \(actual) vs \(reference)")
        }
    }

    @Test("the fitted model round-trips through JSON and predicts the same")
    func codableRoundTrip() throws {
        let test = try #require(Self.cases.last)
        let model = try OLS.fit(target: test.targetValues, targetName: test.target, predictors: test.regressionPredictors())
        let decoded = try JSONDecoder().decode(OLSModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(try decoded.predict(test.regressionPredictors()) == model.predict(test.regressionPredictors()))
    }

    @Test("mean squared error")
    func meanSquaredError() {
        #expect(OLS.meanSquaredError(predicted: [1, 2, 3], actual: [1, 4, 0]) == 13.0 / 3)
        #expect(OLS.meanSquaredError(predicted: [], actual: []) == 0)
    }

    @Test("collinear predictors are reported by name")
    func collinear() {
        let x = (0..<20).map { Double($0) }
        let y = x.map { 3 + 2 * $0 + ($0.truncatingRemainder(dividingBy: 3) - 1) }
        let doubled = x.map { 2 * $0 + 1 }
        #expect(throws: RegressionError.collinear(term: "doubled", predictor: "doubled", earlierTerms: ["intercept", "x"])) {
            try OLS.fit(target: y, targetName: "y", predictors: [.numeric("x", x), .numeric("doubled", doubled)])
        }
        let error = RegressionError.collinear(term: "doubled", predictor: "doubled", earlierTerms: ["intercept", "x"])
        #expect(error.description.contains("doubled") && error.description.contains("remove"))
    }

    @Test("a categorical dummy collinear with a numeric column is caught")
    func collinearCategory() {
        let group = (0..<30).map { $0 % 2 == 0 ? "a" : "b" }
        let indicator = group.map { $0 == "b" ? 1.0 : 0.0 }
        let y = (0..<30).map { Double($0 % 7) }
        #expect(throws: RegressionError.self) {
            try OLS.fit(target: y, targetName: "y", predictors: [.categorical("group", group), .numeric("indicator", indicator)])
        }
    }

    @Test("constant predictor, single level, too few rows, constant target, bad lengths")
    func invalidInputs() {
        let y = [1.0, 3, 2, 5, 4]
        #expect(throws: RegressionError.constantPredictor(predictor: "c")) {
            try OLS.fit(target: y, targetName: "y", predictors: [.numeric("c", [2, 2, 2, 2, 2])])
        }
        #expect(throws: RegressionError.singleLevel(predictor: "s", level: "male")) {
            try OLS.fit(target: y, targetName: "y", predictors: [.categorical("s", Array(repeating: "male", count: 5))])
        }
        #expect(throws: RegressionError.tooFewObservations(observations: 2, terms: 2)) {
            try OLS.fit(target: [1, 2], targetName: "y", predictors: [.numeric("x", [0, 1])])
        }
        #expect(throws: RegressionError.constantTarget(target: "y")) {
            try OLS.fit(target: [4, 4, 4, 4], targetName: "y", predictors: [.numeric("x", [0, 1, 2, 3])])
        }
        #expect(throws: RegressionError.lengthMismatch(predictor: "x", expected: 5, actual: 3)) {
            try OLS.fit(target: y, targetName: "y", predictors: [.numeric("x", [0, 1, 2])])
        }
        #expect(throws: RegressionError.nonFiniteValue(column: "x", row: 1)) {
            try OLS.fit(target: y, targetName: "y", predictors: [.numeric("x", [0, .nan, 2, 3, 4])])
        }
        #expect(throws: RegressionError.noPredictors) {
            try OLS.fit(target: y, targetName: "y", predictors: [])
        }
    }

    @Test("prediction encodes categories as in training and rejects unseen levels")
    func predictionEncoding() throws {
        let island = ["Biscoe", "Dream", "Torgersen", "Biscoe", "Dream", "Torgersen", "Biscoe", "Dream"]
        let x = [1.0, 2, 3, 4, 5, 6, 7, 8]
        let y = [2.0, 5, 9, 8, 11, 15, 14, 17.5]
        let model = try OLS.fit(target: y, targetName: "y", predictors: [.numeric("x", x), .categorical("island", island)])
        #expect(model.terms.map(\.name) == ["intercept", "x", "island[Dream]", "island[Torgersen]"])
        // Column order of the input does not matter.
        let predictions = try model.predict([.categorical("island", ["Dream"]), .numeric("x", [10])])
        let expected = model.terms[0].estimate + 10 * model.terms[1].estimate + model.terms[2].estimate
        #expect(isClose(predictions[0], expected, relative: 1e-14))
        #expect(throws: RegressionError.unseenLevel(predictor: "island", level: "Mars", knownLevels: ["Biscoe", "Dream", "Torgersen"])) {
            try model.predict([.numeric("x", [1]), .categorical("island", ["Mars"])])
        }
        #expect(throws: RegressionError.missingPredictor(predictor: "island")) {
            try model.predict([.numeric("x", [1])])
        }
    }
}
