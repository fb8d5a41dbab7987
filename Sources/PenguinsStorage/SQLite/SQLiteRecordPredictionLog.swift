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
                    INSERT INTO \(table) (inputs, predicted_class, probabilities, model_version, predicted_at) VALUES (?, ?, ?, ?, ?)
                    """)
                for entry in entries {
                    statement.bind(coding.inputsText(entry.features), at: 1)
                    statement.bind(classes[entry.prediction.predictedClass], at: 2)
                    statement.bind(coding.probabilitiesText(entry.prediction.probabilities), at: 3)
                    statement.bind(entry.prediction.modelVersion, at: 4)
                    statement.bind(entry.prediction.predictedAt.timeIntervalSince1970, at: 5)
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

    /// The number of logged predictions.
    public func count() async throws -> Int {
        let table = tables.predictionLog
        return try await pool.readInBackground { db in
            defer { Self.releaseCachedPages(db) }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
        }
    }

    /// Hands a connection's cached pages back after a scan of the log: the log only grows,
    /// and a long-running server would otherwise keep a full page cache of it per connection.
    static func releaseCachedPages(_ db: Database) {
        try? db.execute(sql: "PRAGMA shrink_memory")
    }
}
