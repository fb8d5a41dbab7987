import Foundation
import PenguinsCore
import PostgresNIO

/// The warehouse of one dataset in PostgreSQL: table `ds_<name>_warehouse`, its columns from the
/// schema, `PARTITION BY LIST` on the partition column with one partition per level and a
/// default one, primary key (partition, id). As for the penguins (whose warehouse this is too),
/// `ds_<name>_warehouse_ids (id, partition)` keeps ids unique across partitions and finds a
/// record's partition for reads and prediction writes by id.
public struct PostgresRecordWarehouse: RecordWarehouse {
    let store: PostgresStore
    let tables: DatasetTables
    let coding: RecordCoding

    init(store: PostgresStore, tables: DatasetTables) {
        self.store = store
        self.tables = tables
        coding = RecordCoding(schema: tables.schema)
    }

    public var schema: DatasetSchema { tables.schema }

    /// Rows per statement.
    static let rowsPerStatement = 10_000

    /// Inserts or updates records in one transaction. Each statement binds one array per column:
    /// it deletes the old rows of records that moved partition, records each id's partition,
    /// updates the rows of known ids in place and inserts the rest (an identical row is not rewritten; the prediction is kept when
    /// target and features are unchanged). Stored rows whose target or features change are
    /// logged in `ds_<name>_changes` (by the warehouse's trigger when updated in place, by this
    /// statement when moved to another partition), and their values before in
    /// `ds_<name>_replaced` (by this statement, from the rows as they were when it began). An advisory lock serialises concurrent upserts, so change numbers become
    /// visible in order. The data version moves first, so that each statement logs what it
    /// inserted and replaced at the version the upsert makes (and a concurrent write of
    /// predictions waits for the version until the upsert commits).
    @discardableResult
    public func upsert(_ records: [DatasetRecord]) async throws -> UpsertOutcome {
        let records = records.lastOfEachID(\.id)
        guard !records.isEmpty else { return UpsertOutcome(version: try await dataVersion(), change: .none, records: 0) }
        let tables = tables
        let statements = stride(from: 0, to: records.count, by: Self.rowsPerStatement).map { start in
            upsertStatement(records[start..<min(start + Self.rowsPerStatement, records.count)])
        }
        let count = records.count
        return try await store.transaction(.warehouse) { connection in
            let logger = store.logger
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("penguins-warehouse-upsert:" + tables.warehouse) || current_schema()))", logger: logger)
            try await PostgresStore.prepareBulkWrite(connection, logger: logger)
            var version: Int64 = 0
            let next = try await connection.query(PostgresQuery(unsafeSQL: tables.nextDataVersion + " RETURNING version"), logger: logger)
            for try await made in next.decode(Int64.self) { version = made }
            for statement in statements { try await connection.query(statement, logger: logger) }
            // What the statements logged at this version: a row each that wrote anything, with
            // its inserted ids, and the values its updates replaced; counted first, so that a
            // batch of new records (a bulk load's every batch) reads no ids back.
            let logged = try await connection.query("""
                SELECT count(*), coalesce(sum(cardinality(ids)), 0),
                    (SELECT count(*) FROM \(unescaped: tables.replaced) WHERE version = \(version))
                FROM \(unescaped: tables.insertions) WHERE version = \(version)
                """, logger: logger)
            var change = UpsertOutcome.Change.other
            for try await (statements, inserted, replaced) in logged.decode((Int64, Int64, Int64).self) {
                change = statements == 0 ? .none : replaced == 0 && inserted == count ? .insertedAll : .other
            }
            var changes: UpsertChanges?
            if change == .other {
                let everyFeature = Array(schema.features.indices)
                var told = UpsertChanges(inserted: [], previous: RecordColumns(features: everyFeature.map { _ in [] }))
                let ids = try await connection.query("SELECT ids FROM \(unescaped: tables.insertions) WHERE version = \(version)", logger: logger)
                for try await inserted in ids.decode([String]?.self) { told.inserted += inserted ?? [] }
                for try await row in try await connection.query(replacedAt(version, featureIndices: everyFeature), logger: logger) {
                    try Self.append(row.makeRandomAccess(), to: &told.previous, schema: schema, coding: coding, featureIndices: everyFeature, predictions: false)
                }
                changes = told
            }
            for statement in Self.insertionLogPruning(tables) { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            return UpsertOutcome(version: version, change: change, records: count, changes: changes)
        }
    }

    /// The upserts the insertion log remembers; a reader further behind reads all the records again.
    static let retainedUpserts = 256

    /// Beyond the retained upserts, the oldest one kept stands for all before it: unknown.
    private static func insertionLogPruning(_ tables: DatasetTables) -> [String] {
        let log = tables.insertions
        let oldest = "(SELECT version FROM (SELECT DISTINCT version FROM \(log) ORDER BY version DESC OFFSET \(retainedUpserts - 1) LIMIT 1) AS kept)"
        return [
            "DELETE FROM \(tables.replaced) WHERE version <= \(oldest)",
            "DELETE FROM \(log) WHERE version < \(oldest)",
            "UPDATE \(log) SET ids = NULL WHERE version = \(oldest) AND ids IS NOT NULL",
        ]
    }

    private func upsertStatement(_ records: ArraySlice<DatasetRecord>) -> PostgresQuery {
        let schema = tables.schema
        var ids = PostgresArray(of: .text, capacity: records.count * 16)
        var targets = PostgresArray(of: .text, capacity: records.count * 12)
        var features = schema.features.map { PostgresArray(of: $0.kind == .numeric ? .float8 : .text, capacity: records.count * 12) }
        var usable = PostgresArray(of: .bool, capacity: records.count * 5)
        for flag in schema.usableForTraining(records) { usable.append(flag) }
        let kinds = coding.kinds
        for record in records {
            ids.append(record.id)
            targets.append(coding.classes[record.targetClass])
            for index in kinds.indices {
                switch kinds[index] {
                case .numeric: features[index].append(record.features[index])
                case .categorical: features[index].append(coding.levelText(record.features[index], feature: index))
                }
            }
        }
        var binds = PostgresBindings(capacity: features.count + 3)
        binds.append(ids)
        binds.append(targets)
        for column in features { binds.append(column) }
        binds.append(usable)
        let columns = tables.recordColumns + ["usable_for_training"]
        let parameters = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
        let w = tables.warehouse
        let part = tables.partitionColumn
        let id = tables.idColumn
        let unchanged = tables.unchangedInputs(stored: "w", incoming: "input", equality: "IS NOT DISTINCT FROM")
        let updates = (Array(tables.recordColumns.dropFirst()) + ["usable_for_training"]).map { "\($0) = input.\($0)" }
            + DatasetTables.predictionColumns.map { "\($0) = CASE WHEN \(unchanged) THEN w.\($0) END" }
        // Known ids are split by whether they keep their partition: the rows of those that move
        // are deleted and inserted anew in their new partition (and logged here: the trigger
        // sees updates only), the others updated in place, new ids inserted. No `ON CONFLICT`:
        // its speculative insertion costs about as much as the insert itself on bulk loads.
        let sql = """
            WITH input AS (
                SELECT * FROM unnest(\(parameters)) AS t(\(columns.joined(separator: ", ")))
            ), known AS MATERIALIZED (
                SELECT input.*, k.partition AS old_partition, (k.partition = input.\(part)) AS same_key
                FROM input JOIN \(tables.warehouseIDs) k ON k.id = input.\(id)
            ), moved AS (
                DELETE FROM \(w) AS w USING known
                WHERE NOT known.same_key AND w.\(part) = known.old_partition AND w.\(id) = known.\(id)
                RETURNING \(tables.recordColumns.map { "w.\($0)" }.joined(separator: ", "))
            ), moved_from AS (
                \(tables.logReplaced("moved", from: "moved"))
            ), replaced AS (
                \(tables.logReplaced("w", from: """
                    known AS input JOIN \(w) AS w ON w.\(part) = input.\(part) AND w.\(id) = input.\(id)
                    WHERE input.same_key AND NOT (\(unchanged))
                    """))
            ), rekeyed AS (
                UPDATE \(tables.warehouseIDs) k SET partition = known.\(part) FROM known
                WHERE NOT known.same_key AND k.id = known.\(id)
            ), added AS (
                INSERT INTO \(tables.warehouseIDs) (id, partition)
                SELECT \(id), \(part) FROM input WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.\(id) = input.\(id))
            ), updated AS (
                UPDATE \(w) AS w SET \(updates.joined(separator: ", "))
                FROM known AS input
                WHERE input.same_key AND w.\(part) = input.\(part) AND w.\(id) = input.\(id)
                  AND NOT (\(unchanged) AND w.usable_for_training = input.usable_for_training)
                RETURNING 1
            ), inserted AS (
                INSERT INTO \(w) (\(columns.joined(separator: ", ")))
                SELECT \(columns.joined(separator: ", ")) FROM input
                WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.\(id) = input.\(id) AND known.same_key)
                RETURNING \(id) AS id
            ), logged AS (
                INSERT INTO \(tables.insertions) (version, ids)
                SELECT (SELECT version FROM \(tables.dataVersion)),
                    ARRAY(SELECT i.id FROM inserted i WHERE NOT EXISTS (SELECT 1 FROM known WHERE known.\(id) = i.id))
                WHERE EXISTS (SELECT 1 FROM inserted) OR EXISTS (SELECT 1 FROM updated) OR EXISTS (SELECT 1 FROM moved)
            )
            INSERT INTO \(tables.changes) (id, changed_at) SELECT \(id), extract(epoch FROM clock_timestamp()) FROM moved
            """
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// The columns a stored record is read from (of the warehouse as `w`), in the order ``decode(_:)`` expects.
    private var selection: String {
        (tables.recordColumns + ["predicted_class", "probabilities", "model_version", "predicted_at"])
            .map { "w.\($0)" }.joined(separator: ", ")
    }

    public func record(id: String) async throws -> StoredRecord? {
        let sql = """
            SELECT \(selection) FROM \(tables.warehouseIDs) k
            JOIN \(tables.warehouse) w ON w.\(tables.partitionColumn) = k.partition AND w.\(tables.idColumn) = k.id
            WHERE k.id = $1
            """
        var binds = PostgresBindings()
        binds.append(id)
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await collect(query).first
    }

    public func scan(partition: String, after: String?, limit: Int) async throws -> [StoredRecord] {
        guard limit > 0 else { return [] }
        var binds = PostgresBindings()
        binds.append(partition)
        var sql = "SELECT \(selection) FROM \(tables.warehouse) w WHERE w.\(tables.partitionColumn) = $1"
        if let after {
            binds.append(after)
            sql += " AND w.\(tables.idColumn) > $2"
        }
        binds.append(limit)
        sql += " ORDER BY w.\(tables.idColumn) LIMIT $\(after == nil ? 2 : 3)"
        return try await collect(PostgresQuery(unsafeSQL: sql, binds: binds))
    }

    public func columns(featureIndices: [Int], predictions: Bool) async throws -> RecordColumns {
        let (schema, coding) = (tables.schema, coding)
        let sql = columnsQuery(featureIndices: featureIndices, predictions: predictions)
        let empty = RecordColumns(features: Array(repeating: [], count: featureIndices.count))
        return try await readInBatches(sql, schema: schema, coding: coding, featureIndices: featureIndices, predictions: predictions, into: empty) {
            result, batch in
            result.append(contentsOf: batch)
            return true
        }
    }

    /// The columns folded a chunk at a time as they are fetched, at one version (``atOneVersion(_:)``).
    public func foldColumns<State: Sendable>(
        featureIndices: [Int], chunk: Int, into initial: State,
        _ fold: @escaping @Sendable (inout State, RecordColumns) -> Bool
    ) async throws -> (version: Int64, state: State)? {
        let (schema, coding) = (tables.schema, coding)
        let sql = columnsQuery(featureIndices: featureIndices, predictions: false)
        return try await atOneVersion { () -> State? in
            let folded = try await readInBatches(
                sql, batch: max(1, min(chunk, Self.fetchSize)), schema: schema, coding: coding, featureIndices: featureIndices,
                predictions: false, into: (state: initial, stopped: false)
            ) { folding, batch in
                folding.stopped = !fold(&folding.state, batch)
                return !folding.stopped
            }
            return folded.stopped ? nil : folded.state
        }
    }

    /// The rows fetched at a time by ``readInBatches(_:batch:schema:coding:featureIndices:predictions:into:_:)``.
    static let fetchSize = 50_000

    /// Reads the rows of `sql` (as ``columnsQuery(featureIndices:predictions:)`` selects them)
    /// `batch` at a time through a cursor, in one transaction (so one snapshot), adding each
    /// batch to `initial` with `add`, which answers false to stop. Each `FETCH` hands its rows
    /// to a callback on the connection's event loop, which only gathers them, and they are
    /// decoded on the reading task once all have come; streaming the rows one by one as an async
    /// sequence costs more than decoding them (a hop between the event loop and the reading task
    /// every few rows), a batch costs one.
    private func readInBatches<State: Sendable>(
        _ sql: String, batch: Int = fetchSize, schema: DatasetSchema, coding: RecordCoding, featureIndices: [Int], predictions: Bool,
        into initial: State, _ add: @escaping @Sendable (inout State, RecordColumns) throws -> Bool
    ) async throws -> State {
        let logger = store.logger
        return try await store.run(.warehouse, bulk: true) { client in
            try await client.withTransaction(logger: logger) { connection in
                var state = initial
                try await connection.query(PostgresQuery(unsafeSQL: "DECLARE columns_read NO SCROLL CURSOR FOR \(sql)"), logger: logger)
                let fetch = PostgresQuery(unsafeSQL: "FETCH FORWARD \(batch) FROM columns_read")
                while true {
                    let fetched = RowBatch()
                    _ = try await connection.query(fetch, logger: logger) { fetched.append($0) }.get()
                    // Decoded here, on the reading task: the event loop only gathered the rows.
                    var records = RecordColumns(features: Array(repeating: [], count: featureIndices.count))
                    for row in fetched.rows {
                        try Self.append(row.makeRandomAccess(), to: &records, schema: schema, coding: coding, featureIndices: featureIndices, predictions: predictions)
                    }
                    if records.count > 0 { guard try add(&state, records) else { break } }
                    if fetched.rows.count < batch { break }
                }
                try await connection.query("CLOSE columns_read", logger: logger)
                return state
            }
        }
    }

    /// Every record's id, class, features of `featureIndices` and, with `predictions`, predicted
    /// class and model version, in key order (what ``append(_:to:schema:coding:featureIndices:predictions:)`` reads).
    private func columnsQuery(featureIndices: [Int], predictions: Bool) -> String {
        let selected = [tables.idColumn, tables.targetColumn] + featureIndices.map { tables.featureColumns[$0] }
            + (predictions ? ["predicted_class", "model_version"] : [])
        return "SELECT \(selected.joined(separator: ", ")) FROM \(tables.warehouse) ORDER BY \(tables.partitionColumn), \(tables.idColumn)"
    }

    /// Appends a row read as id, class, the features of `featureIndices` and, with
    /// `predictions`, the predicted class and model version.
    static func append(
        _ cells: PostgresRandomAccessRow, to result: inout RecordColumns, schema: DatasetSchema, coding: RecordCoding,
        featureIndices: [Int], predictions: Bool
    ) throws {
        let id = try cells[0].decode(String.self)
        result.ids.append(id)
        result.targetClasses.append(try coding.targetClass(try cells[1].decode(String.self), id: id))
        for (column, index) in featureIndices.enumerated() {
            let value: Double = switch schema.features[index].kind {
            case .numeric: try cells[column + 2].decode(Double?.self) ?? .nan
            case .categorical: try cells[column + 2].decode(String?.self).map { try coding.level($0, feature: index, id: id) } ?? .nan
            }
            result.features[column].append(value)
        }
        if predictions {
            let predictionColumn = 2 + featureIndices.count
            let predicted = try cells[predictionColumn].decode(String?.self)
            result.predictedClasses.append(try predicted.map { try coding.targetClass($0, id: id) } ?? -1)
            result.modelVersions.append(try cells[predictionColumn + 1].decode(Int?.self) ?? -1)
        }
    }

    /// The version and the insertion log, the values the replaced log holds since, then the
    /// inserted and updated records by id, all in one snapshot (a repeatable-read transaction).
    public func changes(after version: Int64, featureIndices: [Int], limit: Int) async throws -> RecordChanges? {
        let (schema, coding) = (tables.schema, coding)
        var binds = PostgresBindings()
        binds.append(version)
        let log = PostgresQuery(unsafeSQL: """
            SELECT d.version, l.version IS NOT NULL, l.ids FROM \(tables.dataVersion) d
            LEFT JOIN \(tables.insertions) l ON l.version > $1 ORDER BY l.version
            """, binds: binds)
        let selected = ["w.\(tables.idColumn)", "w.\(tables.targetColumn)"] + featureIndices.map { "w.\(tables.featureColumns[$0])" }
        let byIDs = """
            SELECT \(selected.joined(separator: ", ")) FROM \(tables.warehouseIDs) k
            JOIN \(tables.warehouse) w ON w.\(tables.partitionColumn) = k.partition AND w.\(tables.idColumn) = k.id
            WHERE k.id = ANY($1)
            """
        let replaced = replacedAt(version, featureIndices: featureIndices, since: true)
        // One read transaction, so that the logs and the records are of the same version.
        return try await store.transaction(.warehouse) { client in
            let logger = store.logger
            try await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var now: Int64 = 0
            var inserted: [String] = []
            for try await (current, logged, ids) in try await client.query(log, logger: logger).decode((Int64, Bool, [String]?).self) {
                now = current
                guard logged else { continue }
                guard let ids else { return nil }
                inserted += ids
            }
            guard now >= version, inserted.count <= limit else { return nil }
            var replacedRows = 0
            for try await count in try await client.query(
                "SELECT count(*) FROM \(unescaped: tables.replaced) WHERE version > \(version)", logger: logger).decode(Int.self) {
                replacedRows = count
            }
            guard inserted.count + replacedRows <= limit else { return nil }
            let empty = RecordColumns(features: Array(repeating: [], count: featureIndices.count))
            var replacedSince = empty
            for try await row in try await client.query(replaced, logger: logger) {
                try Self.append(row.makeRandomAccess(), to: &replacedSince, schema: schema, coding: coding, featureIndices: featureIndices, predictions: false)
            }
            let previous = RecordChanges.valuesAtStart(of: replacedSince, inserted: inserted)
            func read(_ ids: [String]) async throws -> RecordColumns {
                var records = empty
                guard !ids.isEmpty else { return records }
                var binds = PostgresBindings()
                binds.append(ids)
                for try await row in try await client.query(PostgresQuery(unsafeSQL: byIDs, binds: binds), logger: logger) {
                    try Self.append(row.makeRandomAccess(), to: &records, schema: schema, coding: coding, featureIndices: featureIndices, predictions: false)
                }
                return records
            }
            // A record updated and since gone (removed by hand: the platform deletes none) cannot
            // be followed.
            let current = try await read(previous.ids).ordered(as: previous.ids)
            guard current.count == previous.count else { return nil }
            return RecordChanges(version: now, inserted: try await read(inserted), previous: previous, current: current)
        }
    }

    /// The values updates replaced at data version `version` (with `since`, after it, in the
    /// order they were logged), with the features of `featureIndices`.
    private func replacedAt(_ version: Int64, featureIndices: [Int], since: Bool = false) -> PostgresQuery {
        let selected = [tables.idColumn, tables.targetColumn] + featureIndices.map { tables.featureColumns[$0] }
        var binds = PostgresBindings()
        binds.append(version)
        let condition = since ? "version > $1 ORDER BY version" : "version = $1"
        return PostgresQuery(unsafeSQL: "SELECT \(selected.joined(separator: ", ")) FROM \(tables.replaced) WHERE \(condition)", binds: binds)
    }

    @discardableResult
    public func writePredictions(
        _ predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])], featureIndices: [Int]
    ) async throws -> Int {
        guard !predictions.isEmpty else { return 0 }
        let schema = tables.schema
        let classes = schema.target.classes
        var ids = PostgresArray(of: .text, capacity: predictions.count * 16)
        var predicted = PostgresArray(of: .text, capacity: predictions.count * 12)
        var confidences = PostgresArray(of: .float8, capacity: predictions.count * 12)
        var probabilities = PostgresArray(of: .text, capacity: predictions.count * 64)
        var versions = PostgresArray(of: .int4, capacity: predictions.count * 8)
        var times = PostgresArray(of: .float8, capacity: predictions.count * 12)
        // One array per input feature: numbers, or level names for a categorical one.
        var inputs = featureIndices.map { index in
            PostgresArray(of: schema.features[index].kind == .numeric ? .float8 : .text, capacity: predictions.count * 12)
        }
        for (id, prediction, values) in predictions {
            for (column, (index, value)) in zip(featureIndices, values).enumerated() {
                switch schema.features[index].kind {
                case .numeric: inputs[column].append(value.isNaN ? nil : value)
                case .categorical: inputs[column].append(value.isNaN ? nil : coding.levelText(value, feature: index))
                }
            }
            ids.append(id)
            predicted.append(classes[prediction.predictedClass])
            confidences.append(prediction.confidence)
            probabilities.append(coding.probabilitiesText(prediction.probabilities))
            versions.append(Int32(clamping: prediction.modelVersion))
            times.append(prediction.predictedAt.timeIntervalSince1970)
        }
        var binds = PostgresBindings(capacity: 6 + inputs.count)
        for array in [ids, predicted, confidences, probabilities, versions, times] + inputs { binds.append(array) }
        let inputNames = inputs.indices.map { "i\($0)" }
        let parameters = (1...(6 + inputs.count)).map { "$\($0)" }.joined(separator: ", ")
        let unchanged = zip(featureIndices, inputNames).map { " AND w.\(tables.featureColumns[$0]) IS NOT DISTINCT FROM p.\($1)" }.joined()
        let sql = """
            WITH updated AS (
                UPDATE \(tables.warehouse) AS w SET predicted_class = p.predicted_class, confidence = p.confidence,
                    probabilities = p.probabilities, model_version = p.model_version, predicted_at = p.predicted_at
                FROM unnest(\(parameters))
                    AS p(\((["id", "predicted_class", "confidence", "probabilities", "model_version", "predicted_at"] + inputNames).joined(separator: ", ")))
                JOIN \(tables.warehouseIDs) k ON k.id = p.id
                WHERE w.\(tables.partitionColumn) = k.partition AND w.\(tables.idColumn) = p.id\(unchanged)
                RETURNING 1
            ), versioned AS (
                UPDATE \(tables.dataVersion) SET version = version + 1 WHERE EXISTS (SELECT 1 FROM updated)
            )
            SELECT count(*) FROM updated
            """
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await store.run(.warehouse) { client in try await PostgresStore.count(client, query) }
    }

    public func countsByPartition() async throws -> [String: Int] {
        let sql = "SELECT \(tables.partitionColumn), count(*) FROM \(tables.warehouse) GROUP BY 1"
        return try await store.run(.warehouse, bulk: true) { client in
            var counts: [String: Int] = [:]
            for try await (partition, count) in try await client.query(PostgresQuery(unsafeSQL: sql)).decode((String, Int).self) {
                counts[partition] = count
            }
            return counts
        }
    }

    public func summariesByPartition() async throws -> [PartitionSummary] {
        let tables = tables
        let query = PostgresQuery(unsafeSQL: tables.summaryQuery(.postgres))
        return try await store.run(.warehouse, bulk: true) { client in
            var builder = PartitionSummaryBuilder(tables: tables)
            for try await row in try await client.query(query) {
                let cells = row.makeRandomAccess()
                let sums = try tables.numericFeatureIndices.indices.map {
                    (sum: try cells[5 + 2 * $0].decode(Double?.self), count: try cells[6 + 2 * $0].decode(Int.self))
                }
                try builder.add(
                    partition: try cells[0].decode(String.self), storedClass: try cells[1].decode(String.self),
                    count: try cells[2].decode(Int.self), usable: try cells[3].decode(Int.self), scored: try cells[4].decode(Int.self), sums: sums
                )
            }
            return builder.result
        }
    }

    public func usableAndScoredByPartition() async throws -> [String: UsableAndScored] {
        let query = PostgresQuery(unsafeSQL: tables.usableAndScoredQuery(.postgres))
        return try await store.run(.warehouse, bulk: true) { client in
            var counts: [String: UsableAndScored] = [:]
            for try await (partition, usable, scored) in try await client.query(query).decode((String, Int, Int).self) {
                counts[partition] = UsableAndScored(usable: usable, scored: scored)
            }
            return counts
        }
    }

    public func count() async throws -> Int {
        let table = tables.warehouse
        return try await store.run(.warehouse, bulk: true) { client in try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)") }
    }

    public func dataVersion() async throws -> Int64 {
        let sql = "SELECT version FROM \(tables.dataVersion)"
        return try await store.run(.warehouse) { client in
            for try await version in try await client.query(PostgresQuery(unsafeSQL: sql)).decode(Int64.self) { return version }
            return 0
        }
    }

    public func savedAggregate(named name: String) async throws -> SavedAggregate? {
        let table = tables.aggregates
        let fingerprint = schema.fingerprint
        return try await store.run(.warehouse) { client in
            let rows = try await client.query("SELECT version, body FROM \(unescaped: table) WHERE name = \(name) AND fingerprint = \(fingerprint)")
            for try await (version, body) in rows.decode((Int64, Data).self) { return SavedAggregate(version: version, body: body) }
            return nil
        }
    }

    public func savedAggregateVersion(named name: String) async throws -> Int64? {
        let table = tables.aggregates
        let fingerprint = schema.fingerprint
        return try await store.run(.warehouse) { client in
            let rows = try await client.query("SELECT version FROM \(unescaped: table) WHERE name = \(name) AND fingerprint = \(fingerprint)")
            for try await version in rows.decode(Int64.self) { return version }
            return nil
        }
    }

    public func saveAggregate(_ body: Data, named name: String, version: Int64) async throws {
        let (table, fingerprint) = (tables.aggregates, schema.fingerprint)
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(fingerprint)
        binds.append(version)
        try binds.append(body)
        let save = PostgresQuery(unsafeSQL: tables.saveAggregate(.postgres), binds: binds)
        try await store.transaction(.warehouse) { connection in
            try await connection.query("DELETE FROM \(unescaped: table) WHERE fingerprint <> \(fingerprint)", logger: store.logger)
            try await connection.query(save, logger: store.logger)
        }
    }

    /// The change log `ds_<name>_changes`, written by ``upsert(_:)``.
    private var changeLog: PostgresChangeLog { PostgresChangeLog(store: store, table: tables.changes, idColumn: "id") }

    public func latestChange() async throws -> Int64 { try await changeLog.latestChange() }

    public func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        try await changeLog.changes(after: after, limit: limit)
    }

    public func pruneChanges(before date: Date) async throws { try await changeLog.pruneChanges(before: date) }

    /// The partition that holds a record's row (`ds_<name>_warehouse_p0`, ...), or nil when there is no row.
    public func partition(ofRecord id: String) async throws -> String? {
        let sql = """
            SELECT w.tableoid::regclass::text FROM \(tables.warehouseIDs) k
            JOIN \(tables.warehouse) w ON w.\(tables.partitionColumn) = k.partition AND w.\(tables.idColumn) = k.id
            WHERE k.id = $1
            """
        var binds = PostgresBindings()
        binds.append(id)
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await store.run(.warehouse) { client -> String? in
            for try await name in try await client.query(query).decode(String.self) { return name }
            return nil
        }
    }

    private func collect(_ query: PostgresQuery) async throws -> [StoredRecord] {
        let schema = tables.schema
        let coding = coding
        return try await store.run(.warehouse) { client in
            var records: [StoredRecord] = []
            for try await row in try await client.query(query) {
                let cells = row.makeRandomAccess()
                let id = try cells[0].decode(String.self)
                var features: [Double?] = []
                for (index, feature) in schema.features.enumerated() {
                    switch feature.kind {
                    case .numeric: features.append(try cells[index + 2].decode(Double?.self))
                    case .categorical: features.append(try cells[index + 2].decode(String?.self).map { try coding.level($0, feature: index, id: id) })
                    }
                }
                let record = DatasetRecord(id: id, targetClass: try coding.targetClass(try cells[1].decode(String.self), id: id), features: features)
                let base = schema.features.count + 2
                var prediction: RecordPrediction?
                if let predicted = try cells[base].decode(String?.self), let text = try cells[base + 1].decode(String?.self),
                   let version = try cells[base + 2].decode(Int32?.self), let time = try cells[base + 3].decode(Double?.self) {
                    prediction = RecordPrediction(
                        predictedClass: try coding.targetClass(predicted, id: id), probabilities: try coding.probabilities(text, id: id),
                        modelVersion: Int(version), predictedAt: Date(timeIntervalSince1970: time))
                }
                records.append(StoredRecord(record: record, prediction: prediction))
            }
            return records
        }
    }
}

/// The rows of one `FETCH`, gathered as the connection's event loop hands them over (one at a
/// time: the callbacks of a query do not overlap, and the rows are read once it is done).
private final class RowBatch: @unchecked Sendable {
    private(set) var rows: [PostgresRow] = []

    func append(_ row: PostgresRow) { rows.append(row) }
}
