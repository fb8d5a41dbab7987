import Foundation
import Testing
@testable import PenguinsStatistics

struct DescriptiveFixture: Decodable {
    struct SummaryCase: Decodable {
        var name: String
        var values: [Double?]
        var expected: Expected
    }
    struct Expected: Decodable {
        var count: Int
        var missing: Int
        var mean: Double?
        var standardDeviation: Double?
        var minimum: Double?
        var q1: Double?
        var median: Double?
        var q3: Double?
        var maximum: Double?
    }
    struct QuantileCase: Decodable {
        var name: String
        var sorted: [Double]
        var probabilities: [Double]
        var expected: [Double]
    }
    var summaries: [SummaryCase]
    var quantiles: [QuantileCase]
}

@Suite("Descriptive statistics against numpy")
struct DescriptiveTests {
    @Test("quantiles equal numpy's default linear method exactly")
    func quantilesMatchNumpy() throws {
        let fixture = try loadFixture("descriptive", as: DescriptiveFixture.self)
        #expect(fixture.quantiles.map(\.name) == ["body_mass_g", "uneven", "random_17", "pair"])
        for sample in fixture.quantiles {
            for (probability, expected) in zip(sample.probabilities, sample.expected) {
                let actual = Descriptive.quantile(sorted: sample.sorted, probability: probability)
                #expect(actual == expected, "\(sample.name) at \(probability): \(actual) vs numpy \(expected)")
            }
        }
    }

    @Test("summaries match numpy (order statistics exactly, moments to 1e-12)")
    func summariesMatchNumpy() throws {
        let fixture = try loadFixture("descriptive", as: DescriptiveFixture.self)
        for sample in fixture.summaries {
            expectMatchesNumpy(Descriptive.summarize(sample.values), sample)
        }
    }

    @Test("NaN counts as missing and the summary round-trips through JSON")
    func nanIsMissing() throws {
        let summary = Descriptive.summarize([1, .nan, nil, 3])
        #expect(summary.count == 2)
        #expect(summary.missing == 2)
        #expect(summary.mean == 2)
        let decoded = try JSONDecoder().decode(Summary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == summary)
    }
}

/// Checks `summary` against numpy's summary of `sample`: counts and order statistics exactly,
/// mean and standard deviation to 1e-12 relative.
func expectMatchesNumpy(_ summary: Summary, _ sample: DescriptiveFixture.SummaryCase) {
    let expected = sample.expected
    #expect(summary.count == expected.count, "\(sample.name)")
    #expect(summary.missing == expected.missing, "\(sample.name)")
    #expect(summary.minimum == expected.minimum, "\(sample.name)")
    #expect(summary.q1 == expected.q1, "\(sample.name)")
    #expect(summary.median == expected.median, "\(sample.name)")
    #expect(summary.q3 == expected.q3, "\(sample.name)")
    #expect(summary.maximum == expected.maximum, "\(sample.name)")
    #expect((summary.mean == nil) == (expected.mean == nil), "\(sample.name)")
    if let mean = summary.mean, let reference = expected.mean {
        #expect(isClose(mean, reference, relative: 1e-12), "\(sample.name) mean \(mean) vs \(reference)")
    }
    #expect((summary.standardDeviation == nil) == (expected.standardDeviation == nil), "\(sample.name)")
    if let deviation = summary.standardDeviation, let reference = expected.standardDeviation {
        #expect(isClose(deviation, reference, relative: 1e-12), "\(sample.name) sd \(deviation) vs \(reference)")
    }
}
