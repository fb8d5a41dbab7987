import Foundation
import GRDB
import GRDBSQLite
import PenguinsCore

/// The analytical warehouse in SQLite: table `warehouse`, clustered on
/// (island, species, penguin_id) with a unique index on penguin_id.
///
/// Clustering on the island first is the partitioning: an island scan reads one contiguous
/// range of the table, already ordered by species then penguin id.
public struct SQLiteWarehouse: Warehouse {
    let pool: DatabasePool

    /// The columns read back into a ``WarehouseRow``, in the order `decode(_:)` expects.
    private static let rowColumns = """
        island, species, penguin_id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
        sex, year, predicted_species, probabilities, model_version, predicted_at
        """

    /// Inserts or updates rows by penguin id in one transaction. A penguin that changed island
    /// or species moves to its new key. Prediction columns are kept when island, species and
    /// measurements are unchanged and cleared otherwise (and the trigger
    /// `warehouse_prediction_inputs_changed` logs the change); an identical row is not rewritten.
    public func upsert(_ penguins: [Penguin]) async throws {
        guard !penguins.isEmpty else { return }
        try await pool.write { db in
            let unchangedInputs = """
                island = excluded.island AND species = excluded.species
                AND bill_length_mm IS excluded.bill_length_mm AND bill_depth_mm IS excluded.bill_depth_mm
                AND flipper_length_mm IS excluded.flipper_length_mm AND body_mass_g IS excluded.body_mass_g
                """
            try db.insertRows(
                penguins,
                head: """
                    INSERT INTO warehouse (
                        island, species, penguin_id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
                        sex, year, usable_for_training
                    )
                    """,
                columnCount: 10,
                clause: """
                    ON CONFLICT (penguin_id) DO UPDATE SET
                        island = excluded.island,
                        species = excluded.species,
                        bill_length_mm = excluded.bill_length_mm,
                        bill_depth_mm = excluded.bill_depth_mm,
                        flipper_length_mm = excluded.flipper_length_mm,
                        body_mass_g = excluded.body_mass_g,
                        sex = excluded.sex,
                        year = excluded.year,
                        usable_for_training = excluded.usable_for_training,
                        predicted_species = CASE WHEN \(unchangedInputs) THEN predicted_species END,
                        confidence = CASE WHEN \(unchangedInputs) THEN confidence END,
                        probabilities = CASE WHEN \(unchangedInputs) THEN probabilities END,
                        model_version = CASE WHEN \(unchangedInputs) THEN model_version END,
                        predicted_at = CASE WHEN \(unchangedInputs) THEN predicted_at END
                    WHERE NOT (\(unchangedInputs) AND sex IS excluded.sex AND year = excluded.year)
                    """
            ) { statement, penguin, first in
                statement.bind(penguin.island.rawValue, at: first)
                statement.bind(penguin.species.rawValue, at: first + 1)
                statement.bind(penguin.id, at: first + 2)
                statement.bind(penguin.measurements.billLength, at: first + 3)
                statement.bind(penguin.measurements.billDepth, at: first + 4)
                statement.bind(penguin.measurements.flipperLength, at: first + 5)
                statement.bind(penguin.measurements.bodyMass, at: first + 6)
                statement.bind(penguin.sex?.rawValue, at: first + 7)
                statement.bind(penguin.year, at: first + 8)
                statement.bind(penguin.isUsableForTraining ? 1 : 0, at: first + 9)
            }
        }
    }

    /// The row of one penguin, or nil. A point lookup takes microseconds, less than handing
    /// the read to another thread and back, so it runs on the calling thread.
    public func row(id: String) async throws -> WarehouseRow? {
        try pool.readOnCallingThread { db in
            let statement = try db.cachedStatement(sql: "SELECT \(SQLiteWarehouse.rowColumns) FROM warehouse WHERE penguin_id = ?")
            return try SQLiteWarehouse.fetchRows(statement, arguments: [id]).first
        }
    }

