import Foundation
import Testing
@testable import PenguinsStatistics

/// The cross products of `target ~ 1 + predictors` over `rows`, each numeric term taken from
/// `origin(values)`, with the encodings of the categorical predictors' levels in those rows.
private func crossProducts(
    target: [Double], predictors: [RegressionPredictor], rows: [Int]? = nil, origin: ([Double]) -> Double = { $0.first ?? 0 }
) -> (products: CrossProducts, origins: [Double], encodings: [PredictorEncoding]) {
    let rows = rows ?? Array(target.indices)
    var columns: [[Double]] = []
    var origins: [Double] = []
    var encodings: [PredictorEncoding] = []
    for predictor in predictors {
        switch predictor.values {
        case .numeric(let values):
            let own = rows.map { values[$0] }
            origins.append(origin(own))
            columns.append(own)
            encodings.append(PredictorEncoding(name: predictor.name, kind: .numeric))
        case .categorical(let labels):
            let own = rows.map { labels[$0] }
            let levels = Set(own).sorted()
            for level in levels.dropFirst() {
                origins.append(0)
                columns.append(own.map { $0 == level ? 1 : 0 })
            }
            encodings.append(PredictorEncoding(name: predictor.name, kind: .categorical(levels: levels)))
        }
    }
    let y = rows.map { target[$0] }
    origins.append(origin(y))
    columns.append(y)
    var products = CrossProducts(size: columns.count + 1)
    for row in rows.indices {
        let values = [1] + columns.indices.map { columns[$0][row] - origins[$0] }
        products.add(indices: Array(values.indices), values: values)
    }
    return (products, origins, encodings)
}

private func fitFromProducts(target: [Double], predictors: [RegressionPredictor], origin: @escaping ([Double]) -> Double = { $0.first ?? 0 }) throws -> OLSModel {
    let (products, origins, encodings) = crossProducts(target: target, predictors: predictors, origin: origin)
    return try OLS.fit(products: products, origins: origins, targetName: "y", encodings: encodings)
}

@Suite("OLS from cross products against statsmodels and the QR fit")
struct OLSCrossProductsTests {
    private static let cases: [OLSFixture.Case] = (try? loadFixture("ols", as: OLSFixture.self).cases) ?? []

    @Test("coefficients, inference and fit statistics equal statsmodels'", arguments: cases)
    func matchesStatsmodels(_ test: OLSFixture.Case) throws {
        // Origins at the first value (what an aggregate takes) and at zero (no origin at all).
        for origin in [{ (values: [Double]) in values.first ?? 0 }, { _ in 0 }] {
            let (products, origins, encodings) = crossProducts(target: test.targetValues, predictors: test.regressionPredictors(), origin: origin)
            let model = try OLS.fit(products: products, origins: origins, targetName: test.target, encodings: encodings)
            let expected = test.expected
            #expect(model.terms.map(\.name).sorted() == expected.terms.map(\.name).sorted())
            for reference in expected.terms {
                let term = try #require(model.coefficient(named: reference.name))
                #expect(isClose(term.estimate, reference.estimate, relative: 1e-8), "\(reference.name) estimate \(term.estimate) vs \(reference.estimate)")
                #expect(isClose(term.standardError, reference.standardError, relative: 1e-8), "\(reference.name) SE")
                #expect(isClose(term.pValue, reference.pValue, relative: 1e-6, absolute: 1e-300), "\(reference.name) p \(term.pValue) vs \(reference.pValue)")
            }
            #expect(isClose(model.rSquared, expected.rSquared, relative: 1e-9))
            #expect(isClose(model.fStatistic, expected.fStatistic, relative: 1e-8))
            #expect(isClose(model.fPValue, expected.fPValue, relative: 1e-6, absolute: 1e-300))
            #expect(isClose(model.residualSumOfSquares, expected.residualSumOfSquares, relative: 1e-9))
            #expect(isClose(model.aic, expected.aic, relative: 1e-10))
            #expect(model.observations == expected.observations)
            #expect(model.residualDegreesOfFreedom == expected.residualDegreesOfFreedom)
            // The residuals' sum of squares from the products is the fit's.
            #expect(isClose(OLS.residualSumOfSquares(of: model, products: products, origins: origins), expected.residualSumOfSquares, relative: 1e-9))
        }
    }

