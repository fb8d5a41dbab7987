import Foundation
import Testing
@testable import PenguinsStatistics

@Suite("Value counts: exact, mergeable summaries")
struct ValueCountsTests {
    @Test("summaries of the counts match numpy (order statistics exactly, moments to 1e-12)")
    func summariesMatchNumpy() throws {
        let fixture = try loadFixture("descriptive", as: DescriptiveFixture.self)
        for sample in fixture.summaries {
            expectMatchesNumpy(ValueCounts(sample.values.map { $0 ?? .nan }).summary(), sample)
        }
    }

    @Test("merged counts summarize as the whole sample does, and as the sorted sample does")
    func mergeEqualsWhole() {
        var generator = SystemRandomNumberGenerator()
        // Measurements to a tenth, with ties and missing values, in two uneven parts.
        let values = (0..<50_001).map { index -> Double in
            index % 97 == 0 ? .nan : (Double.random(in: 30...60, using: &generator) * 10).rounded() / 10
        }
        var merged = ValueCounts(values[..<12_345])
        merged.merge(ValueCounts(values[12_345...]))
        let whole = ValueCounts(values)
        #expect(merged == whole)
        #expect(merged.distinctCount <= 301)
        #expect(merged.presentCount + merged.missing == values.count)

        let counted = merged.summary()
        let sorted = Descriptive.summarize(values.map { Optional($0) })
        #expect(counted.count == sorted.count)
        #expect(counted.missing == sorted.missing)
        #expect([counted.minimum, counted.q1, counted.median, counted.q3, counted.maximum]
            == [sorted.minimum, sorted.q1, sorted.median, sorted.q3, sorted.maximum])
        #expect(isClose(counted.mean!, sorted.mean!, relative: 1e-13))
        #expect(isClose(counted.standardDeviation!, sorted.standardDeviation!, relative: 1e-12))
    }

    @Test("no present value: counts only; one value: no standard deviation")
    func smallSamples() {
        let empty = ValueCounts([.nan, .nan]).summary()
        #expect(empty.count == 0 && empty.missing == 2 && empty.mean == nil && empty.median == nil)
        let single = ValueCounts([4.5]).summary()
        #expect(single.count == 1 && single.mean == 4.5 && single.standardDeviation == nil && single.q3 == 4.5)
    }

    @Test("values taken out leave the counts of the rest; taking out more than was counted says so")
    func valuesTakenOut() {
        var counts = ValueCounts([1, 2, 2, 3, .nan])
        let held = [counts.add(2, count: -1), counts.add(.nan, count: -1), counts.add(3, count: -1)]
        #expect(held == [true, true, true])
        #expect(counts == ValueCounts([1, 2]), "a value no longer counted is gone")
        #expect(counts.summary().maximum == 2 && counts.distinctCount == 2)
        // 7 was never counted, 2 was counted once, no missing value is left.
        let overdrawn = [counts.add(7, count: -1), counts.add(2, count: -2), counts.add(.nan, count: -1)]
        #expect(overdrawn == [false, false, false])
        #expect(counts == ValueCounts([1]))
    }
}
