import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// A prediction of an otter (``otterSchema(name:extraFeature:)``) by one model version.
func otterPrediction(_ predictedClass: Int, version: Int) -> RecordPrediction {
    RecordPrediction(
        predictedClass: predictedClass, probabilities: predictedClass == 0 ? [0.875, 0.125] : [0.0625, 0.9375],
        modelVersion: version, predictedAt: Date(timeIntervalSince1970: 1_800_000_000.5))
}

/// The behaviour every ``RecordPredictionCaches`` backend must show: each dataset's cache keyed
/// by id and model version, entries alive until their TTL, removal and the coherence position,
/// and the datasets' caches apart from each other. `caches` must hold no entries of the datasets
/// `otters` and `otters_b`. With a `clock`, expiry is checked by moving it.
func checkRecordPredictionCacheContract(
    _ caches: some RecordPredictionCaches, clock: ManualClock?, removesEveryVersion: Bool
) async throws {
    let cache = caches.cache(ofDataset: "otters")
    let other = caches.cache(ofDataset: "otters_b")
    #expect(try await cache.count() == 0)
    #expect(try await cache.coherentThrough() == nil)

    // Keys carry the id and the model version; values come back exactly.
    let byVersion1 = otterPrediction(0, version: 1)
    let byVersion2 = otterPrediction(1, version: 2)
    try await cache.store([("o1", byVersion1), ("o1", byVersion2), ("o2", byVersion1), ("o3", byVersion2)], ttlSeconds: 60)
    #expect(try await cache.prediction(id: "o1", modelVersion: 1) == byVersion1)
    #expect(try await cache.prediction(id: "o1", modelVersion: 2) == byVersion2)
    #expect(try await cache.prediction(id: "o2", modelVersion: 2) == nil)
    #expect(try await cache.prediction(id: "nobody", modelVersion: 1) == nil)
    #expect(try await cache.count() == 4)

    // Another dataset's cache is apart: it sees none of these, and emptying it keeps them.
    #expect(try await other.prediction(id: "o1", modelVersion: 1) == nil)
    #expect(try await other.count() == 0)
    try await other.store([("o1", byVersion2)], ttlSeconds: 60)
    #expect(try await other.prediction(id: "o1", modelVersion: 2) == byVersion2)
    try await other.removeAll()
    #expect(try await cache.count() == 4)
    // Asking for the same dataset again gives the same entries.
    #expect(try await caches.cache(ofDataset: "otters").prediction(id: "o2", modelVersion: 1) == byVersion1)

    // Removal by id: both versions named go, an unnamed one only where every version goes.
    try await cache.store([("o1", otterPrediction(0, version: 3))], ttlSeconds: 60)
    try await cache.remove(ids: ["o1", "nobody"], modelVersions: [1, 2])
    #expect(try await cache.prediction(id: "o1", modelVersion: 1) == nil)
    #expect(try await cache.prediction(id: "o1", modelVersion: 2) == nil)
    #expect(try await cache.prediction(id: "o1", modelVersion: 3) == (removesEveryVersion ? nil : otterPrediction(0, version: 3)))
    #expect(try await cache.prediction(id: "o3", modelVersion: 2) == byVersion2)

    // The position is the dataset's own, and survives emptying the cache.
    try await cache.setCoherentThrough(9)
    #expect(try await cache.coherentThrough() == 9)
    #expect(try await other.coherentThrough() == nil)
    try await cache.removeAll()
    #expect(try await cache.count() == 0)
    #expect(try await cache.coherentThrough() == 9)

    // Expiry: alive until the TTL has fully elapsed; rewriting a key refreshes it.
    guard let clock else { return }
    try await cache.store([("o4", byVersion1), ("o5", byVersion1)], ttlSeconds: 60)
    clock.advance(by: 50)
    try await cache.store([("o4", byVersion1)], ttlSeconds: 60)
    clock.advance(by: 10)
    #expect(try await cache.prediction(id: "o5", modelVersion: 1) == nil)
    #expect(try await cache.prediction(id: "o4", modelVersion: 1) == byVersion1)
    #expect(try await cache.count() == 1)
    clock.advance(by: 50)
    #expect(try await cache.prediction(id: "o4", modelVersion: 1) == nil)
    #expect(try await cache.count() == 0)
}

/// The change log of a dataset's warehouse after ``checkDatasetTablesContract(_:)`` wrote it:
/// the ids of stored records whose target or features changed, in order (`o2` re-measured,
/// then `o3` moved partition); new records, identical upserts and prediction writes log nothing.
func checkRecordChangeLog(_ warehouse: any RecordWarehouse, otherDataset: any RecordWarehouse) async throws {
    let latest = try await warehouse.latestChange()
    let all = try await warehouse.changes(after: 0, limit: 10)
    #expect(all == WarehouseChanges(ids: ["o2", "o3"], through: latest, isComplete: true))
    let first = try await warehouse.changes(after: 0, limit: 1)
    #expect(first.ids == ["o2"] && !first.isComplete)
    #expect(try await warehouse.changes(after: first.through, limit: 10) == WarehouseChanges(ids: ["o3"], through: latest, isComplete: true))
    #expect(try await warehouse.changes(after: latest, limit: 10) == WarehouseChanges(ids: [], through: latest, isComplete: true))
    #expect(try await otherDataset.latestChange() == 0)

    // A change of the target alone is a change too; an unchanged upsert is not.
    try await warehouse.upsert([otter("o1", kind: 0, site: 1, length: nil, coat: nil)])
    try await warehouse.upsert([otter("o1", kind: 0, site: 1, length: nil, coat: nil)])
    #expect(try await warehouse.changes(after: latest, limit: 10).ids == ["o1"])

    // Pruning keeps the newest entry, so the position never goes back; a reader from before the
    // pruned entries learns that it may have missed some.
    let newest = try await warehouse.latestChange()
    try await warehouse.pruneChanges(before: Date().addingTimeInterval(3_600))
    #expect(try await warehouse.latestChange() == newest)
    #expect(try await warehouse.changes(after: 0, limit: 10) == WarehouseChanges(ids: ["o1"], through: newest, isComplete: false))
    #expect(try await warehouse.changes(after: newest - 1, limit: 10) == WarehouseChanges(ids: ["o1"], through: newest, isComplete: true))
}
