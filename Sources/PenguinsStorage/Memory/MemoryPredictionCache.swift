import Foundation
import PenguinsCore

/// The in-process prediction cache: entries keyed by (penguin id, model version), each with an
/// expiry time read from an injected clock, so tests move time instead of sleeping.
///
/// An entry whose expiry time is not after ``now`` is invisible; expired entries are purged
/// by a store once the cache has doubled since the last purge (amortised constant time). With a ``maximumEntryCount``, a store that overflows it evicts
/// the entries closest to expiry first (the ones written longest ago under one TTL).
public actor MemoryPredictionCache: PredictionCache {
    private struct Key: Hashable {
        var penguinID: String
        var modelVersion: Int
    }

    private var entries: [Key: (prediction: Prediction, expiresAt: Date)] = [:]
    private let now: @Sendable () -> Date
    /// The entry count at which the next store purges expired entries.
    private var purgeThreshold = 1024
    private var coherentSequence: Int64?
    /// The most entries kept, or nil for no bound.
    public let maximumEntryCount: Int?

    /// An empty cache reading time from `now`, optionally bounded to `maximumEntryCount` entries.
    public init(maximumEntryCount: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        precondition(maximumEntryCount.map { $0 > 0 } ?? true, "maximumEntryCount must be positive")
        self.maximumEntryCount = maximumEntryCount
        self.now = now
    }

    /// The cached prediction of `penguinID` by `modelVersion`, or nil when absent or expired.
    public func prediction(penguinID: String, modelVersion: Int) -> Prediction? {
        guard let entry = entries[Key(penguinID: penguinID, modelVersion: modelVersion)], entry.expiresAt > now() else {
            return nil
        }
        return entry.prediction
    }

    /// Stores predictions for `ttlSeconds`, refreshing the expiry of keys written again.
    public func store(_ predictions: [(penguinID: String, prediction: Prediction)], ttlSeconds: Int) {
        let now = now()
        let expiresAt = now.addingTimeInterval(Double(ttlSeconds))
        if entries.count >= purgeThreshold {
            entries = entries.filter { $0.value.expiresAt > now }
            purgeThreshold = max(1024, 2 * entries.count)
        }
        for (penguinID, prediction) in predictions {
            entries[Key(penguinID: penguinID, modelVersion: prediction.modelVersion)] = (prediction, expiresAt)
        }
        if let maximumEntryCount, entries.count > maximumEntryCount {
            let overflow = entries.sorted { $0.value.expiresAt < $1.value.expiresAt }.prefix(entries.count - maximumEntryCount)
            for (key, _) in overflow { entries[key] = nil }
        }
    }

    /// Removes the entries of these penguins by each of `modelVersions`.
    public func remove(penguinIDs: [String], modelVersions: [Int]) {
        for penguinID in penguinIDs {
            for modelVersion in modelVersions { entries[Key(penguinID: penguinID, modelVersion: modelVersion)] = nil }
        }
    }

    /// Removes every entry.
    public func removeAll() {
        entries = [:]
    }

    /// The warehouse change up to which this cache is coherent, or nil before the first record.
    public func coherentThrough() -> Int64? {
        coherentSequence
    }

    /// Records the warehouse change up to which this cache is coherent.
    public func setCoherentThrough(_ sequence: Int64) {
        coherentSequence = sequence
    }

    /// The number of live (unexpired) entries.
    public func count() -> Int {
        let now = now()
        return entries.values.filter { $0.expiresAt > now }.count
    }
}
