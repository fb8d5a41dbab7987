import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The behaviour every ``PredictionCache`` backend must show. `makeCache` returns an empty
/// cache reading time from the given clock.
func checkPredictionCacheContract<Cache: PredictionCache>(
    _ makeCache: (ManualClock) async throws -> Cache
) async throws {
    let clock = ManualClock()
    let cache = try await makeCache(clock)
    let (byVersion1, byVersion2) = try await checkKeysCarryTheModelVersion(cache)

    // Expiry: alive until the TTL has fully elapsed, invisible from then on.
    clock.advance(by: 59)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == byVersion1)
    clock.advance(by: 1)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == nil)
    #expect(try await cache.count() == 0)

    // Rewriting a key refreshes its TTL.
    try await cache.store([("p-3", byVersion1), ("p-4", byVersion1)], ttlSeconds: 60)
    clock.advance(by: 50)
    try await cache.store([("p-3", byVersion1)], ttlSeconds: 60)
    clock.advance(by: 30)
    #expect(try await cache.prediction(penguinID: "p-3", modelVersion: 1) == byVersion1)
    #expect(try await cache.prediction(penguinID: "p-4", modelVersion: 1) == nil)
    #expect(try await cache.count() == 1)
    clock.advance(by: 31)
    #expect(try await cache.prediction(penguinID: "p-3", modelVersion: 1) == nil)

    // An expired key can be stored again, and removeAll empties the cache.
    try await cache.store([("p-1", byVersion1), ("p-5", byVersion2)], ttlSeconds: Cache.defaultTTLSeconds)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == byVersion1)
    #expect(try await cache.count() == 2)
    try await cache.removeAll()
    #expect(try await cache.count() == 0)
    #expect(try await cache.prediction(penguinID: "p-5", modelVersion: 2) == nil)
}
