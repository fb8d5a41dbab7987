import Foundation
import GRDB
import PenguinsCore

/// The prediction log in SQLite: table `prediction_log`, one row per logged prediction, in
/// append order (its autoincrement id).
public struct SQLitePredictionLog: PredictionLog {
    let pool: DatabasePool

    /// Appends entries in one transaction, in the given order.
    ///
    /// A server appends a batch every few hundred milliseconds for as long as it runs: the
    /// writer connection then hands the cached pages of the growing table back, so its page
    /// cache does not fill up with pages of the log that no one reads again.
    public func append(_ entries: [PredictionLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction {
                try insert(entries, db)
                return .commit
            }
            SQLitePredictionLog.releaseCachedPages(db)
        }
    }

    private func insert(_ entries: [PredictionLogEntry], _ db: Database) throws {
        let statement = try db.makeStatement(sql: """
            INSERT INTO prediction_log (
                bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
                species, probabilities, model_version, predicted_at
            ) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for entry in entries {
            statement.bind(entry.measurements.billLength, at: 1)
            statement.bind(entry.measurements.billDepth, at: 2)
            statement.bind(entry.measurements.flipperLength, at: 3)
            statement.bind(entry.measurements.bodyMass, at: 4)
            statement.bind(entry.prediction.species.rawValue, at: 5)
            statement.bind(PredictionText.probabilities(entry.prediction.probabilities), at: 6)
            statement.bind(entry.prediction.modelVersion, at: 7)
            statement.bind(entry.prediction.predictedAt.timeIntervalSince1970, at: 8)
            try statement.stepToCompletion(in: db)
        }
    }

    /// The newest entries first, at most `limit`.
    public func recent(limit: Int) async throws -> [PredictionLogEntry] {
        guard limit > 0 else { return [] }
        return try await pool.readInBackground { db in
            defer { SQLitePredictionLog.releaseCachedPages(db) }
            return try Row.fetchAll(db, sql: """
                SELECT bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
                       species, probabilities, model_version, predicted_at
                FROM prediction_log ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).map { row in
            guard let species = Species(rawValue: row[4]) else {
                throw StorageError.corrupt("the prediction log holds an unknown species \(row[4] as String)")
            }
            return PredictionLogEntry(
                measurements: Measurements(billLength: row[0], billDepth: row[1], flipperLength: row[2], bodyMass: row[3]),
                prediction: Prediction(
                    species: species, probabilities: try PredictionText.probabilities(parsing: row[5]),
                    modelVersion: row[6], predictedAt: Date(timeIntervalSince1970: row[7])
                )
            )
            }
        }
    }

    /// The newest `limit` present values of one feature, oldest first.
    public func values(of feature: Feature, limit: Int) async throws -> [Double] {
        guard limit > 0 else { return [] }
        let column = feature.rawValue
        let newestFirst = try await pool.readInBackground { db in
            defer { SQLitePredictionLog.releaseCachedPages(db) }
            return try Double.fetchAll(db, sql: """
                SELECT \(column) FROM prediction_log WHERE \(column) IS NOT NULL ORDER BY id DESC LIMIT ?
                """, arguments: [limit])
        }
        return newestFirst.reversed()
    }

    /// The number of logged predictions.
    public func count() async throws -> Int {
        try await pool.readInBackground { db in
            defer { SQLitePredictionLog.releaseCachedPages(db) }
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_log") ?? 0
        }
    }

    /// Hands a connection's cached pages back after a scan of the log: the log only grows,
    /// and a long-running server would otherwise keep a full page cache of it per connection.
    static func releaseCachedPages(_ db: Database) {
        try? db.execute(sql: "PRAGMA shrink_memory")
    }
}
