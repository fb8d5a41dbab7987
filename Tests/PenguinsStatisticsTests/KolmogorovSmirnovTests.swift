import Foundation
import Testing
@testable import PenguinsStatistics

struct KolmogorovSmirnovFixture: Decodable {
    struct Expected: Decodable {
        var statistic: Double
        var pValue: Double
        var statisticLocation: Double
        var statisticSign: Int
        var method: String
    }
    struct StoredCase: Decodable {
        var name: String
        var reference: [Double]
        var current: [Double]
        var expected: Expected
    }
    struct FormulaCase: Decodable, CustomTestStringConvertible {
        var name: String
        var reference: FormulaSample
        var current: FormulaSample
        var expected: Expected
        var testDescription: String { name }
    }
    var stored: [StoredCase]
    var formula: [FormulaCase]
}

/// The p-value's tolerance is relative: an absolute tolerance of 1e-6 would accept any answer
/// for the fixture's p-values below 1e-6 (down to about 1e-240). The absolute floor of 1e-300
/// only matters among subnormal numbers, where no relative accuracy is possible.
private func check(_ result: KolmogorovSmirnovResult, against expected: KolmogorovSmirnovFixture.Expected, _ name: String) {
    #expect(isClose(result.statistic, expected.statistic, relative: 1e-12), "\(name): D \(result.statistic) vs \(expected.statistic)")
    #expect(isClose(result.pValue, expected.pValue, relative: 1e-6, absolute: 1e-300), "\(name): p \(result.pValue) vs \(expected.pValue)")
    #expect(result.method.rawValue == expected.method, "\(name)")
    #expect(result.statisticLocation == expected.statisticLocation, "\(name)")
    #expect(result.statisticSign == expected.statisticSign, "\(name)")
}

@Suite("Two-sample Kolmogorov-Smirnov against scipy.stats.ks_2samp")
struct KolmogorovSmirnovTests {
    private static let formulaCases: [KolmogorovSmirnovFixture.FormulaCase] =
        (try? loadFixture("kolmogorov_smirnov", as: KolmogorovSmirnovFixture.self).formula) ?? []

    @Test("small samples: equal and unequal sizes, ties, identical and disjoint")
    func storedSamples() throws {
        let fixture = try loadFixture("kolmogorov_smirnov", as: KolmogorovSmirnovFixture.self)
        #expect(fixture.stored.count == 9)
        for test in fixture.stored {
            check(KolmogorovSmirnov.twoSample(test.reference, test.current), against: test.expected, test.name)
        }
    }

    @Test("samples given as value counts (a kept aggregate's) give scipy's result too")
    func countedSamples() throws {
        let fixture = try loadFixture("kolmogorov_smirnov", as: KolmogorovSmirnovFixture.self)
        for test in fixture.stored {
            let counted = KolmogorovSmirnov.twoSample(
                DistinctCounts(ValueCounts(test.reference)), DistinctCounts(ValueCounts(test.current)))
            check(counted, against: test.expected, test.name)
        }
        for test in Self.formulaCases where test.reference.count + test.current.count <= 200_000 {
            let counted = KolmogorovSmirnov.twoSample(
                DistinctCounts(ValueCounts(test.reference.values)), DistinctCounts(ValueCounts(test.current.values)))
            check(counted, against: test.expected, test.name)
        }
    }

    @Test("large generated samples around the exact/asymptotic switch and 1M vs 1M", arguments: formulaCases)
    func generatedSamples(_ test: KolmogorovSmirnovFixture.FormulaCase) {
        let result = KolmogorovSmirnov.twoSample(test.reference.values, test.current.values)
        check(result, against: test.expected, test.name)
        #expect(result.sampleSizes.reference == test.reference.count)
        #expect(result.sampleSizes.current == test.current.count)
    }

    @Test("the fixture has small p-values on the exact and the asymptotic paths")
    func fixtureCoversSmallPValues() throws {
        let fixture = try loadFixture("kolmogorov_smirnov", as: KolmogorovSmirnovFixture.self)
        #expect(fixture.formula.count == 22)
        for method in ["exact", "asymptotic"] {
            let pValues = fixture.formula.filter { $0.expected.method == method }.map(\.expected.pValue)
            #expect(pValues.contains { $0 > 1e-15 && $0 < 1e-9 }, "\(method): no p-value near 1e-10")
            #expect(pValues.contains { $0 > 1e-300 && $0 < 1e-50 }, "\(method): no p-value below 1e-50")
        }
        // Both exact computations: equal sizes (the alternating series) and unequal ones (the band).
        let exact = fixture.formula.filter { $0.expected.method == "exact" && $0.expected.pValue < 1e-50 }
        #expect(exact.contains { $0.reference.count == $0.current.count })
        #expect(exact.contains { $0.reference.count != $0.current.count })
    }

    @Test("the test is symmetric in its p-value and NaNs are dropped")
    func symmetry() {
        let a = (0..<300).map { Double(($0 * 37) % 101) }
        let b = (0..<250).map { Double(($0 * 53) % 89) + 7 }
        let forward = KolmogorovSmirnov.twoSample(a, b)
        let backward = KolmogorovSmirnov.twoSample(b, a)
        #expect(forward.statistic == backward.statistic)
        #expect(isClose(forward.pValue, backward.pValue, relative: 1e-12))
        #expect(forward.statisticSign == -backward.statisticSign)
        #expect(KolmogorovSmirnov.twoSample(a + [.nan], b) == forward)
    }

    @Test("an empty sample gives statistic 0 and p-value 1")
    func emptySample() {
        let result = KolmogorovSmirnov.twoSample([], [1, 2, 3])
        #expect(result.statistic == 0)
        #expect(result.pValue == 1)
        #expect(throws: Never.self) { try JSONEncoder().encode(result) }
    }
}
