import Testing
@testable import PenguinsStatistics

struct PSIFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var bins: Int
        var reference: [Double]
        var current: [Double]
        var expected: Expected
    }
    struct Expected: Decodable {
        var value: Double
        var binEdges: [Double]
        var referenceShares: [Double]
        var currentShares: [Double]
    }
    var emptyBinShare: Double
    var cases: [Case]
}

@Suite("Population stability index against the numpy computation")
struct PopulationStabilityIndexTests {
    @Test("edges, shares and value match numpy")
    func matchesNumpy() throws {
        let fixture = try loadFixture("population_stability_index", as: PSIFixture.self)
        #expect(fixture.emptyBinShare == PopulationStabilityIndex.emptyBinShare)
        for test in fixture.cases {
            let result = PopulationStabilityIndex.compute(reference: test.reference, current: test.current, bins: test.bins)
            #expect(result.binEdges == test.expected.binEdges, "\(test.name)")
            #expect(result.referenceShares == test.expected.referenceShares, "\(test.name)")
            #expect(result.currentShares == test.expected.currentShares, "\(test.name)")
            #expect(isClose(result.value, test.expected.value, relative: 1e-10, absolute: 1e-14), "\(test.name): \(result.value) vs \(test.expected.value)")
            #expect(result.verdict == PSIResult.Verdict(value: test.expected.value), "\(test.name)")
        }
    }

    @Test("a current sample given as value counts gives numpy's shares and value too")
    func countedCurrentSample() throws {
        let fixture = try loadFixture("population_stability_index", as: PSIFixture.self)
        for test in fixture.cases {
            let counted = PopulationStabilityIndex.compute(
                reference: test.reference, current: DistinctCounts(ValueCounts(test.current)), bins: test.bins)
            #expect(counted.currentShares == test.expected.currentShares, "\(test.name)")
            #expect(isClose(counted.value, test.expected.value, relative: 1e-10, absolute: 1e-14), "\(test.name)")
        }
    }

    @Test("verdict thresholds")
    func verdicts() {
        #expect(PSIResult.Verdict(value: 0) == .stable)
        #expect(PSIResult.Verdict(value: 0.0999) == .stable)
        #expect(PSIResult.Verdict(value: 0.1) == .moderate)
        #expect(PSIResult.Verdict(value: 0.2499) == .moderate)
        #expect(PSIResult.Verdict(value: 0.25) == .significant)
    }

    @Test("a large shift is significant, an identical sample stable")
    func direction() {
        let reference = (0..<1000).map { Double($0 % 97) }
        #expect(PopulationStabilityIndex.compute(reference: reference, current: reference).value == 0)
        let shifted = reference.map { $0 + 40 }
        #expect(PopulationStabilityIndex.compute(reference: reference, current: shifted).verdict == .significant)
    }
}
