import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The part of the ``PenguinPredictionCache`` contract that needs no clock: keys carry the model
/// version, count, removeAll, and storing again. For a cache whose expiry runs on a server's
/// clock (Redis); the TTL is tested there with real time. `cache` must start empty.
func checkPredictionCacheKeysContract(_ cache: PenguinPredictionCache) async throws {
    let (_, byVersion2) = try await checkKeysCarryTheModelVersion(cache)

    // Rewriting a key replaces its value.
    let rewritten = Fixtures.prediction(.gentoo, version: 1, at: 1_700_000_500)
    try await cache.store([("p-2", rewritten)], ttlSeconds: 60)
    #expect(try await cache.prediction(penguinID: "p-2", modelVersion: 1) == rewritten)
    #expect(try await cache.count() == 3)

    // removeAll empties the cache, which can be filled again.
    try await cache.removeAll()
    #expect(try await cache.count() == 0)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 2) == nil)
    try await cache.store([("p-5", byVersion2)], ttlSeconds: 60)
    #expect(try await cache.prediction(penguinID: "p-5", modelVersion: 2) == byVersion2)
    #expect(try await cache.count() == 1)
}

/// The start of both cache contracts, on an empty cache: keys carry the model version. Leaves
/// three entries (p-1 by versions 1 and 2, p-2 by version 1) and returns the two predictions.
func checkKeysCarryTheModelVersion(_ cache: PenguinPredictionCache) async throws -> (Prediction, Prediction) {
    let byVersion1 = Fixtures.prediction(.adelie, version: 1)
    let byVersion2 = Fixtures.prediction(.chinstrap, version: 2)

    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == nil)
    #expect(try await cache.count() == 0)

    // Keys carry the model version.
    try await cache.store([("p-1", byVersion1)], ttlSeconds: 60)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == byVersion1)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 2) == nil)
    #expect(try await cache.prediction(penguinID: "p-2", modelVersion: 1) == nil)
    try await cache.store([("p-1", byVersion2), ("p-2", byVersion1)], ttlSeconds: 60)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == byVersion1)
    #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 2) == byVersion2)
    #expect(try await cache.count() == 3)
    return (byVersion1, byVersion2)
}