    /// One island's rows ordered by species then penguin id, after `after`, at most `limit`.
    public func scan(island: Island, after: WarehouseCursor?, limit: Int) async throws -> [WarehouseRow] {
        guard limit > 0 else { return [] }
        return try await pool.readInBackground { db in
            if let after {
                let statement = try db.cachedStatement(sql: """
                    SELECT \(SQLiteWarehouse.rowColumns) FROM warehouse
                    WHERE island = ? AND (species, penguin_id) > (?, ?)
                    ORDER BY species, penguin_id LIMIT ?
                    """)
                return try SQLiteWarehouse.fetchRows(
                    statement, arguments: [island.rawValue, after.species.rawValue, after.penguinID, limit]
                )
            }
            let statement = try db.cachedStatement(sql: """
                SELECT \(SQLiteWarehouse.rowColumns) FROM warehouse
                WHERE island = ? ORDER BY species, penguin_id LIMIT ?
                """)
            return try SQLiteWarehouse.fetchRows(statement, arguments: [island.rawValue, limit])
        }
    }

    /// Every row in (island, species, penguin id) order, one page of `batchSize` rows read at a
    /// time; each page starts after the last key of the previous one.
    public func forEachBatch(batchSize: Int, _ body: ([WarehouseRow]) async throws -> Void) async throws {
        precondition(batchSize > 0, "batchSize must be positive")
        var last: (island: String, species: String, penguinID: String)?
        while true {
            let after = last
            let page = try await pool.readInBackground { db in
                if let after {
                    let statement = try db.cachedStatement(sql: """
                        SELECT \(SQLiteWarehouse.rowColumns) FROM warehouse
                        WHERE (island, species, penguin_id) > (?, ?, ?)
                        ORDER BY island, species, penguin_id LIMIT ?
                        """)
                    return try SQLiteWarehouse.fetchRows(
                        statement, arguments: [after.island, after.species, after.penguinID, batchSize]
                    )
                }
                let statement = try db.cachedStatement(sql: """
                    SELECT \(SQLiteWarehouse.rowColumns) FROM warehouse
                    ORDER BY island, species, penguin_id LIMIT ?
                    """)
                return try SQLiteWarehouse.fetchRows(statement, arguments: [batchSize])
            }
            guard let final = page.last else { return }
            try await body(page)
            if page.count < batchSize { return }
            last = (final.penguin.island.rawValue, final.penguin.species.rawValue, final.penguin.id)
        }
    }

