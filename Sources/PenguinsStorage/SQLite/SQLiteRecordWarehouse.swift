import Foundation
import GRDB
import GRDBSQLite
import PenguinsCore

/// The warehouse of one dataset in SQLite: table `ds_<name>_warehouse`, its columns from the
/// schema (see ``DatasetTables``), keyed (partition, id) `WITHOUT ROWID` so a partition's rows
/// lie together in id order, with a unique index on the id. A trigger logs the ids of rows whose
/// target or features change in `ds_<name>_changes`.
public struct SQLiteRecordWarehouse: RecordWarehouse {
    let pool: DatabasePool
    let tables: DatasetTables
    let coding: RecordCoding
    let reader: RecordColumnReader
    /// The reads of stored records, made once: by id, and a partition's first and next pages.
    private let recordByID: String
    private let firstPage: String
    private let nextPage: String

    init(pool: DatabasePool, tables: DatasetTables) {
        self.pool = pool
        self.tables = tables
        coding = RecordCoding(schema: tables.schema)
        reader = RecordColumnReader(schema: tables.schema)
        // The columns ``RecordColumnReader/storedRecord(_:)`` reads, in its order.
        let selection = (tables.recordColumns + ["predicted_class", "probabilities", "model_version", "predicted_at"]).joined(separator: ", ")
        let (id, partition) = (tables.idColumn, tables.partitionColumn)
        recordByID = "SELECT \(selection) FROM \(tables.warehouse) WHERE \(id) = ?"
        firstPage = "SELECT \(selection) FROM \(tables.warehouse) WHERE \(partition) = ? ORDER BY \(id) LIMIT ?"
        nextPage = "SELECT \(selection) FROM \(tables.warehouse) WHERE \(partition) = ? AND \(id) > ? ORDER BY \(id) LIMIT ?"
    }

    public var schema: DatasetSchema { tables.schema }

