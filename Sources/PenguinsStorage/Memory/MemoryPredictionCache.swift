import Foundation
import PenguinsCore
import Synchronization

/// Entries keyed by (id, model version), each with an expiry time: what both in-process
/// prediction caches hold.
///
/// An entry whose expiry time is not after `now` is invisible; expired entries are purged by a
/// store once the table has doubled since the last purge (amortised constant time). With a
/// maximum entry count, a store that overflows it evicts the entries closest to expiry first
/// (the ones written longest ago under one TTL).
struct ExpiringEntries<Value: Sendable>: Sendable {
    private struct Key: Hashable {
        var id: String
        var modelVersion: Int
    }

    private var entries: [Key: (value: Value, expiresAt: Date)] = [:]
    /// The entry count at which the next store purges expired entries.
    private var purgeThreshold = 1024
    let maximumEntryCount: Int?
    var coherentThrough: Int64?

    init(maximumEntryCount: Int?) {
        precondition(maximumEntryCount.map { $0 > 0 } ?? true, "maximumEntryCount must be positive")
        self.maximumEntryCount = maximumEntryCount
    }

    func value(id: String, modelVersion: Int, now: Date) -> Value? {
        guard let entry = entries[Key(id: id, modelVersion: modelVersion)], entry.expiresAt > now else { return nil }
        return entry.value
    }

    mutating func store(_ values: some Sequence<(id: String, modelVersion: Int, value: Value)>, ttlSeconds: Int, now: Date) {
        let expiresAt = now.addingTimeInterval(Double(ttlSeconds))
        if entries.count >= purgeThreshold {
            entries = entries.filter { $0.value.expiresAt > now }
            purgeThreshold = max(1024, 2 * entries.count)
        }
        for (id, modelVersion, value) in values {
            entries[Key(id: id, modelVersion: modelVersion)] = (value, expiresAt)
        }
        if let maximumEntryCount, entries.count > maximumEntryCount {
            let overflow = entries.sorted { $0.value.expiresAt < $1.value.expiresAt }.prefix(entries.count - maximumEntryCount)
            for (key, _) in overflow { entries[key] = nil }
        }
    }

    mutating func remove(ids: [String], modelVersions: [Int]) {
        for id in ids {
            for modelVersion in modelVersions { entries[Key(id: id, modelVersion: modelVersion)] = nil }
        }
    }

    mutating func removeAll() { entries = [:] }

    func count(now: Date) -> Int { entries.values.filter { $0.expiresAt > now }.count }
}

/// The in-process prediction cache of one dataset: entries keyed by (id, model version), each
/// with an expiry time read from an injected clock, so tests move time instead of sleeping.
///
/// An entry whose expiry time is not after `now` is invisible; expired entries are purged by a
/// store once the cache has doubled since the last purge (amortised constant time). With a
/// ``maximumEntryCount``, a store that overflows it evicts the entries closest to expiry first
/// (the ones written longest ago under one TTL).
public actor MemoryRecordPredictionCache: RecordPredictionCache {
    private var entries: ExpiringEntries<RecordPrediction>
    private let now: @Sendable () -> Date
    /// The most entries kept, or nil for no bound.
    public let maximumEntryCount: Int?

    /// An empty cache reading time from `now`, optionally bounded to `maximumEntryCount` entries.
    public init(maximumEntryCount: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        entries = ExpiringEntries(maximumEntryCount: maximumEntryCount)
        self.maximumEntryCount = maximumEntryCount
        self.now = now
    }

    public func prediction(id: String, modelVersion: Int) -> RecordPrediction? {
        entries.value(id: id, modelVersion: modelVersion, now: now())
    }

    public func store(_ predictions: [(id: String, prediction: RecordPrediction)], ttlSeconds: Int) {
        entries.store(predictions.lazy.map { ($0.id, $0.prediction.modelVersion, $0.prediction) }, ttlSeconds: ttlSeconds, now: now())
    }

    public func remove(ids: [String], modelVersions: [Int]) { entries.remove(ids: ids, modelVersions: modelVersions) }

    public func removeAll() { entries.removeAll() }

    public func coherentThrough() -> Int64? { entries.coherentThrough }

    public func setCoherentThrough(_ sequence: Int64) { entries.coherentThrough = sequence }

    public func count() -> Int { entries.count(now: now()) }
}

/// The in-process caches of datasets: one ``MemoryRecordPredictionCache`` per dataset, made on
/// first use, each bounded like the penguins' cache of the same process.
public final class MemoryRecordPredictionCaches: RecordPredictionCaches {
    private let caches = Mutex<[String: MemoryRecordPredictionCache]>([:])
    private let maximumEntryCount: Int?
    private let now: @Sendable () -> Date

    public init(maximumEntryCount: Int? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maximumEntryCount = maximumEntryCount
        self.now = now
    }

    public func cache(ofDataset name: String) -> any RecordPredictionCache {
        caches.withLock { caches in
            if let cache = caches[name] { return cache }
            let cache = MemoryRecordPredictionCache(maximumEntryCount: maximumEntryCount, now: now)
            caches[name] = cache
            return cache
        }
    }
}