    /// Writes prediction columns by penguin id in one transaction; unknown ids are ignored.
    public func writePredictions(_ predictions: [(penguinID: String, prediction: Prediction)]) async throws {
        guard !predictions.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.makeStatement(sql: """
                UPDATE warehouse SET predicted_species = ?, confidence = ?, probabilities = ?, model_version = ?, predicted_at = ?
                WHERE penguin_id = ?
                """)
            for (penguinID, prediction) in predictions {
                statement.bind(prediction.species.rawValue, at: 1)
                statement.bind(prediction.confidence, at: 2)
                statement.bind(PredictionText.probabilities(prediction.probabilities), at: 3)
                statement.bind(prediction.modelVersion, at: 4)
                statement.bind(prediction.predictedAt.timeIntervalSince1970, at: 5)
                statement.bind(penguinID, at: 6)
                try statement.stepToCompletion(in: db)
            }
        }
    }

    /// Per-island counts and feature means, grouped in SQL by island and species and then
    /// summed per island. Islands come in alphabetical order.
    public func aggregatesByIsland() async throws -> [IslandAggregate] {
        let featureColumns = Feature.allCases.map(SQLiteWarehouse.column)
        let sums = featureColumns.map { "SUM(\($0)), COUNT(\($0))" }.joined(separator: ", ")
        let groups: [SpeciesGroup] = try await pool.readInBackground { db in
            try Row.fetchAll(db, sql: """
                SELECT island, species, COUNT(*), SUM(usable_for_training), COUNT(predicted_species), \(sums)
                FROM warehouse GROUP BY island, species ORDER BY island, species
                """).map(SpeciesGroup.init)
        }
        var aggregates: [IslandAggregate] = []
        var sumsByIsland: [Feature: (sum: Double, count: Int)] = [:]
        func finishIsland() {
            guard var aggregate = aggregates.popLast() else { return }
            for (feature, total) in sumsByIsland where total.count > 0 {
                aggregate.means[feature] = total.sum / Double(total.count)
            }
            aggregates.append(aggregate)
            sumsByIsland = [:]
        }
        for group in groups {
            if aggregates.last?.island != group.island {
                finishIsland()
                aggregates.append(IslandAggregate(
                    island: group.island, count: 0, usableForTraining: 0, scored: 0, countBySpecies: [:], means: [:]
                ))
            }
            aggregates[aggregates.count - 1].count += group.count
            aggregates[aggregates.count - 1].usableForTraining += group.usableForTraining
            aggregates[aggregates.count - 1].scored += group.scored
            aggregates[aggregates.count - 1].countBySpecies[group.species] = group.count
            for (feature, total) in group.featureTotals {
                let sum = sumsByIsland[feature] ?? (0, 0)
                sumsByIsland[feature] = (sum.sum + total.sum, sum.count + total.count)
            }
        }
        finishIsland()
        return aggregates
    }

    /// The number of rows.
    public func count() async throws -> Int {
        try await pool.readInBackground { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM warehouse") ?? 0 }
    }

    /// The change log `warehouse_changes`, written by the trigger `warehouse_prediction_inputs_changed`.
    private var changeLog: SQLiteChangeLog { SQLiteChangeLog(pool: pool, table: "warehouse_changes", idColumn: "penguin_id") }

    public func latestChange() async throws -> Int64 { try await changeLog.latestChange() }

    public func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        try await changeLog.changes(after: after, limit: limit)
    }

    public func pruneChanges(before date: Date) async throws { try await changeLog.pruneChanges(before: date) }

    /// One (island, species) group of the aggregate query.
    private struct SpeciesGroup: Sendable {
        var island: Island
        var species: Species
        var count: Int
        var usableForTraining: Int
        var scored: Int
        var featureTotals: [Feature: (sum: Double, count: Int)]

        init(_ row: Row) throws {
            island = Island(rawValue: row[0])
            guard let species = Species(rawValue: row[1]) else {
                throw StorageError.corrupt("the warehouse holds an unknown species \(row[1] as String)")
            }
            self.species = species
            count = row[2]
            usableForTraining = row[3]
            scored = row[4]
            featureTotals = [:]
            for (index, feature) in Feature.allCases.enumerated() {
                featureTotals[feature] = ((row[5 + 2 * index] as Double?) ?? 0, row[6 + 2 * index])
            }
        }
    }

    /// The warehouse column of a feature.
    static func column(_ feature: Feature) -> String {
        switch feature {
        case .billLength: "bill_length_mm"
        case .billDepth: "bill_depth_mm"
        case .flipperLength: "flipper_length_mm"
        case .bodyMass: "body_mass_g"
        }
    }

    /// Runs a query selecting ``rowColumns`` and decodes every row. Reads the columns through
    /// the SQLite C API: whole-warehouse scans (training, scoring, statistics) decode a million
    /// rows, and GRDB's `Row` costs several times more per value.
    private static func fetchRows(_ statement: Statement, arguments: StatementArguments) throws -> [WarehouseRow] {
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var rows: [WarehouseRow] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw StorageError.corrupt("reading the warehouse failed with SQLite code \(code)")
            }
            rows.append(try decode(handle))
        }
        return rows
    }

    /// Reads the current row of a statement selecting ``rowColumns``.
    private static func decode(_ handle: SQLiteStatement) throws -> WarehouseRow {
        func text(_ column: Int32) -> String? {
            guard sqlite3_column_type(handle, column) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, column) else { return nil }
            return String(cString: bytes)
        }
        func real(_ column: Int32) -> Double? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
        }
        let id = text(2) ?? ""
        guard let speciesName = text(1), let species = Species(rawValue: speciesName), let island = text(0) else {
            throw StorageError.corrupt("the warehouse row of \(id) has an unknown species or no island")
        }
        let penguin = Penguin(
            id: id, species: species, island: Island(rawValue: island),
            measurements: Measurements(billLength: real(3), billDepth: real(4), flipperLength: real(5), bodyMass: real(6)),
            sex: text(7).flatMap(Sex.init(rawValue:)), year: Int(sqlite3_column_int64(handle, 8))
        )
        var prediction: Prediction?
        if let predictedName = text(9) {
            guard let predictedSpecies = Species(rawValue: predictedName), let probabilitiesText = text(10),
                  sqlite3_column_type(handle, 11) != SQLITE_NULL, let predictedAt = real(12)
            else { throw StorageError.corrupt("the prediction columns of \(id) are incomplete; score again") }
            prediction = Prediction(
                species: predictedSpecies,
                probabilities: try PredictionText.probabilities(parsing: probabilitiesText),
                modelVersion: Int(sqlite3_column_int64(handle, 11)), predictedAt: Date(timeIntervalSince1970: predictedAt)
            )
        }
        return WarehouseRow(penguin: penguin, prediction: prediction)
    }
}
