import PenguinsCore
import Testing
@testable import PenguinsStatistics

@Suite("Radix sort of Double samples")
struct RadixSortTests {
    @Test("orders like the comparison sort, including negatives, zeros and infinities")
    func matchesComparisonSort() {
        var generator = SplitMix64(seed: 42)
        var values = (0..<10_000).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
        values += [0, -0.0, .infinity, -.infinity, 1e-310, -1e-310, .greatestFiniteMagnitude, -5, -5, 3]
        values += (0..<3_000).map { Double($0 % 17) }
        let sorted = RadixSort.sorted(values)
        let reference = values.sorted()
        #expect(sorted.count == reference.count)
        // -0.0 and 0.0 compare equal, so compare numerically.
        #expect(zip(sorted, reference).allSatisfy { $0 == $1 })
    }

    @Test("samples that share their high or low bits sort correctly")
    func skippedPasses() {
        let wholeNumbers = (0..<5_000).map { Double(3000 + ($0 * 7919) % 2500) }
        #expect(RadixSort.sorted(wholeNumbers) == wholeNumbers.sorted())
        let constant = [Double](repeating: 4.25, count: 4_096)
        #expect(RadixSort.sorted(constant) == constant)
    }
}
