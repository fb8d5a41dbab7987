import Foundation
import GRDB
import PenguinsCore

/// The prediction log of one dataset in SQLite: table `ds_<name>_prediction_log`, one row per
/// logged prediction in append order (its autoincrement id), the features as one JSON object by
/// name, the class by name and the probabilities as a JSON object by class name.
public struct SQLiteRecordPredictionLog: RecordPredictionLog {
    let pool: DatabasePool
    let tables: DatasetTables
    let coding: RecordCoding

    init(pool: DatabasePool, tables: DatasetTables) {
        self.pool = pool
        self.tables = tables
        coding = RecordCoding(schema: tables.schema)
    }

    public var schema: DatasetSchema { tables.schema }

    /// Appends entries in one transaction, in the given order.
    ///
    /// A server appends a batch every few hundred milliseconds for as long as it runs: the
    /// writer connection then hands the cached pages of the growing table back, so its page
    /// cache does not fill up with pages of the log that no one reads again.
    public func append(_ entries: [RecordLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let (table, coding, classes) = (tables.predictionLog, coding, schema.target.classes)
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction {
                let statement = try db.makeStatement(sql: """
                    INSERT INTO \(table) (inputs, predicted_class, probabilities, model_version, predicted_at, prediction_id)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for entry in entries {
                    statement.bind(coding.inputsText(entry.features), at: 1)
                    statement.bind(classes[entry.prediction.predictedClass], at: 2)
                    statement.bind(coding.probabilitiesText(entry.prediction.probabilities), at: 3)
                    statement.bind(entry.prediction.modelVersion, at: 4)
                    statement.bind(entry.prediction.predictedAt.timeIntervalSince1970, at: 5)
                    statement.bind(entry.predictionID, at: 6)
                    try statement.stepToCompletion(in: db)
                }
                return .commit
            }
            Self.releaseCachedPages(db)
        }
    }

    /// The newest entries first, at most `limit`, read through the SQLite C API (``LogEntryReader``).
    public func recent(limit: Int) async throws -> [RecordLogEntry] {
        guard limit > 0 else { return [] }
        let (table, reader) = (tables.predictionLog, LogEntryReader(schema: schema))
        return try await pool.readInBackground { db in
            defer { Self.releaseCachedPages(db) }
            let statement = try db.makeStatement(sql: """
                SELECT id, inputs, predicted_class, probabilities, model_version, predicted_at
                FROM \(table) ORDER BY id DESC LIMIT ?
                """)
            try statement.setArguments([limit])
            var entries: [RecordLogEntry] = []
            entries.reserveCapacity(min(limit, 1 << 20))
            try RecordColumnReader.forEachRow(statement) { entries.append(try reader.entry($0)) }
            return entries
        }
    }

    /// The newest entries, at most `limit`, column by column and oldest first.
    ///
    /// The log's ids run on without gaps (it is only appended to), so the newest `limit` are
    /// the last `limit` ids: their range is cut in two and the halves are read side by side on
    /// two reader connections. Should ids be missing, the rest is read below the range.
    public func columns(limit: Int) async throws -> LogColumns {
        let featureCount = schema.features.count
        guard limit > 0 else { return LogColumns(featureCount: featureCount) }
        let table = tables.predictionLog
        let newest = try await pool.readInBackground { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM \(table)") }
        guard let newest else { return LogColumns(featureCount: featureCount) }
        let first = newest - Int64(limit) + 1, middle = newest - Int64(limit / 2) + 1
        async let older = read(ids: "id >= ? AND id < ?", [first, middle])
        async let newer = read(ids: "id >= ? AND id <= ?", [middle, newest])
        var result = try await older
        result.append(contentsOf: try await newer)
        if result.count < limit {
            var missing = try await read(ids: "id < ?", [first], newestFirst: limit - result.count)
            missing.append(contentsOf: result)
            result = missing
        }
        return result
    }

    /// The entries whose ids meet `condition`, oldest first; with `newestFirst`, only that many
    /// of the newest.
    private func read(ids condition: String, _ arguments: [Int64], newestFirst: Int? = nil) async throws -> LogColumns {
        let (table, reader, featureCount) = (tables.predictionLog, LogEntryReader(schema: schema), schema.features.count)
        return try await pool.readInBackground { db in
            defer { Self.releaseCachedPages(db) }
            let order = newestFirst.map { "ORDER BY id DESC LIMIT \($0)" } ?? "ORDER BY id"
            let statement = try db.makeStatement(sql: """
                SELECT id, inputs, predicted_class, predicted_at FROM \(table) WHERE \(condition) \(order)
                """)
            try statement.setArguments(StatementArguments(arguments))
            var columns = LogColumns(featureCount: featureCount)
            var scratch = [Double](repeating: .nan, count: featureCount)
            try RecordColumnReader.forEachRow(statement) { try reader.appendColumns($0, to: &columns, scratch: &scratch) }
            return newestFirst == nil ? columns : columns.reordered(Array((0..<columns.count).reversed()))
        }
    }

    /// The number of logged predictions.
    public func count() async throws -> Int {
        let table = tables.predictionLog
        return try await pool.readInBackground { db in
            defer { Self.releaseCachedPages(db) }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
        }
    }

    /// Records ground truth in one transaction: a prediction's is copied with the logged entry
    /// it judges (found by its id), a row's with the prediction given; rolled back if any
    /// prediction id is not in the log.
    public func record(_ feedback: [Feedback]) async throws -> [Int] {
        guard !feedback.isEmpty else { return [] }
        let (log, table, classes, coding) = (tables.predictionLog, tables.feedback, schema.target.classes, coding)
        let (columns, upsert) = (DatasetTables.feedbackColumns, DatasetTables.feedbackUpsert)
        return try await pool.writeWithoutTransaction { db in
            var unmatched: [Int] = []
            try db.inTransaction {
                let logged = try db.makeStatement(sql: """
                    INSERT INTO \(table) (\(columns))
                    SELECT 'prediction', prediction_id, predicted_class, ?, inputs, model_version, predicted_at, ?
                    FROM \(log) WHERE prediction_id = ? \(upsert)
                    """)
                let given = try db.makeStatement(sql: """
                    INSERT INTO \(table) (\(columns))
                    VALUES ('row', ?, ?, ?, ?, ?, ?, ?) \(upsert)
                    """)
                for (index, item) in feedback.enumerated() {
                    switch item.subject {
                    case .prediction(let id):
                        try logged.execute(arguments: [classes[item.actualClass], item.recordedAt.timeIntervalSince1970, id])
                        if db.changesCount == 0 { unmatched.append(index) }
                    case .row(let id, let prediction, let features):
                        try given.execute(arguments: [
                            id, classes[prediction.predictedClass], classes[item.actualClass], coding.inputsText(features), prediction.modelVersion,
                            prediction.predictedAt.timeIntervalSince1970, item.recordedAt.timeIntervalSince1970,
                        ])
                    }
                }
                return unmatched.isEmpty ? .commit : .rollback
            }
            return unmatched
        }
    }

    /// The predictions with ground truth, oldest prediction first.
    public func labelled(since: Date?) async throws -> [LabelledPrediction] {
        let (table, coding) = (tables.feedback, coding)
        return try await pool.readInBackground { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT predicted_class, actual_class, model_version, predicted_at, recorded_at, inputs FROM \(table)
                WHERE predicted_at >= ? ORDER BY predicted_at, subject, reference
                """, arguments: [since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude])
            var labelled: [LabelledPrediction] = []
            while let row = try rows.next() {
                let (predicted, actual): (String, String) = (row[0], row[1])
                labelled.append(LabelledPrediction(
                    features: try coding.features(inputs: row[5], entry: "feedback"),
                    predictedClass: try coding.targetClass(predicted, id: "feedback"),
                    actualClass: try coding.targetClass(actual, id: "feedback"),
                    modelVersion: row[2], predictedAt: Date(timeIntervalSince1970: row[3]),
                    recordedAt: Date(timeIntervalSince1970: row[4])
                ))
            }
            return labelled
        }
    }

    /// Hands a connection's cached pages back after a scan of the log: the log only grows,
    /// and a long-running server would otherwise keep a full page cache of it per connection.
    static func releaseCachedPages(_ db: Database) {
        try? db.execute(sql: "PRAGMA shrink_memory")
    }
}
