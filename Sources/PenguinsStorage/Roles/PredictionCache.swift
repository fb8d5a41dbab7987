import PenguinsCore

/// What keeps a prediction cache coherent with its warehouse: removing entries by id and model
/// version, emptying, and the position in the warehouse's change log up to which changed rows
/// have been removed (see `CacheCoherence` in the pipeline).
public protocol CoherentCache: Sendable {
    /// Removes the entries of these ids by each of `modelVersions` (a backend that can remove
    /// every version of an id at no extra cost does so).
    func remove(ids: [String], modelVersions: [Int]) async throws
    /// Removes every entry.
    func removeAll() async throws
    /// Number of live entries.
    func count() async throws -> Int

    /// The warehouse change (its sequence number, see ``WarehouseChanges``) up to which the
    /// entries of changed rows have been removed from this cache; nil when never recorded,
    /// in which case any entry may be stale. Kept with the entries, so every process that shares
    /// the cache shares it.
    func coherentThrough() async throws -> Int64?
    /// Records the warehouse change up to which this cache is coherent.
    func setCoherentThrough(_ sequence: Int64) async throws
}

extension CoherentCache {
    /// The default time to live of a cached prediction: one hour.
    public static var defaultTTLSeconds: Int { 3600 }
}

/// Hot predictions of one dataset's rows by id with a time to live, apart from every other
/// dataset's. Keys carry the dataset (the penguins' those of the platform's first cache) and the
/// model version, so a promoted model never reads a prediction another version wrote.
public protocol RecordPredictionCache: CoherentCache {
    /// The cached prediction of row `id` by `modelVersion`, or nil when absent or expired.
    func prediction(id: String, modelVersion: Int) async throws -> RecordPrediction?
    /// Stores predictions (each under its own model version) for `ttlSeconds`; rewriting a key refreshes its TTL.
    func store(_ predictions: [(id: String, prediction: RecordPrediction)], ttlSeconds: Int) async throws
}

/// Where the prediction caches of datasets are kept: one per dataset, in the store that holds
/// the penguins' cache.
public protocol RecordPredictionCaches: Sendable {
    /// The cache of dataset `name` (the same entries for every call with that name).
    func cache(ofDataset name: String) -> any RecordPredictionCache
}
