import PenguinsML
import Testing

@Suite struct SeededGeneratorTests {
    @Test func sameSeedSameSequence() {
        var first = SeededGenerator(seed: 7)
        var second = SeededGenerator(seed: 7)
        var other = SeededGenerator(seed: 8)
        let a = (0..<100).map { _ in first.next() }
        let b = (0..<100).map { _ in second.next() }
        let c = (0..<100).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func unitIntervalIsUniform() {
        var generator = SeededGenerator(seed: 1)
        let draws = (0..<100_000).map { _ in generator.nextUnitInterval() }
        #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = draws.reduce(0, +) / Double(draws.count)
        // Standard error of the mean is 0.29 / sqrt(1e5) ≈ 0.0009.
        #expect(abs(mean - 0.5) < 0.005)
    }

    @Test func indicesCoverTheRangeEvenly() {
        var generator = SeededGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.nextIndex(below: 7)] += 1 }
        // Expected 10 000 each, standard deviation ≈ 93.
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test func derivedSeedsDiffer() {
        let seeds = Set((0..<1_000).map { SeededGenerator.derivedSeed(42, stream: $0) })
        #expect(seeds.count == 1_000)
        #expect(SeededGenerator.derivedSeed(42, stream: 3) == SeededGenerator.derivedSeed(42, stream: 3))
    }
}
