import Foundation

/// A warehouse's log of changed prediction inputs (see ``WarehouseChanges``): what keeps a
/// prediction cache coherent with the rows it was computed from.
public protocol ChangeLog: Sendable {
    /// The sequence number of the newest change in the change log (0 when nothing ever changed).
    func latestChange() async throws -> Int64
    /// The changes logged after sequence number `after`, at most `limit` (see ``WarehouseChanges``).
    func changes(after: Int64, limit: Int) async throws -> WarehouseChanges
    /// Drops log entries older than `date`, always keeping the newest one, so
    /// ``latestChange()`` never goes back.
    func pruneChanges(before date: Date) async throws
}

/// Rows whose prediction inputs changed, read from a warehouse's change log.
///
/// Every upsert that changes a stored row's prediction inputs (its target or features: what
/// clears its prediction columns) appends the
/// row's id to the log under a new, increasing sequence number, in the same transaction as the
/// change. Caches follow the log to drop the predictions computed from old values (see
/// `CacheCoherence` in the pipeline).
public struct WarehouseChanges: Hashable, Sendable {
    /// The ids changed after the requested sequence number, oldest change first, at most the
    /// requested limit; an id changed twice appears twice.
    public var ids: [String]
    /// The sequence number of the last change returned, or of the newest change when none is.
    public var through: Int64
    /// False when changes after the requested sequence number may be missing: more than the
    /// limit were made, or the log was pruned past it. A reader then assumes everything changed.
    public var isComplete: Bool

    public init(ids: [String], through: Int64, isComplete: Bool) {
        self.ids = ids
        self.through = through
        self.isComplete = isComplete
    }
}

extension WarehouseChanges {
    /// The answer of a change log to `changes(after:limit:)`, the rule every backend shares:
    /// `entries` are the retained entries after `after`, oldest first (at most `limit + 1` read),
    /// `oldest` the sequence number of the oldest retained entry (nil when the log is empty) and
    /// `latest` of the newest (0 when empty).
    ///
    /// Complete when no more than `limit` entries follow `after` and none between `after` and the
    /// oldest retained entry was pruned. A cursor beyond `latest` belongs to another (since
    /// recreated) warehouse: incomplete too, and `through` falls back to `latest`.
    public static func reading(
        _ entries: [(sequence: Int64, id: String)], after: Int64, limit: Int, oldest: Int64?, latest: Int64
    ) -> WarehouseChanges {
        guard after <= latest else { return WarehouseChanges(ids: [], through: latest, isComplete: false) }
        let kept = entries.prefix(max(limit, 0))
        let pruned = oldest.map { after < $0 - 1 } ?? false
        return WarehouseChanges(
            ids: kept.map(\.id),
            through: kept.last?.sequence ?? latest,
            isComplete: entries.count <= limit && !pruned
        )
    }
}

/// A change log held in memory, for the in-memory warehouses.
struct MemoryChangeLog: Sendable {
    private var entries: [(sequence: Int64, id: String, changedAt: Date)] = []
    private var lastSequence: Int64 = 0

    /// Logs a change of `id`'s prediction inputs.
    mutating func append(_ id: String, at date: Date) {
        lastSequence += 1
        entries.append((lastSequence, id, date))
    }

    var latestChange: Int64 { entries.last?.sequence ?? 0 }

    func changes(after: Int64, limit: Int) -> WarehouseChanges {
        let start = entries.firstIndex { $0.sequence > after } ?? entries.endIndex
        let read = entries[start...].prefix(max(limit, 0) + 1).map { ($0.sequence, $0.id) }
        return .reading(read, after: after, limit: limit, oldest: entries.first?.sequence, latest: latestChange)
    }

    mutating func prune(before date: Date) {
        guard let newest = entries.last else { return }
        entries.removeAll { $0.changedAt < date && $0.sequence != newest.sequence }
    }
}
