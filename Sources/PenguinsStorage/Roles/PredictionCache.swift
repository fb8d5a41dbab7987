import PenguinsCore

/// Hot predictions by penguin id with a time to live. Keys carry the model version, so a
/// promoted model never reads a prediction another version wrote.
public protocol PredictionCache: Sendable {
    /// The cached prediction of `penguinID` by `modelVersion`, or nil when absent or expired.
    func prediction(penguinID: String, modelVersion: Int) async throws -> Prediction?
    /// Stores predictions (each under its own `modelVersion`) for `ttlSeconds`; rewriting a key refreshes its TTL.
    func store(_ predictions: [(penguinID: String, prediction: Prediction)], ttlSeconds: Int) async throws
    /// Removes the entries of these penguins by each of `modelVersions` (a backend that can
    /// remove every version of an id at no extra cost does so).
    func remove(penguinIDs: [String], modelVersions: [Int]) async throws
    /// Removes every entry.
    func removeAll() async throws
    /// Number of live entries.
    func count() async throws -> Int

    /// The warehouse change (its sequence number, see ``WarehouseChanges``) up to which the
    /// entries of changed penguins have been removed from this cache; nil when never recorded,
    /// in which case any entry may be stale. Kept with the entries, so every process that shares
    /// the cache shares it.
    func coherentThrough() async throws -> Int64?
    /// Records the warehouse change up to which this cache is coherent.
    func setCoherentThrough(_ sequence: Int64) async throws
}

extension PredictionCache {
    /// The default time to live of a cached prediction: one hour.
    public static var defaultTTLSeconds: Int { 3600 }
}
