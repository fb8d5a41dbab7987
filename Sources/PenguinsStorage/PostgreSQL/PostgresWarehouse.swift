import Foundation
import PenguinsCore
import PostgresNIO

/// The analytical warehouse in PostgreSQL: table `warehouse`, `PARTITION BY LIST (island)` with
/// one partition per known island (`warehouse_biscoe`, `warehouse_dream`,
/// `warehouse_torgersen`) and `warehouse_default` for any other island; primary key
/// (island, species, penguin_id).
///
/// The partitioning is the Cassandra-style layout of the seed system: an island scan reads one
/// partition, already ordered by species then penguin id. PostgreSQL cannot enforce a unique
/// penguin id across partitions (a unique index must contain the partition key), so the table
/// `warehouse_ids (penguin_id primary key, island, species)` holds each id's key: it keeps ids
/// unique, and a read or a prediction write by id looks the key up there, then reads one
/// partition by its primary key.
public struct PostgresWarehouse: Warehouse {
    let store: PostgresStore

    /// Rows per upsert statement.
    static let rowsPerStatement = 10_000

    /// The columns read back into a ``WarehouseRow``, in the order `decode` expects.
    private static let rowColumns = """
        island, species, penguin_id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
        sex, year, predicted_species, probabilities, model_version, predicted_at
        """

    /// The test that an update keeps a row's prediction: same measurements (island and species
    /// are equal by the join on the key).
    private static let unchangedInputs = """
        w.bill_length_mm IS NOT DISTINCT FROM input.bill_length_mm
        AND w.bill_depth_mm IS NOT DISTINCT FROM input.bill_depth_mm
        AND w.flipper_length_mm IS NOT DISTINCT FROM input.flipper_length_mm
        AND w.body_mass_g IS NOT DISTINCT FROM input.body_mass_g
        """

