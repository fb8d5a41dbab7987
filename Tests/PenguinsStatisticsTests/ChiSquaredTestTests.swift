import Testing
@testable import PenguinsStatistics

struct ChiSquaredFixture: Decodable {
    struct Case: Decodable {
        var name: String
        var reference: [String: Int]
        var current: [String: Int]
        var expected: Expected
    }
    struct Expected: Decodable {
        var statistic: Double
        var degreesOfFreedom: Int
        var pValue: Double
    }
    var cases: [Case]
}

@Suite("Chi-squared homogeneity against scipy")
struct ChiSquaredTestTests {
    @Test("equals chi2_contingency(correction=False)")
    func matchesScipy() throws {
        let fixture = try loadFixture("chi_squared", as: ChiSquaredFixture.self)
        #expect(fixture.cases.count == 11)
        for test in fixture.cases {
            let result = ChiSquaredTest.homogeneity(reference: test.reference, current: test.current)
            #expect(result.degreesOfFreedom == test.expected.degreesOfFreedom, "\(test.name)")
            #expect(isClose(result.statistic, test.expected.statistic, relative: 1e-10, absolute: 1e-12), "\(test.name)")
            // Relative: the fixture's p-values go down to 1e-280, where an absolute 1e-6 would
            // accept any answer.
            #expect(
                isClose(result.pValue, test.expected.pValue, relative: 1e-9, absolute: 1e-300),
                "\(test.name): p \(result.pValue) vs \(test.expected.pValue)"
            )
        }
        #expect(fixture.cases.contains { $0.expected.pValue > 1e-15 && $0.expected.pValue < 1e-9 }, "no p-value near 1e-10")
        #expect(fixture.cases.contains { $0.expected.pValue > 1e-300 && $0.expected.pValue < 1e-50 }, "no p-value below 1e-50")
    }

    @Test("fewer than two categories gives p = 1 and no degrees of freedom")
    func degenerate() {
        let single = ChiSquaredTest.homogeneity(reference: ["a": 5, "b": 0], current: ["a": 7])
        #expect(single == ChiSquaredResult(statistic: 0, degreesOfFreedom: 0, pValue: 1))
        let emptyCurrent = ChiSquaredTest.homogeneity(reference: ["a": 5, "b": 3], current: [:])
        #expect(emptyCurrent.pValue == 1)
        #expect(emptyCurrent.degreesOfFreedom == 0)
    }
}