    /// Inserts or updates records in one transaction, many rows per statement. The prediction
    /// columns are cleared when the target or a feature changes; an identical row is not rewritten.
    @discardableResult
    public func upsert(_ records: [DatasetRecord]) async throws -> UpsertOutcome {
        let records = records.lastOfEachID(\.id)
        guard !records.isEmpty else { return UpsertOutcome(version: try await dataVersion(), change: .none, records: 0) }
        let schema = tables.schema
        let coding = coding
        let columns = tables.recordColumns + ["usable_for_training"]
        let unchanged = tables.unchangedInputs(stored: tables.warehouse, incoming: "excluded", equality: "IS")
        let updates = (Array(tables.recordColumns.dropFirst()) + ["usable_for_training"]).map { "\($0) = excluded.\($0)" }
            + DatasetTables.predictionColumns.map {
                "\($0) = CASE WHEN \(unchanged) THEN \(tables.warehouse).\($0) END"
            }
        let head = "INSERT INTO \(tables.warehouse) (\(columns.joined(separator: ", ")))"
        let clause = """
            ON CONFLICT (\(tables.idColumn)) DO UPDATE SET \(updates.joined(separator: ", "))
            WHERE NOT (\(unchanged) AND \(tables.warehouse).usable_for_training IS excluded.usable_for_training)
            """
        let usable = schema.usableForTraining(records)
        let (nextDataVersion, insertionLog) = (tables.nextDataVersion, insertionLog)
        let version = "SELECT version FROM \(tables.dataVersion)"
        let replacedAt = columnRead(featureIndices: Array(schema.features.indices), predictions: false, from: tables.replaced)
        let replacedSQL = replacedAt.select + " WHERE version = ?"
        let stored = "SELECT \(tables.idColumn) FROM \(tables.warehouse) WHERE \(tables.idColumn) IN (SELECT value FROM json_each(?))"
        let ids = records.map(\.id)
        let texts = Self.texts(of: records, coding: coding)
        // The log's text when every record is new, as on a first ingestion: made before the
        // write, so the writer does not.
        let idsText = SQLiteInsertionLog.jsonArray(ids)
        return try await pool.write { db in
            // The version moves first: the trigger logs the values updates replace at the
            // version this upsert makes.
            try db.execute(sql: nextDataVersion)
            let made = try Int64.fetchOne(db, sql: version) ?? 0
            // As many rows per statement as the penguins' warehouse writes, fewer for a schema so
            // wide that they would pass SQLite's limit of 32,766 parameters a statement.
            let rowsPerStatement = max(1, min(256, 32_000 / columns.count))
            func write() throws -> (written: Int, previous: RecordColumns) {
                let written = try texts.bytes.withUnsafeBufferPointer { bytes in
                    func text(_ index: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: bytes[texts.range(index)]) }
                    return try db.insertRows(Array(records.indices), head: head, columnCount: columns.count, clause: clause, rowsPerStatement: rowsPerStatement) { statement, index, first in
                        let record = records[index]
                        statement.bindStaticText(text(index), at: first)
                        statement.bindStaticText(text(texts.classes + record.targetClass), at: first + 1)
                        for (offset, kind) in coding.kinds.enumerated() {
                            let position = first + 2 + Int32(offset)
                            switch kind {
                            case .numeric:
                                if let value = record.features[offset] { statement.bind(value, at: position) } else { statement.bindNull(at: position) }
                            case .categorical:
                                if let level = texts.level(record.features[offset], feature: offset) {
                                    statement.bindStaticText(text(level), at: position)
                                } else {
                                    statement.bindNull(at: position)
                                }
                            }
                        }
                        statement.bind(usable[index] ? 1 : 0, at: first + 2 + Int32(schema.features.count))
                    }
                }
                // Every written row is an insertion or an update, and the trigger logged each update.
                return (written, try replacedAt.run(db, sql: replacedSQL, arguments: [made]))
            }
            // Every record not updated was either new or stored as it is: when both happened,
            // which is which is told by the ids stored before the write, so the write is undone,
            // they are read, and it is made again.
            var (written, previous) = (0, RecordColumns(features: []))
            var told: [String]? = nil
            try db.inSavepoint {
                (written, previous) = try write()
                told = Self.insertedIDs(ids, written: written, updated: previous)
                return told == nil ? .rollback : .commit
            }
            let inserted: [String]
            if let told {
                inserted = told
            } else {
                let before = Set(try String.fetchAll(db, sql: stored, arguments: [idsText]))
                (written, previous) = try write()
                inserted = ids.filter { !before.contains($0) }
            }
            let change: UpsertOutcome.Change = written == 0 ? .none : previous.count == 0 && inserted.count == records.count ? .insertedAll : .other
            if change != .none {
                try insertionLog.record(db, insertedText: inserted.count == ids.count ? idsText : SQLiteInsertionLog.jsonArray(inserted))
            }
            return UpsertOutcome(
                version: made, change: change, records: records.count,
                changes: change == .other ? UpsertChanges(inserted: inserted, previous: previous) : nil
            )
        }
    }

    /// The texts an upsert of `records` binds: each record's id (by the record's index), then
    /// the schema's classes, then each categorical feature's levels.
    static func texts(of records: [DatasetRecord], coding: RecordCoding) -> UpsertTexts {
        var texts = BoundTexts(capacity: records.count * 12)
        for record in records { texts.append(record.id) }
        let classes = records.count
        for name in coding.classes { texts.append(name) }
        let levels = coding.levels.map { $0.map { texts.append($0) } }
        return UpsertTexts(texts: texts, classes: classes, levels: levels)
    }

    /// Which of an upsert's `ids` it inserted, told by the count of rows it `written` and the
    /// rows it `updated`: none when it wrote only updates, the ids not updated when it wrote
    /// every one of them; nil when some records were new and others stored as they are.
    static func insertedIDs(_ ids: [String], written: Int, updated: RecordColumns) -> [String]? {
        let inserted = written - updated.count
        if inserted == 0 { return [] }
        guard inserted + updated.count == ids.count else { return nil }
        let updatedIDs = Set(updated.ids)
        return ids.filter { !updatedIDs.contains($0) }
    }

    public func record(id: String) async throws -> StoredRecord? {
        let (sql, reader) = (recordByID, reader)
        // A point read, run on the calling thread (see `readOnCallingThread`).
        return try pool.readOnCallingThread { db in
            let statement = try db.cachedStatement(sql: sql)
            try statement.setArguments([id])
            var found: StoredRecord?
            try RecordColumnReader.forEachRow(statement) { found = try reader.storedRecord($0) }
            return found
        }
    }

    public func scan(partition: String, after: String?, limit: Int) async throws -> [StoredRecord] {
        guard limit > 0 else { return [] }
        let (firstPage, nextPage, reader) = (firstPage, nextPage, reader)
        return try await pool.readInBackground { db in
            let statement: Statement
            if let after {
                statement = try db.cachedStatement(sql: nextPage)
                try statement.setArguments([partition, after, limit])
            } else {
                statement = try db.cachedStatement(sql: firstPage)
                try statement.setArguments([partition, limit])
            }
            var records: [StoredRecord] = []
            records.reserveCapacity(limit)
            try RecordColumnReader.forEachRow(statement) { records.append(try reader.storedRecord($0)) }
            return records
        }
    }

    /// Every record's id, class and chosen features in one pass over the table.
    public func columns(featureIndices: [Int], predictions: Bool) async throws -> RecordColumns {
        let read = columnRead(featureIndices: featureIndices, predictions: predictions)
        // In the table's key order: one pass over the table, no lookup through the id index.
        let sql = read.select + " ORDER BY \(tables.partitionColumn), \(tables.idColumn)"
        return try await pool.readInBackground { db in try read.run(db, sql: sql) }
    }

    /// The columns folded a chunk at a time as the table is read, in one read transaction;
    /// each chunk is folded on a thread of its own (``ChunkFolder``) while the next is read.
    public func foldColumns<State: Sendable>(
        featureIndices: [Int], chunk: Int, into initial: State,
        _ fold: @escaping @Sendable (inout State, RecordColumns) -> Bool
    ) async throws -> (version: Int64, state: State)? {
        let read = columnRead(featureIndices: featureIndices, predictions: false)
        let sql = read.select + " ORDER BY \(tables.partitionColumn), \(tables.idColumn)"
        let version = "SELECT version FROM \(tables.dataVersion)"
        return try await pool.readAtLowPriority { db in
            let current = try Int64.fetchOne(db, sql: version) ?? 0
            // Each chunk folded on a thread of its own while the next is read.
            let folder = ChunkFolder(into: initial, fold)
            do {
                _ = try read.run(db, sql: sql, chunk: chunk) { folder.offer($0) }
            } catch {
                _ = folder.finish()
                throw error
            }
            return folder.finish().map { (current, $0) }
        }
    }

    /// The records the insertion log names after `version` and the values the replaced log
    /// holds since, the records read by id, in one read transaction.
    public func changes(after version: Int64, featureIndices: [Int], limit: Int) async throws -> RecordChanges? {
        let read = columnRead(featureIndices: featureIndices, predictions: false)
        let byIDs = read.select + " WHERE \(tables.idColumn) IN (SELECT value FROM json_each(?))"
        let replaced = columnRead(featureIndices: featureIndices, predictions: false, from: tables.replaced)
        let replacedSince = replaced.select + " WHERE version > ? ORDER BY version, rowid"
        let (current, log) = ("SELECT version FROM \(tables.dataVersion)", "SELECT ids FROM \(tables.insertions) WHERE version > ? ORDER BY version")
        let replacedCount = "SELECT count(*) FROM \(tables.replaced) WHERE version > ?"
        return try await pool.readInBackground { db in
            let now = try Int64.fetchOne(db, sql: current) ?? 0
            guard now >= version else { return nil }
            var inserted: [String] = []
            for ids in try Optional<String>.fetchAll(db, sql: log, arguments: [version]) {
                guard let ids else { return nil }
                inserted += try JSONDecoder().decode([String].self, from: Data(ids.utf8))
                guard inserted.count <= limit else { return nil }
            }
            guard inserted.count + (try Int.fetchOne(db, sql: replacedCount, arguments: [version]) ?? 0) <= limit else { return nil }
            let previous = RecordChanges.valuesAtStart(of: try replaced.run(db, sql: replacedSince, arguments: [version]), inserted: inserted)
            let readByID = { (ids: [String]) in
                ids.isEmpty ? RecordColumns(features: Array(repeating: [], count: featureIndices.count))
                    : try read.run(db, sql: byIDs, arguments: [SQLiteInsertionLog.jsonArray(ids)])
            }
            // A record updated and since gone (removed by hand: the platform deletes none) cannot
            // be followed.
            let current = try readByID(previous.ids).ordered(as: previous.ids)
            guard current.count == previous.count else { return nil }
            return RecordChanges(version: now, inserted: try readByID(inserted), previous: previous, current: current)
        }
    }

    public func savedAggregate(named name: String) async throws -> SavedAggregate? {
        let sql = "SELECT version, body FROM \(tables.aggregates) WHERE name = ? AND fingerprint = ?"
        let fingerprint = schema.fingerprint
        return try await pool.readInBackground { db in
            try Row.fetchOne(db, sql: sql, arguments: [name, fingerprint]).map { SavedAggregate(version: $0[0], body: $0[1]) }
        }
    }

    public func savedAggregateVersion(named name: String) async throws -> Int64? {
        let sql = "SELECT version FROM \(tables.aggregates) WHERE name = ? AND fingerprint = ?"
        let fingerprint = schema.fingerprint
        return try await pool.readInBackground { db in try Int64.fetchOne(db, sql: sql, arguments: [name, fingerprint]) }
    }

    public func saveAggregate(_ body: Data, named name: String, version: Int64) async throws {
        let (save, table, fingerprint) = (tables.saveAggregate(.sqlite), tables.aggregates, schema.fingerprint)
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM \(table) WHERE fingerprint <> ?", arguments: [fingerprint])
            try db.execute(sql: save, arguments: [name, fingerprint, version, body])
        }
    }

    /// A read of ids, classes and the features of `featureIndices` (and with `predictions`, each
    /// record's predicted class and model version) into ``RecordColumns``.
    /// `table`: the warehouse unless another of its columns is named (``DatasetTables/replaced``).
    private func columnRead(featureIndices: [Int], predictions: Bool, from table: String? = nil) -> ColumnRead {
        let selected = [tables.idColumn, tables.targetColumn] + featureIndices.map { tables.featureColumns[$0] }
            + (predictions ? ["predicted_class", "model_version"] : [])
        return ColumnRead(
            select: "SELECT \(selected.joined(separator: ", ")) FROM \(table ?? tables.warehouse)",
            reader: reader, featureIndices: featureIndices, predictions: predictions
        )
    }

    private var insertionLog: SQLiteInsertionLog {
        SQLiteInsertionLog(table: tables.insertions, replaced: tables.replaced, dataVersion: tables.dataVersion)
    }

    @discardableResult
    public func writePredictions(
        _ predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])], featureIndices: [Int]
    ) async throws -> Int {
        guard !predictions.isEmpty else { return 0 }
        let coding = coding
        let schema = tables.schema
        let unchanged = featureIndices.map { " AND \(tables.featureColumns[$0]) IS ?" }.joined()
        let nextDataVersion = tables.nextDataVersion
        let sql = """
            UPDATE \(tables.warehouse) SET predicted_class = ?, confidence = ?, probabilities = ?, model_version = ?, predicted_at = ?
            WHERE \(tables.idColumn) = ?\(unchanged)
            """
        return try await pool.write { db in
            let statement = try db.makeStatement(sql: sql)
            var written = 0
            for (id, prediction, inputs) in predictions {
                statement.bind(schema.target.classes[prediction.predictedClass], at: 1)
                statement.bind(prediction.confidence, at: 2)
                statement.bind(coding.probabilitiesText(prediction.probabilities), at: 3)
                statement.bind(prediction.modelVersion, at: 4)
                statement.bind(prediction.predictedAt.timeIntervalSince1970, at: 5)
                statement.bind(id, at: 6)
                for (position, (index, value)) in zip(featureIndices, inputs).enumerated() {
                    let at = Int32(7 + position)
                    if value.isNaN {
                        statement.bindNull(at: at)
                    } else if schema.features[index].kind == .categorical, let level = coding.levelText(value, feature: index) {
                        statement.bind(level, at: at)
                    } else {
                        statement.bind(value, at: at)
                    }
                }
                try statement.stepToCompletion(in: db)
                written += db.changesCount
            }
            if written > 0 { try db.execute(sql: nextDataVersion) }
            return written
        }
    }

    public func countsByPartition() async throws -> [String: Int] {
        let sql = "SELECT \(tables.partitionColumn), COUNT(*) FROM \(tables.warehouse) GROUP BY 1"
        return try await pool.readInBackground { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: sql) { counts[row[0]] = row[1] }
            return counts
        }
    }

    public func summariesByPartition() async throws -> [PartitionSummary] {
        let tables = tables
        let sql = tables.summaryQuery(.sqlite)
        return try await pool.readInBackground { db in
            var builder = PartitionSummaryBuilder(tables: tables)
            for row in try Row.fetchAll(db, sql: sql) {
                let sums = tables.numericFeatureIndices.indices.map { (sum: row[5 + 2 * $0] as Double?, count: row[6 + 2 * $0] as Int) }
                try builder.add(partition: row[0], storedClass: row[1], count: row[2], usable: row[3], scored: row[4], sums: sums)
            }
            return builder.result
        }
    }

    public func usableAndScoredByPartition() async throws -> [String: UsableAndScored] {
        let sql = tables.usableAndScoredQuery(.sqlite)
        return try await pool.readInBackground { db in
            var counts: [String: UsableAndScored] = [:]
            for row in try Row.fetchAll(db, sql: sql) { counts[row[0]] = UsableAndScored(usable: row[1], scored: row[2]) }
            return counts
        }
    }

    public func count() async throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(tables.warehouse)"
        return try await pool.readInBackground { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    /// Read on the calling thread: one row, asked before every cached analysis is served.
    public func dataVersion() async throws -> Int64 {
        let sql = "SELECT version FROM \(tables.dataVersion)"
        return try pool.readOnCallingThread { db in try Int64.fetchOne(db, sql: sql) ?? 0 }
    }

    /// The change log `ds_<name>_changes`, written by the warehouse's trigger.
    private var changeLog: SQLiteChangeLog { SQLiteChangeLog(pool: pool, table: tables.changes, idColumn: "id") }

    public func latestChange() async throws -> Int64 { try await changeLog.latestChange() }

    public func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        try await changeLog.changes(after: after, limit: limit)
    }

    public func pruneChanges(before date: Date) async throws { try await changeLog.pruneChanges(before: date) }
}

/// The texts of an upsert (``SQLiteRecordWarehouse/texts(of:coding:)``) and where its parts begin.
struct UpsertTexts {
    var texts: BoundTexts
    /// The index of the first class's text.
    var classes: Int
    /// Each feature's levels' text indices (none for a numeric feature).
    var levels: [[Int]]

    var bytes: [UInt8] { texts.bytes }
    func range(_ index: Int) -> Range<Int> { texts.range(index) }

    /// The text index of a categorical value (a level index), or nil when missing or unknown,
    /// as ``RecordCoding/levelText(_:feature:)`` reads it.
    func level(_ value: Double?, feature: Int) -> Int? {
        guard let value else { return nil }
        let levels = self.levels[feature]
        let index = Int(value)
        return levels.indices.contains(index) ? levels[index] : nil
    }
}
