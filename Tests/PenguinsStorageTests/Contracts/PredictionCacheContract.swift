import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The behaviour every ``PenguinPredictionCache`` backend must show. `makeCache` returns an empty
/// cache reading time from the given clock.
func checkPredictionCacheContract(
    _ makeCache: (ManualClock) async throws -> PenguinPredictionCache
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
    try await cache.store([("p-1", byVersion1), ("p-5", byVersion2)], ttlSeconds: PenguinPredictionCache.defaultTTLSeconds)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == byVersion1)
    #expect(try await cache.count() == 2)
    try await cache.removeAll()
    #expect(try await cache.count() == 0)
    #expect(try await cache.prediction(penguinID: "p-5", modelVersion: 2) == nil)
}

/// Removal by penguin and the recorded coherence position, for every ``PenguinPredictionCache``
/// backend. `cache` must start empty with no position; `removesEveryVersion` says whether the
/// backend removes an id's entries by versions it was not given (SQLite's key starts with the id).
func checkPredictionCacheRemoval(_ cache: PenguinPredictionCache, removesEveryVersion: Bool) async throws {
    #expect(try await cache.coherentThrough() == nil)
    let version1 = Fixtures.prediction(.adelie, version: 1)
    let version2 = Fixtures.prediction(.gentoo, version: 2)
    let version3 = Fixtures.prediction(.chinstrap, version: 3)
    try await cache.store([("p-1", version1), ("p-1", version2), ("p-1", version3), ("p-2", version1), ("p-3", version2)], ttlSeconds: 600)
    #expect(try await cache.count() == 5)

    // Both versions named go; the unnamed one goes only where the backend removes every version.
    try await cache.remove(ids: ["p-1", "p-3", "nobody"], modelVersions: [1, 2])
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == nil)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 2) == nil)
    #expect(try await cache.prediction(penguinID: "p-3", modelVersion: 2) == nil)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 3) == (removesEveryVersion ? nil : version3))
    #expect(try await cache.prediction(penguinID: "p-2", modelVersion: 1) == version1)
    #expect(try await cache.count() == (removesEveryVersion ? 1 : 2))
    try await cache.remove(ids: [], modelVersions: [1])
    #expect(try await cache.count() == (removesEveryVersion ? 1 : 2))

    // The position is recorded, overwritten, and survives emptying the cache.
    try await cache.setCoherentThrough(7)
    #expect(try await cache.coherentThrough() == 7)
    try await cache.setCoherentThrough(42)
    try await cache.removeAll()
    #expect(try await cache.count() == 0)
    #expect(try await cache.coherentThrough() == 42)
}