    /// Inserts or updates rows by penguin id, in one transaction.
    ///
    /// Each statement binds one array per column (`unnest`), looks each id up once in
    /// `warehouse_ids` and, against the tables as they were before the statement: deletes the
    /// rows of penguins that changed island or species (their old key) and re-keys their ids,
    /// updates the rows whose key is unchanged (prediction columns, the Spark model's
    /// included, are kept when the measurements are unchanged and cleared otherwise; an identical row is not rewritten), and
    /// inserts the rest with their ids; every stored row whose key or measurements change (its
    /// prediction is dropped) is logged in `warehouse_changes`. (That avoids `INSERT ... ON CONFLICT`, whose speculative
    /// insertion costs about as much as the insert itself on bulk loads.) An advisory lock
    /// serialises concurrent upserts, so change numbers become visible in the order they were
    /// given; the primary key of `warehouse_ids` would refuse a second
    /// row for an id anyway. Within a batch, the last version of a penguin wins.
    public func upsert(_ penguins: [Penguin]) async throws {
        let penguins = penguins.lastOfEachID(\.id)
        guard !penguins.isEmpty else { return }
        var statements: [PostgresQuery] = []
        for chunk in stride(from: 0, to: penguins.count, by: PostgresWarehouse.rowsPerStatement) {
            let rows = penguins[chunk..<min(chunk + PostgresWarehouse.rowsPerStatement, penguins.count)]
            var islands = PostgresArray(of: .text, capacity: rows.count * 12)
            var species = PostgresArray(of: .text, capacity: rows.count * 12)
            var ids = PostgresArray(of: .text, capacity: rows.count * 16)
            var billLengths = PostgresArray(of: .float8, capacity: rows.count * 12)
            var billDepths = PostgresArray(of: .float8, capacity: rows.count * 12)
            var flipperLengths = PostgresArray(of: .float8, capacity: rows.count * 12)
            var bodyMasses = PostgresArray(of: .float8, capacity: rows.count * 12)
            var sexes = PostgresArray(of: .text, capacity: rows.count * 10)
            var years = PostgresArray(of: .int4, capacity: rows.count * 8)
            var usable = PostgresArray(of: .bool, capacity: rows.count * 5)
            for penguin in rows {
                islands.append(penguin.island.rawValue)
                species.append(penguin.species.rawValue)
                ids.append(penguin.id)
                billLengths.append(penguin.measurements.billLength)
                billDepths.append(penguin.measurements.billDepth)
                flipperLengths.append(penguin.measurements.flipperLength)
                bodyMasses.append(penguin.measurements.bodyMass)
                sexes.append(penguin.sex?.rawValue)
                years.append(Int32(clamping: penguin.year))
                usable.append(penguin.isUsableForTraining)
            }
            let unchanged = PostgresWarehouse.unchangedInputs
            statements.append("""
                WITH input AS (
                    SELECT * FROM unnest(\(islands), \(species), \(ids), \(billLengths), \(billDepths), \(flipperLengths),
                                         \(bodyMasses), \(sexes), \(years), \(usable))
                        AS t(island, species, penguin_id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
                             sex, year, usable_for_training)
                ), known AS MATERIALIZED (
                    SELECT input.*, k.island AS old_island, k.species AS old_species,
                           (k.island = input.island AND k.species = input.species) AS same_key
                    FROM input JOIN warehouse_ids k ON k.penguin_id = input.penguin_id
                ), moved AS (
                    DELETE FROM warehouse w USING known
                    WHERE NOT known.same_key
                      AND w.island = known.old_island AND w.species = known.old_species AND w.penguin_id = known.penguin_id
                ), rekeyed AS (
                    UPDATE warehouse_ids k SET island = known.island, species = known.species FROM known
                    WHERE NOT known.same_key AND k.penguin_id = known.penguin_id
                ), added AS (
                    INSERT INTO warehouse_ids (penguin_id, island, species)
                    SELECT penguin_id, island, species FROM input
                    WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.penguin_id = input.penguin_id)
                ), logged AS (
                    INSERT INTO warehouse_changes (penguin_id, changed_at)
                    SELECT input.penguin_id, extract(epoch FROM clock_timestamp())
                    FROM known AS input
                    JOIN warehouse w ON w.island = input.old_island AND w.species = input.old_species AND w.penguin_id = input.penguin_id
                    WHERE NOT input.same_key OR NOT (\(unescaped: unchanged))
                ), updated AS (
                    UPDATE warehouse w SET
                        bill_length_mm = input.bill_length_mm,
                        bill_depth_mm = input.bill_depth_mm,
                        flipper_length_mm = input.flipper_length_mm,
                        body_mass_g = input.body_mass_g,
                        sex = input.sex,
                        year = input.year,
                        usable_for_training = input.usable_for_training,
                        predicted_species = CASE WHEN \(unescaped: unchanged) THEN w.predicted_species END,
                        confidence = CASE WHEN \(unescaped: unchanged) THEN w.confidence END,
                        probabilities = CASE WHEN \(unescaped: unchanged) THEN w.probabilities END,
                        model_version = CASE WHEN \(unescaped: unchanged) THEN w.model_version END,
                        predicted_at = CASE WHEN \(unescaped: unchanged) THEN w.predicted_at END,
                        spark_predicted_species = CASE WHEN \(unescaped: unchanged) THEN w.spark_predicted_species END,
                        spark_model_version = CASE WHEN \(unescaped: unchanged) THEN w.spark_model_version END,
                        spark_predicted_at = CASE WHEN \(unescaped: unchanged) THEN w.spark_predicted_at END
                    FROM known AS input
                    WHERE input.same_key
                      AND w.island = input.island AND w.species = input.species AND w.penguin_id = input.penguin_id
                      AND NOT (\(unescaped: unchanged) AND w.sex IS NOT DISTINCT FROM input.sex
                               AND w.year = input.year AND w.usable_for_training = input.usable_for_training)
                )
                INSERT INTO warehouse (
                    island, species, penguin_id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
                    sex, year, usable_for_training
                )
                SELECT * FROM input
                WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.penguin_id = input.penguin_id AND known.same_key)
                """)
        }
        let batch = statements
        try await store.transaction(.warehouse) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('penguins-warehouse-upsert:' || current_schema()))", logger: store.logger)
            try await PostgresStore.prepareBulkWrite(connection, logger: store.logger)
            for statement in batch { try await connection.query(statement, logger: store.logger) }
        }
    }

    /// The row of one penguin, or nil: a prepared statement on one of the store's read connections.
    public func row(id: String) async throws -> WarehouseRow? {
        try await store.read(.warehouse) { connection -> WarehouseRow? in
            try await connection.rows(PostgresWarehouse.rowByID, [PostgresData(string: id)]).first.map(PostgresWarehouse.decodeText)
        }
    }

    /// One island's rows ordered by species then penguin id, after `after`, at most `limit`.
    public func scan(island: Island, after: WarehouseCursor?, limit: Int) async throws -> [WarehouseRow] {
        guard limit > 0 else { return [] }
        return try await store.run(.warehouse) { client in
            let columns = PostgresWarehouse.rowColumns
            let query: PostgresQuery = if let after {
                """
                SELECT \(unescaped: columns) FROM warehouse
                WHERE island = \(island.rawValue) AND (species, penguin_id) > (\(after.species.rawValue), \(after.penguinID))
                ORDER BY species, penguin_id LIMIT \(limit)
                """
            } else {
                "SELECT \(unescaped: columns) FROM warehouse WHERE island = \(island.rawValue) ORDER BY species, penguin_id LIMIT \(limit)"
            }
            return try await PostgresWarehouse.collect(client.query(query))
        }
    }

    /// Every row in (island, species, penguin id) order, one page of `batchSize` rows read at a
    /// time; each page starts after the last key of the previous one.
    public func forEachBatch(batchSize: Int, _ body: ([WarehouseRow]) async throws -> Void) async throws {
        precondition(batchSize > 0, "batchSize must be positive")
        var last: WarehouseRow?
        while true {
            let after = last
            let page = try await store.run(.warehouse) { client in
                let columns = PostgresWarehouse.rowColumns
                let query: PostgresQuery = if let after {
                    """
                    SELECT \(unescaped: columns) FROM warehouse
                    WHERE (island, species, penguin_id) > (\(after.penguin.island.rawValue), \(after.penguin.species.rawValue), \(after.penguin.id))
                    ORDER BY island, species, penguin_id LIMIT \(batchSize)
                    """
                } else {
                    "SELECT \(unescaped: columns) FROM warehouse ORDER BY island, species, penguin_id LIMIT \(batchSize)"
                }
                return try await PostgresWarehouse.collect(client.query(query))
            }
            guard let final = page.last else { return }
            try await body(page)
            if page.count < batchSize { return }
            last = final
        }
    }

    /// Writes prediction columns by penguin id in one statement per 10,000; unknown ids are ignored.
    public func writePredictions(_ predictions: [(penguinID: String, prediction: Prediction)]) async throws {
        guard !predictions.isEmpty else { return }
        var lastIndex: [String: Int] = [:]
        for (index, entry) in predictions.enumerated() { lastIndex[entry.penguinID] = index }
        let unique = predictions.enumerated().filter { lastIndex[$0.element.penguinID] == $0.offset }.map(\.element)
        var statements: [PostgresQuery] = []
        for chunk in stride(from: 0, to: unique.count, by: PostgresWarehouse.rowsPerStatement) {
            let entries = unique[chunk..<min(chunk + PostgresWarehouse.rowsPerStatement, unique.count)]
            var ids = PostgresArray(of: .text, capacity: entries.count * 16)
            var species = PostgresArray(of: .text, capacity: entries.count * 12)
            var confidences = PostgresArray(of: .float8, capacity: entries.count * 12)
            var probabilities = PostgresArray(of: .text, capacity: entries.count * 64)
            var versions = PostgresArray(of: .int4, capacity: entries.count * 8)
            var times = PostgresArray(of: .float8, capacity: entries.count * 12)
            for (penguinID, prediction) in entries {
                ids.append(penguinID)
                species.append(prediction.species.rawValue)
                confidences.append(prediction.confidence)
                probabilities.append(PredictionText.probabilities(prediction.probabilities))
                versions.append(Int32(clamping: prediction.modelVersion))
                times.append(prediction.predictedAt.timeIntervalSince1970)
            }
            statements.append("""
                UPDATE warehouse AS w SET predicted_species = p.species, confidence = p.confidence,
                    probabilities = p.probabilities, model_version = p.model_version, predicted_at = p.predicted_at
                FROM unnest(\(ids), \(species), \(confidences), \(probabilities), \(versions), \(times))
                    AS p(penguin_id, species, confidence, probabilities, model_version, predicted_at)
                    JOIN warehouse_ids k ON k.penguin_id = p.penguin_id
                WHERE w.island = k.island AND w.species = k.species AND w.penguin_id = k.penguin_id
                """)
        }
        let batch = statements
        try await store.transaction(.warehouse) { connection in
            try await PostgresStore.prepareBulkWrite(connection, logger: store.logger)
            for statement in batch { try await connection.query(statement, logger: store.logger) }
        }
    }

    /// Per-island counts and feature means, grouped in SQL by island; islands in alphabetical order.
    public func aggregatesByIsland() async throws -> [IslandAggregate] {
        let sums = Feature.allCases.map { "sum(\(PostgresWarehouse.column($0))), count(\(PostgresWarehouse.column($0)))" }
            .joined(separator: ", ")
        let groups = try await store.run(.warehouse) { client in
            var groups: [(island: String, species: String, counts: [Int], sums: [Double?])] = []
            let rows = try await client.query("""
                SELECT island, species, count(*), count(*) FILTER (WHERE usable_for_training), count(predicted_species), \(unescaped: sums)
                FROM warehouse GROUP BY island, species ORDER BY island, species
                """)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                var counts = [try cells[2].decode(Int.self), try cells[3].decode(Int.self), try cells[4].decode(Int.self)]
                var featureSums: [Double?] = []
                for index in Feature.allCases.indices {
                    featureSums.append(try cells[5 + 2 * index].decode(Double?.self))
                    counts.append(try cells[6 + 2 * index].decode(Int.self))
                }
                groups.append((try cells[0].decode(String.self), try cells[1].decode(String.self), counts, featureSums))
            }
            return groups
        }
        var aggregates: [IslandAggregate] = []
        var totals: [Feature: (sum: Double, count: Int)] = [:]
        func finishIsland() {
            guard var aggregate = aggregates.popLast() else { return }
            for (feature, total) in totals where total.count > 0 { aggregate.means[feature] = total.sum / Double(total.count) }
            aggregates.append(aggregate)
            totals = [:]
        }
        for group in groups {
            guard let species = Species(rawValue: group.species) else {
                throw StorageError.corrupt("the warehouse holds an unknown species \(group.species)")
            }
            let island = Island(rawValue: group.island)
            if aggregates.last?.island != island {
                finishIsland()
                aggregates.append(IslandAggregate(island: island, count: 0, usableForTraining: 0, scored: 0, countBySpecies: [:], means: [:]))
            }
            let last = aggregates.count - 1
            aggregates[last].count += group.counts[0]
            aggregates[last].usableForTraining += group.counts[1]
            aggregates[last].scored += group.counts[2]
            aggregates[last].countBySpecies[species] = group.counts[0]
            for (index, feature) in Feature.allCases.enumerated() {
                let total = totals[feature] ?? (0, 0)
                totals[feature] = (total.sum + (group.sums[index] ?? 0), total.count + group.counts[3 + index])
            }
        }
        finishIsland()
        return aggregates
    }

    /// The number of rows.
    public func count() async throws -> Int {
        try await store.run(.warehouse) { client in try await PostgresStore.count(client, "SELECT count(*) FROM warehouse") }
    }

    /// The partition that holds a penguin's row (`warehouse_biscoe`, ...), or nil when there is no row.
    public func partition(ofPenguin id: String) async throws -> String? {
        try await store.run(.warehouse) { client -> String? in
            for try await name in try await client.query(
                """
                SELECT w.tableoid::regclass::text FROM warehouse_ids k
                JOIN warehouse w ON w.island = k.island AND w.species = k.species AND w.penguin_id = k.penguin_id
                WHERE k.penguin_id = \(id)
                """
            ).decode(String.self) { return name }
            return nil
        }
    }

    /// The warehouse column of a feature.
    static func column(_ feature: Feature) -> String { SQLiteWarehouse.column(feature) }

    private static func collect(_ rows: PostgresRowSequence) async throws -> [WarehouseRow] {
        var result: [WarehouseRow] = []
        for try await row in rows { result.append(try decode(row)) }
        return result
    }

    /// Reads a row selecting ``rowColumns``.
    static func decode(_ row: PostgresRow) throws -> WarehouseRow {
        let (island, speciesName, id, billLength, billDepth, flipperLength, bodyMass, sex, year, predictedName, probabilities, version, predictedAt) =
            try row.decode((String, String, String, Double?, Double?, Double?, Double?, String?, Int, String?, String?, Int?, Double?).self)
        guard let species = Species(rawValue: speciesName) else {
            throw StorageError.corrupt("the warehouse row of \(id) has an unknown species \(speciesName)")
        }
        let penguin = Penguin(
            id: id, species: species, island: Island(rawValue: island),
            measurements: Measurements(billLength: billLength, billDepth: billDepth, flipperLength: flipperLength, bodyMass: bodyMass),
            sex: sex.flatMap(Sex.init(rawValue:)), year: year
        )
        var prediction: Prediction?
        if let predictedName {
            guard let predictedSpecies = Species(rawValue: predictedName), let probabilities, let version, let predictedAt else {
                throw StorageError.corrupt("the prediction columns of \(id) are incomplete; score again")
            }
            prediction = Prediction(
                species: predictedSpecies, probabilities: try PredictionText.probabilities(parsing: probabilities),
                modelVersion: version, predictedAt: Date(timeIntervalSince1970: predictedAt)
            )
        }
        return WarehouseRow(penguin: penguin, prediction: prediction)
    }

    /// The change log `warehouse_changes`, written by ``upsert(_:)``.
    private var changeLog: PostgresChangeLog { PostgresChangeLog(store: store, table: "warehouse_changes", idColumn: "penguin_id") }

    public func latestChange() async throws -> Int64 { try await changeLog.latestChange() }

    public func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        try await changeLog.changes(after: after, limit: limit)
    }

    public func pruneChanges(before date: Date) async throws { try await changeLog.pruneChanges(before: date) }

    /// The point read of one row, every column as text (see ``decodeText(_:)``).
    private static let rowByID = "SELECT " + rowColumns.split(separator: ",")
        .map { "w." + $0.trimmingCharacters(in: .whitespacesAndNewlines) + "::text" }
        .joined(separator: ", ") + """
         FROM warehouse_ids k
        JOIN warehouse w ON w.island = k.island AND w.species = k.species AND w.penguin_id = k.penguin_id
        WHERE k.penguin_id = $1
        """

    /// Reads a row of ``rowByID``. Point reads run on statements prepared through
    /// postgres-nio's future-based API, which reports result columns as text, so every column
    /// is selected as text. PostgreSQL prints a `double precision` in its shortest exact form,
    /// so the numbers round-trip.
    static func decodeText(_ row: PostgresRow) throws -> WarehouseRow {
        let cells = row.makeRandomAccess()
        var texts: [String?] = []
        texts.reserveCapacity(cells.count)
        for index in 0..<cells.count {
            texts.append(try cells[index].decode(String?.self))
        }
        guard texts.count == 13, let island = texts[0], let speciesName = texts[1], let id = texts[2] else {
            throw StorageError.corrupt("a warehouse row came back without its key")
        }
        func number(_ index: Int) throws -> Double? {
            guard let text = texts[index] else { return nil }
            guard let value = Double(text) else { throw StorageError.corrupt("the warehouse row of \(id) holds \(text) for a number") }
            return value
        }
        guard let species = Species(rawValue: speciesName), let year = texts[8].flatMap({ Int($0) }) else {
            throw StorageError.corrupt("the warehouse row of \(id) has an unknown species \(speciesName) or no year")
        }
        let penguin = Penguin(
            id: id, species: species, island: Island(rawValue: island),
            measurements: Measurements(billLength: try number(3), billDepth: try number(4), flipperLength: try number(5), bodyMass: try number(6)),
            sex: texts[7].flatMap(Sex.init(rawValue:)), year: year
        )
        var prediction: Prediction?
        if let predictedName = texts[9] {
            guard let predictedSpecies = Species(rawValue: predictedName), let probabilities = texts[10],
                  let version = texts[11].flatMap({ Int($0) }), let predictedAt = try number(12)
            else { throw StorageError.corrupt("the prediction columns of \(id) are incomplete; score again") }
            prediction = Prediction(
                species: predictedSpecies, probabilities: try PredictionText.probabilities(parsing: probabilities),
                modelVersion: version, predictedAt: Date(timeIntervalSince1970: predictedAt)
            )
        }
        return WarehouseRow(penguin: penguin, prediction: prediction)
    }
}