    @Test("the sum of squared errors on other rows equals the predictions'")
    func errorsOnOtherRows() throws {
        let test = try #require(Self.cases.last)
        let all = Array(test.targetValues.indices)
        let (train, held) = (all.filter { $0 % 4 != 0 }, all.filter { $0 % 4 == 0 })
        let predictors = test.regressionPredictors()
        let trained = crossProducts(target: test.targetValues, predictors: predictors, rows: train)
        let model = try OLS.fit(products: trained.products, origins: trained.origins, targetName: test.target, encodings: trained.encodings)
        // The held-out rows' products with the training rows' terms (their levels, their origins).
        var products = CrossProducts(size: trained.products.size)
        for row in held {
            var values = [1.0]
            for predictor in predictors {
                switch predictor.values {
                case .numeric(let xs): values.append(xs[row])
                case .categorical(let labels):
                    let levels = trained.encodings.first { $0.name == predictor.name }!.termNames.count + 1
                    let known = Set(train.map { labels[$0] }).sorted()
                    #expect(known.count == levels)
                    values += known.dropFirst().map { labels[row] == $0 ? 1 : 0 }
                }
            }
            values.append(test.targetValues[row])
            let shifted = values.indices.map { $0 == 0 ? 1 : values[$0] - trained.origins[$0 - 1] }
            products.add(indices: Array(shifted.indices), values: shifted)
        }
        let predicted = try model.predict(predictors.map { predictor in
            switch predictor.values {
            case .numeric(let xs): .numeric(predictor.name, held.map { xs[$0] })
            case .categorical(let labels): .categorical(predictor.name, held.map { labels[$0] })
            }
        })
        let direct = OLS.meanSquaredError(predicted: predicted, actual: held.map { test.targetValues[$0] }) * Double(held.count)
        #expect(isClose(OLS.residualSumOfSquares(of: model, products: products, origins: trained.origins), direct, relative: 1e-9))
    }

    @Test("sums of parts add up to the sums of the whole")
    func partsAddUp() throws {
        let test = try #require(Self.cases.last)
        let predictors = test.regressionPredictors()
        let all = Array(test.targetValues.indices)
        // The same origins for both parts, as an aggregate keeps them.
        let whole = crossProducts(target: test.targetValues, predictors: predictors)
        let first = crossProducts(target: test.targetValues, predictors: predictors, rows: Array(all.prefix(100)), origin: { _ in 0 })
        let rest = crossProducts(target: test.targetValues, predictors: predictors, rows: Array(all.dropFirst(100)), origin: { _ in 0 })
        var sum = first.products
        sum += rest.products
        let unshifted = crossProducts(target: test.targetValues, predictors: predictors, origin: { _ in 0 })
        for i in 0..<sum.size {
            for j in 0..<sum.size { #expect(isClose(sum[i, j], unshifted.products[i, j], relative: 1e-12, absolute: 1e-9)) }
        }
        let model = try OLS.fit(products: sum, origins: unshifted.origins, targetName: "y", encodings: whole.encodings)
        let reference = try OLS.fit(target: test.targetValues, targetName: "y", predictors: predictors)
        for (term, qr) in zip(model.terms, reference.terms) { #expect(isClose(term.estimate, qr.estimate, relative: 1e-9), "\(term.name)") }
    }

    @Test("collinear, constant and too few rows are the errors the QR fit gives")
    func errors() {
        let x = (0..<20).map { Double($0) }
        let y = x.map { 3 + 2 * $0 + ($0.truncatingRemainder(dividingBy: 3) - 1) }
        #expect(throws: RegressionError.collinear(term: "doubled", predictor: "doubled", earlierTerms: ["intercept", "x"])) {
            try fitFromProducts(target: y, predictors: [.numeric("x", x), .numeric("doubled", x.map { 2 * $0 + 1 })])
        }
        let group = (0..<30).map { $0 % 2 == 0 ? "a" : "b" }
        #expect(throws: RegressionError.collinear(term: "indicator", predictor: "indicator", earlierTerms: ["intercept", "group[b]"])) {
            try fitFromProducts(
                target: (0..<30).map { Double($0 % 7) },
                predictors: [.categorical("group", group), .numeric("indicator", group.map { $0 == "b" ? 1 : 0 })], origin: { _ in 0.5 })
        }
        let five = [1.0, 3, 2, 5, 4]
        #expect(throws: RegressionError.constantPredictor(predictor: "c")) {
            try fitFromProducts(target: five, predictors: [.numeric("c", [2, 2, 2, 2, 2])], origin: { _ in 1.7 })
        }
        #expect(throws: RegressionError.tooFewObservations(observations: 2, terms: 2)) {
            try fitFromProducts(target: [1, 2], predictors: [.numeric("x", [0, 1])])
        }
        #expect(throws: RegressionError.constantTarget(target: "y")) {
            try fitFromProducts(target: [4, 4, 4, 4], predictors: [.numeric("x", [0, 1, 2, 3])], origin: { _ in 3.3 })
        }
    }
}
