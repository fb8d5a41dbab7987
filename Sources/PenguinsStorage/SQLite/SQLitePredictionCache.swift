import Foundation
import GRDB
import PenguinsCore

/// The prediction cache in SQLite, shared by every process that opens the same data directory:
/// table `prediction_cache` keyed (penguin_id, model_version) with the prediction as JSON and
/// its expiry time.
///
/// An entry whose expiry time is not after ``now`` is invisible to reads; expired entries are
/// deleted lazily, whenever predictions are stored.
public struct SQLitePredictionCache: PredictionCache {
    let pool: DatabasePool
    /// The clock that decides expiry.
    let now: @Sendable () -> Date

    /// The cached prediction of `penguinID` by `modelVersion`, or nil when absent or expired.
    public func prediction(penguinID: String, modelVersion: Int) async throws -> Prediction? {
        let now = now().timeIntervalSince1970
        // A point lookup, run on the calling thread: cheaper than a hop to a reader queue.
        let text = try pool.readOnCallingThread { db in
            try String.fetchOne(
                db.cachedStatement(sql: """
                    SELECT prediction FROM prediction_cache WHERE penguin_id = ? AND model_version = ? AND expires_at > ?
                    """),
                arguments: [penguinID, modelVersion, now]
            )
        }
        return try text.map(PredictionText.prediction(parsing:))
    }

    /// Stores predictions for `ttlSeconds` in one transaction, refreshing the expiry of keys
    /// written again, and purges expired entries.
    public func store(_ predictions: [(penguinID: String, prediction: Prediction)], ttlSeconds: Int) async throws {
        let now = now().timeIntervalSince1970
        let expiresAt = now + Double(ttlSeconds)
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM prediction_cache WHERE expires_at <= ?", arguments: [now])
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO prediction_cache (penguin_id, model_version, prediction, expires_at) VALUES (?, ?, ?, ?)
                """)
            for (penguinID, prediction) in predictions {
                statement.bind(penguinID, at: 1)
                statement.bind(prediction.modelVersion, at: 2)
                statement.bind(PredictionText.prediction(prediction), at: 3)
                statement.bind(expiresAt, at: 4)
                try statement.stepToCompletion(in: db)
            }
        }
    }

    /// Removes every entry of these penguins, whatever their model version (the key starts
    /// with the penguin id), in one transaction.
    public func remove(penguinIDs: [String], modelVersions: [Int]) async throws {
        guard !penguinIDs.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.makeStatement(sql: "DELETE FROM prediction_cache WHERE penguin_id = ?")
            for penguinID in penguinIDs {
                statement.bind(penguinID, at: 1)
                try statement.stepToCompletion(in: db)
            }
        }
    }

    /// The warehouse change up to which this cache is coherent (`prediction_cache_state`).
    public func coherentThrough() async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM prediction_cache_state WHERE name = 'coherent_through'")
        }
    }

    /// Records the warehouse change up to which this cache is coherent.
    public func setCoherentThrough(_ sequence: Int64) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO prediction_cache_state (name, value) VALUES ('coherent_through', ?)",
                arguments: [sequence]
            )
        }
    }

    /// Removes every entry.
    public func removeAll() async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM prediction_cache") }
    }

    /// The number of live (unexpired) entries.
    public func count() async throws -> Int {
        let now = now().timeIntervalSince1970
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_cache WHERE expires_at > ?", arguments: [now]) ?? 0
        }
    }
}
