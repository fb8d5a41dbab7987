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

private func check(_ result: KolmogorovSmirnovResult, against expected: KolmogorovSmirnovFixture.Expected, _ name: String) {
    #expect(isClose(result.statistic, expected.statistic, relative: 1e-12), "\(name): D \(result.statistic) vs \(expected.statistic)")
    #expect(isClose(result.pValue, expected.pValue, relative: 1e-6, absolute: 1e-6), "\(name): p \(result.pValue) vs \(expected.pValue)")
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
        #expect(fixture.stored.count >= 8)
        for test in fixture.stored {
            check(KolmogorovSmirnov.twoSample(test.reference, test.current), against: test.expected, test.name)
        }
    }

    @Test("large generated samples around the exact/asymptotic switch and 1M vs 1M", arguments: formulaCases)
    func generatedSamples(_ test: KolmogorovSmirnovFixture.FormulaCase) {
        let result = KolmogorovSmirnov.twoSample(test.reference.values, test.current.values)
        check(result, against: test.expected, test.name)
        #expect(result.sampleSizes.reference == test.reference.count)
        #expect(result.sampleSizes.current == test.current.count)
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
