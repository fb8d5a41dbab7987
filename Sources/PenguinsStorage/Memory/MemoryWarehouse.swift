import Foundation
import PenguinsCore

/// The analytical warehouse held in memory, for tests and `memory://` stores. Same semantics
/// as ``SQLiteWarehouse``: rows keyed by penguin id, ordered (island, species, penguin id).
public actor MemoryWarehouse: Warehouse {
    private var rows: [String: WarehouseRow] = [:]
    /// The ids whose prediction inputs changed, in order.
    private var changeLog = MemoryChangeLog()

    /// An empty warehouse.
    public init() {}

    /// Inserts or updates rows by penguin id. The prediction is kept when island, species and
    /// measurements are unchanged and cleared otherwise; such a change of a stored row is logged.
    public func upsert(_ penguins: [Penguin]) {
        let now = Date()
        for penguin in penguins {
            var stored = penguin
            stored.otherFields = [:]
            let previous = rows[penguin.id]
            let keepsPrediction = previous.map {
                $0.penguin.island == penguin.island && $0.penguin.species == penguin.species
                    && $0.penguin.measurements == penguin.measurements
            } ?? false
            rows[penguin.id] = WarehouseRow(penguin: stored, prediction: keepsPrediction ? previous?.prediction : nil)
            if previous != nil && !keepsPrediction {
                changeLog.append(penguin.id, at: now)
            }
        }
    }

    /// The sequence number of the newest logged change, 0 when none.
    public func latestChange() -> Int64 {
        changeLog.latestChange
    }

    /// The changes logged after `after`, at most `limit`.
    public func changes(after: Int64, limit: Int) -> WarehouseChanges {
        changeLog.changes(after: after, limit: limit)
    }

    /// Drops log entries older than `date`, keeping the newest.
    public func pruneChanges(before date: Date) {
        changeLog.prune(before: date)
    }

    /// The row of one penguin, or nil.
    public func row(id: String) -> WarehouseRow? {
        rows[id]
    }

    /// One island's rows ordered by species then penguin id, after `after`, at most `limit`.
    public func scan(island: Island, after: WarehouseCursor?, limit: Int) -> [WarehouseRow] {
        let ordered = rows.values.filter { $0.penguin.island == island }.sorted(by: MemoryWarehouse.precedes)
        let start = after.map { cursor in
            ordered.firstIndex { row in
                MemoryWarehouse.compare(
                    (cursor.species.rawValue, cursor.penguinID), (row.penguin.species.rawValue, row.penguin.id)
                )
            } ?? ordered.endIndex
        } ?? ordered.startIndex
        return Array(ordered[start...].prefix(max(limit, 0)))
    }

    /// Every row in (island, species, penguin id) order, in pages of `batchSize`. The body runs
    /// outside the actor (it may be any caller's code), on a snapshot taken at the start.
    public nonisolated func forEachBatch(batchSize: Int, _ body: ([WarehouseRow]) async throws -> Void) async throws {
        precondition(batchSize > 0, "batchSize must be positive")
        let ordered = await orderedRows()
        var start = ordered.startIndex
        while start < ordered.endIndex {
            let end = min(start + batchSize, ordered.endIndex)
            try await body(Array(ordered[start..<end]))
            start = end
        }
    }

    private func orderedRows() -> [WarehouseRow] {
        rows.values.sorted(by: MemoryWarehouse.precedes)
    }

    /// Writes predictions for existing rows; unknown ids are ignored.
    public func writePredictions(_ predictions: [(penguinID: String, prediction: Prediction)]) {
        for (penguinID, prediction) in predictions where rows[penguinID] != nil {
            rows[penguinID]?.prediction = prediction
        }
    }

    /// Per-island counts and feature means, islands in alphabetical order.
    public func aggregatesByIsland() -> [IslandAggregate] {
        let byIsland = Dictionary(grouping: rows.values, by: \.penguin.island)
        return byIsland.keys.sorted { KeyOrder.precedes($0.rawValue, $1.rawValue) }.map { island in
            let islandRows = byIsland[island]!
            var means: [Feature: Double] = [:]
            for feature in Feature.allCases {
                let values = islandRows.compactMap { $0.penguin.measurements[feature] }
                if !values.isEmpty { means[feature] = values.reduce(0, +) / Double(values.count) }
            }
            return IslandAggregate(
                island: island,
                count: islandRows.count,
                usableForTraining: islandRows.filter(\.penguin.isUsableForTraining).count,
                scored: islandRows.filter { $0.prediction != nil }.count,
                countBySpecies: Dictionary(grouping: islandRows, by: \.penguin.species).mapValues(\.count),
                means: means
            )
        }
    }

    /// The number of rows.
    public func count() -> Int {
        rows.count
    }

    private static func precedes(_ lhs: WarehouseRow, _ rhs: WarehouseRow) -> Bool {
        if lhs.penguin.island != rhs.penguin.island {
            return KeyOrder.precedes(lhs.penguin.island.rawValue, rhs.penguin.island.rawValue)
        }
        return compare(
            (lhs.penguin.species.rawValue, lhs.penguin.id), (rhs.penguin.species.rawValue, rhs.penguin.id)
        )
    }

    /// True when the (species, penguin id) key `lhs` sorts before `rhs`.
    private static func compare(_ lhs: (String, String), _ rhs: (String, String)) -> Bool {
        lhs.0 != rhs.0 ? KeyOrder.precedes(lhs.0, rhs.0) : KeyOrder.precedes(lhs.1, rhs.1)
    }
}
