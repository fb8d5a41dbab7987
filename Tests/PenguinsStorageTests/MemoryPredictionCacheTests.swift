import Foundation
import PenguinsStorage
import Testing

/// What only the in-process cache offers: a bound on its size.
@Suite struct MemoryPredictionCacheTests {
    @Test func aBoundedCacheEvictsTheEntriesClosestToExpiry() async throws {
        let clock = ManualClock()
        let cache = PenguinPredictionCache(records: MemoryRecordPredictionCache(maximumEntryCount: 3, now: clock.reading))
        let prediction = Fixtures.prediction(.adelie, version: 1)
        try await cache.store([("p-1", prediction), ("p-2", prediction)], ttlSeconds: 60)
        clock.advance(by: 10)
        try await cache.store([("p-3", prediction)], ttlSeconds: 60)
        clock.advance(by: 10)
        try await cache.store([("p-4", prediction)], ttlSeconds: 60)
        #expect(try await cache.count() == 3)
        // p-1 and p-2 expire first; one of them made room for p-4.
        let survivors = await ["p-1", "p-2"].asyncFilter { (try? await cache.prediction(penguinID: $0, modelVersion: 1)) ?? nil != nil }
        #expect(survivors.count == 1)
        #expect(try await cache.prediction(penguinID: "p-3", modelVersion: 1) == prediction)
        #expect(try await cache.prediction(penguinID: "p-4", modelVersion: 1) == prediction)
    }
}

extension Array {
    func asyncFilter(_ isIncluded: (Element) async -> Bool) async -> [Element] {
        var result: [Element] = []
        for element in self where await isIncluded(element) { result.append(element) }
        return result
    }
}
