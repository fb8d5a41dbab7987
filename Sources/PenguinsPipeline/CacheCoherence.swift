import Foundation
import PenguinsStorage

/// What one pass of ``CacheCoherence`` did to the prediction cache.
public struct CacheReconciliation: Codable, Sendable, Equatable {
    /// The warehouse change the cache is now coherent with (its sequence number).
    public var through: Int64
    /// Distinct rows whose entries were removed.
    public var invalidated: Int
    /// True when the whole cache was emptied instead: too many changes at once, a change log
    /// pruned past the cache's position, or a cache that never recorded one.
    public var cleared: Bool

    public init(through: Int64, invalidated: Int, cleared: Bool) {
        self.through = through
        self.invalidated = invalidated
        self.cleared = cleared
    }

    /// True when the pass removed anything.
    public var changedCache: Bool { cleared || invalidated > 0 }
}

/// Keeps a prediction cache coherent with its warehouse: a cached prediction is dropped once
/// the values it was computed from change, whichever process changed them. The penguins' cache
/// follows their warehouse, each dataset's cache its own (``init(stores:)``).
///
/// The warehouse logs every change of a stored row's prediction inputs under an increasing
/// sequence number (``ChangeLog/changes(after:limit:)``). A pass reads the log after a position,
/// removes the changed rows' entries from the cache (every registered model version), and
/// answers the new position. A cache records its own position
/// (``PredictionCache/coherentThrough()``), shared by every process that uses it, so a pass that
/// could not reach the cache is made up for by the next one, in any process.
///
/// Who runs passes: ingestion after each batch (so a shared cache is corrected at once), batch
/// scoring, and every API server every half second from a position of its own (so its
/// in-process cache follows changes made by other processes, and a shared cache is corrected a
/// second time should a lookup have refilled it from a read taken before the change).
public struct CacheCoherence: Sendable {
    /// The warehouse's change log.
    public var warehouse: any ChangeLog
    public var cache: any CoherentCache
    /// The registry whose versions key the cache's entries.
    public var registry: any ModelRegistry
    /// The most changed rows removed one by one in a pass; beyond it the cache is emptied,
    /// which is cheaper and as correct.
    public var clearThreshold: Int

    public init(warehouse: any ChangeLog, cache: any CoherentCache, registry: any ModelRegistry, clearThreshold: Int = 50_000) {
        self.warehouse = warehouse
        self.cache = cache
        self.registry = registry
        self.clearThreshold = clearThreshold
    }

    /// The penguins' stores of `platform`.
    public init(platform: Platform) {
        self.init(warehouse: platform.warehouse, cache: platform.cache, registry: platform.registry)
    }

    /// The stores of one dataset.
    public init(stores: DatasetStores) {
        self.init(warehouse: stores.warehouse, cache: stores.cache, registry: stores.registry)
    }

    /// Removes the entries of the rows changed after `position` and answers the new
    /// position. Does not record it in the cache (see ``reconcile()``).
    public func invalidate(after position: Int64) async throws -> CacheReconciliation {
        try await apply(changes(after: position))
    }

    /// The changes after `position` that a pass would apply.
    public func changes(after position: Int64) async throws -> WarehouseChanges {
        try await warehouse.changes(after: position, limit: clearThreshold)
    }

    /// Removes the entries of the rows in `changes`, or empties the cache when the changes
    /// are incomplete.
    public func apply(_ changes: WarehouseChanges) async throws -> CacheReconciliation {
        guard changes.isComplete else {
            // Read before emptying: what changes after this read is after the new position.
            let latest = try await warehouse.latestChange()
            try await cache.removeAll()
            return CacheReconciliation(through: latest, invalidated: 0, cleared: true)
        }
        var seen: Set<String> = []
        let ids = changes.ids.filter { seen.insert($0).inserted }
        try await remove(ids)
        return CacheReconciliation(through: changes.through, invalidated: ids.count, cleared: false)
    }

    /// Removes the entries of these rows by every registered model version.
    public func remove(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        let versions = try await registry.versions().map(\.version)
        try await cache.remove(ids: ids, modelVersions: versions)
    }

    /// One pass from the cache's own recorded position, then records the new one. A cache with
    /// no recorded position is emptied (any entry in it may be stale) and starts at the
    /// warehouse's newest change.
    @discardableResult
    public func reconcile() async throws -> CacheReconciliation {
        let result: CacheReconciliation
        if let position = try await cache.coherentThrough() {
            result = try await invalidate(after: position)
            if result.through == position && !result.changedCache { return result }
        } else {
            try await cache.removeAll()
            result = CacheReconciliation(through: try await warehouse.latestChange(), invalidated: 0, cleared: true)
        }
        try await cache.setCoherentThrough(result.through)
        return result
    }
}
