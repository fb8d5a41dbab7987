import PenguinsStorage
@testable import PenguinsServer
import Testing

struct ShadowComparisonCacheTests {
    let comparison = ShadowComparison(modelVersion: 3, compared: 10, agreed: 9, disagreements: [])

    @Test func aComparisonIsReusedForItsVersionOnly() {
        let cache = ShadowComparisonCache()
        #expect(cache.value(forVersion: 3) == nil)
        cache.store(comparison, forVersion: 3)
        #expect(cache.value(forVersion: 3) == .some(comparison))
        #expect(cache.value(forVersion: 4) == nil)
    }

    @Test func thatNoRowHasBothPredictionsIsReusedToo() {
        let cache = ShadowComparisonCache()
        cache.store(nil, forVersion: 3)
        #expect(cache.value(forVersion: 3) == .some(nil))
    }

    @Test func anExpiredComparisonIsComputedAgain() {
        let cache = ShadowComparisonCache(lifetime: .zero)
        cache.store(comparison, forVersion: 3)
        #expect(cache.value(forVersion: 3) == nil)
    }
}
