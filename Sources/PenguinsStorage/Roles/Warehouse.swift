import Foundation
import PenguinsCore

/// A warehouse row: the analytical columns of a penguin plus the latest batch prediction.
public struct WarehouseRow: Hashable, Sendable {
    public var penguin: Penguin
    /// The prediction columns (predicted species, confidence, model version, predicted at); nil until scored.
    public var prediction: Prediction?
    public init(penguin: Penguin, prediction: Prediction?) {
        self.penguin = penguin
        self.prediction = prediction
    }
}

/// Position in an island scan: rows come ordered by species, then penguin id.
public struct WarehouseCursor: Hashable, Sendable {
    public var species: Species
    public var penguinID: String
    public init(species: Species, penguinID: String) {
        self.species = species
        self.penguinID = penguinID
    }
}

/// Counts and means of one island's rows.
public struct IslandAggregate: Hashable, Sendable, Codable {
    public var island: Island
    public var count: Int
    public var usableForTraining: Int
    public var scored: Int
    public var countBySpecies: [Species: Int]
    /// Mean of each feature over rows where it is present.
    public var means: [Feature: Double]
    public init(island: Island, count: Int, usableForTraining: Int, scored: Int, countBySpecies: [Species: Int], means: [Feature: Double]) {
        self.island = island
        self.count = count
        self.usableForTraining = usableForTraining
        self.scored = scored
        self.countBySpecies = countBySpecies
        self.means = means
    }
}

/// Penguins whose prediction inputs changed, read from the warehouse's change log.
///
/// Every upsert that changes a stored row's island, species or measurements (the inputs that
/// clear its prediction columns) appends the penguin's id to the log under a new, increasing
/// sequence number, in the same transaction as the change. Caches follow the log to drop the
/// predictions computed from old measurements (see `CacheCoherence` in the pipeline).
public struct WarehouseChanges: Hashable, Sendable {
    /// The ids changed after the requested sequence number, oldest change first, at most the
    /// requested limit; an id changed twice appears twice.
    public var penguinIDs: [String]
    /// The sequence number of the last change returned, or of the newest change when none is.
    public var through: Int64
    /// False when changes after the requested sequence number may be missing: more than the
    /// limit were made, or the log was pruned past it. A reader then assumes everything changed.
    public var isComplete: Bool

    public init(penguinIDs: [String], through: Int64, isComplete: Bool) {
        self.penguinIDs = penguinIDs
        self.through = through
        self.isComplete = isComplete
    }
}

/// The analytical warehouse, partitioned by island and keyed (island, species, penguin id).
///
/// Only the warehouse columns of a ``Penguin`` are kept (id, species, island, measurements,
/// sex, year); `otherFields` come back empty.
public protocol Warehouse: Sendable {
    /// Inserts or updates rows by penguin id. Prediction columns survive an upsert whose
    /// measurements are unchanged and are cleared when they change.
    func upsert(_ penguins: [Penguin]) async throws
    func row(id: String) async throws -> WarehouseRow?
    /// One island's rows ordered by species then penguin id, after `after`, at most `limit`.
    func scan(island: Island, after: WarehouseCursor?, limit: Int) async throws -> [WarehouseRow]
    /// Every row, in pages of `batchSize`, handed to `body` in key order. Memory stays bounded by one page.
    func forEachBatch(batchSize: Int, _ body: ([WarehouseRow]) async throws -> Void) async throws
    /// Writes prediction columns for existing rows (by penguin id); unknown ids are ignored.
    func writePredictions(_ predictions: [(penguinID: String, prediction: Prediction)]) async throws
    func aggregatesByIsland() async throws -> [IslandAggregate]
    func count() async throws -> Int

    /// The sequence number of the newest change in the change log (0 when nothing ever changed).
    func latestChange() async throws -> Int64
    /// The changes logged after sequence number `after`, at most `limit` (see ``WarehouseChanges``).
    func changes(after: Int64, limit: Int) async throws -> WarehouseChanges
    /// Drops log entries older than `date`, always keeping the newest one, so
    /// ``latestChange()`` never goes back.
    func pruneChanges(before date: Date) async throws
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
        _ entries: [(sequence: Int64, penguinID: String)], after: Int64, limit: Int, oldest: Int64?, latest: Int64
    ) -> WarehouseChanges {
        guard after <= latest else { return WarehouseChanges(penguinIDs: [], through: latest, isComplete: false) }
        let kept = entries.prefix(max(limit, 0))
        let pruned = oldest.map { after < $0 - 1 } ?? false
        return WarehouseChanges(
            penguinIDs: kept.map(\.penguinID),
            through: kept.last?.sequence ?? latest,
            isComplete: entries.count <= limit && !pruned
        )
    }
}
