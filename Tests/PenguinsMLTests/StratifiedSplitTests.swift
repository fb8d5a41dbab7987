import PenguinsML
import Testing

@Suite struct StratifiedSplitTests {
    let labels: [Int] = Array(repeating: 0, count: 152) + Array(repeating: 1, count: 68) + Array(repeating: 2, count: 124)

    @Test func eachClassSendsItsRoundedShareToTest() {
        let (train, test) = StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 42)
        // round(152 * 0.2) = 30, round(68 * 0.2) = 14, round(124 * 0.2) = 25
        #expect(test.filter { labels[$0] == 0 }.count == 30)
        #expect(test.filter { labels[$0] == 1 }.count == 14)
        #expect(test.filter { labels[$0] == 2 }.count == 25)
        #expect(train.count == labels.count - 69)
    }

    @Test func partsAreDisjointAndCoverEveryRow() {
        let (train, test) = StratifiedSplit.split(labels: labels, testFraction: 0.3, seed: 1)
        #expect(Set(train).isDisjoint(with: test))
        #expect((train + test).sorted() == Array(labels.indices))
        #expect(train == train.sorted() && test == test.sorted())
    }

    @Test func seedDeterminesTheSplit() {
        let first = StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 42)
        let again = StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 42)
        let other = StratifiedSplit.split(labels: labels, testFraction: 0.2, seed: 43)
        #expect(first.test == again.test)
        #expect(first.test != other.test)
    }

    @Test func extremeFractions() {
        let none = StratifiedSplit.split(labels: labels, testFraction: 0, seed: 42)
        #expect(none.train == Array(labels.indices))
        #expect(none.test.isEmpty)
        let all = StratifiedSplit.split(labels: labels, testFraction: 1, seed: 42)
        #expect(all.train.isEmpty)
        #expect(all.test.count == labels.count)
    }
}
