import Foundation
import GRDB
import PenguinsCore

/// A table of cached predictions in SQLite: text values keyed by (id, model version), each with
/// an expiry time, optionally scoped to the rows whose `scope` column holds one value (a
/// dataset's entries in the table every dataset shares), and the recorded coherence position
/// under `stateName` in `prediction_cache_state`.
///
/// An entry whose expiry time is not after `now` is invisible to reads; expired entries are
/// deleted lazily, whenever predictions are stored.
struct SQLiteExpiringTable: Sendable {
    let pool: DatabasePool
    let now: @Sendable () -> Date
    let stateName: String
    private let scope: String?
    private let lookup, purge, insert, removal, clearing, counting: String

    /// `table` keyed (`idColumn`, model_version), within the rows whose `scope` column is the value.
    init(pool: DatabasePool, now: @escaping @Sendable () -> Date, table: String, idColumn: String, scope: (column: String, value: String)?, stateName: String) {
        self.pool = pool
        self.now = now
        self.stateName = stateName
        self.scope = scope?.value
        let within = scope.map { "\($0.column) = ? AND " } ?? ""
        lookup = "SELECT prediction FROM \(table) WHERE \(within)\(idColumn) = ? AND model_version = ? AND expires_at > ?"
        purge = "DELETE FROM \(table) WHERE \(within)expires_at <= ?"
        let columns = (scope.map { [$0.column] } ?? []) + [idColumn, "model_version", "prediction", "expires_at"]
        insert = "INSERT OR REPLACE INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
        removal = "DELETE FROM \(table) WHERE \(within)\(idColumn) = ?"
        clearing = "DELETE FROM \(table)" + (scope.map { " WHERE \($0.column) = ?" } ?? "")
        counting = "SELECT COUNT(*) FROM \(table) WHERE \(within)expires_at > ?"
    }

    /// The scope's value (if any) followed by `values`.
    private func arguments(_ values: any DatabaseValueConvertible...) -> StatementArguments {
        StatementArguments((scope.map { [$0 as any DatabaseValueConvertible] } ?? []) + values)
    }

    /// The text of the live entry of (`id`, `modelVersion`), or nil. A point lookup, run on the
    /// calling thread: cheaper than a hop to a reader queue.
    func text(id: String, modelVersion: Int) throws -> String? {
        let arguments = arguments(id, modelVersion, now().timeIntervalSince1970)
        return try pool.readOnCallingThread { db in try String.fetchOne(db.cachedStatement(sql: lookup), arguments: arguments) }
    }

    /// Stores texts for `ttlSeconds` in one transaction, refreshing the expiry of keys written
    /// again, and purges expired entries.
    func store(_ entries: [(id: String, modelVersion: Int, text: String)], ttlSeconds: Int) async throws {
        let now = now().timeIntervalSince1970
        let expiresAt = now + Double(ttlSeconds)
        let purging = arguments(now)
        try await pool.write { db in
            try db.execute(sql: purge, arguments: purging)
            let statement = try db.makeStatement(sql: insert)
            for (id, modelVersion, text) in entries {
                try statement.execute(arguments: arguments(id, modelVersion, text, expiresAt))
            }
        }
    }

    /// Removes every entry of these ids, whatever their model version (the key starts with the
    /// id), in one transaction.
    func remove(ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.makeStatement(sql: removal)
            for id in ids { try statement.execute(arguments: arguments(id)) }
        }
    }

    func removeAll() async throws {
        let arguments = arguments()
        try await pool.write { db in try db.execute(sql: clearing, arguments: arguments) }
    }

    /// The number of live (unexpired) entries.
    func count() async throws -> Int {
        let arguments = arguments(now().timeIntervalSince1970)
        return try await pool.readInBackground { db in try Int.fetchOne(db, sql: counting, arguments: arguments) ?? 0 }
    }

    /// The warehouse change up to which the entries are coherent (`prediction_cache_state`).
    func coherentThrough() async throws -> Int64? {
        try await pool.readInBackground { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM prediction_cache_state WHERE name = ?", arguments: [stateName])
        }
    }

    func setCoherentThrough(_ sequence: Int64) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO prediction_cache_state (name, value) VALUES (?, ?)", arguments: [stateName, sequence])
        }
    }
}

/// The prediction cache of one dataset in SQLite, shared by every process that opens the same
/// data directory: its rows of table `dataset_prediction_cache` keyed (dataset, id,
/// model_version), with the prediction as JSON and its expiry time. The penguins' cache keeps
/// the table of the platform's first cache, `prediction_cache` keyed (penguin_id, model_version).
public struct SQLiteRecordPredictionCache: RecordPredictionCache {
    let table: SQLiteExpiringTable
    /// The classes by which an entry the first cache wrote (by species name) is read.
    let legacyClasses: [String]?

    init(pool: DatabasePool, now: @escaping @Sendable () -> Date, dataset: String) {
        table = SQLiteExpiringTable(
            pool: pool, now: now, table: "dataset_prediction_cache", idColumn: "id", scope: ("dataset", dataset),
            stateName: "coherent_through:\(dataset)")
        legacyClasses = nil
    }

    /// The penguins' cache, in the table of the platform's first cache; its entries of before are
    /// read as they were written.
    init(penguinsIn pool: DatabasePool, now: @escaping @Sendable () -> Date, schema: DatasetSchema) {
        table = SQLiteExpiringTable(
            pool: pool, now: now, table: "prediction_cache", idColumn: "penguin_id", scope: nil, stateName: "coherent_through")
        legacyClasses = schema.target.classes
    }

    public func prediction(id: String, modelVersion: Int) async throws -> RecordPrediction? {
        try table.text(id: id, modelVersion: modelVersion).map { try PredictionText.recordPrediction(parsing: $0, legacyClasses: legacyClasses) }
    }

    public func store(_ predictions: [(id: String, prediction: RecordPrediction)], ttlSeconds: Int) async throws {
        try await table.store(
            predictions.map { ($0.id, $0.prediction.modelVersion, PredictionText.recordPrediction($0.prediction)) }, ttlSeconds: ttlSeconds)
    }

    /// Removes every entry of these ids, whatever their model version.
    public func remove(ids: [String], modelVersions: [Int]) async throws { try await table.remove(ids: ids) }

    public func removeAll() async throws { try await table.removeAll() }

    public func count() async throws -> Int { try await table.count() }

    public func coherentThrough() async throws -> Int64? { try await table.coherentThrough() }

    public func setCoherentThrough(_ sequence: Int64) async throws { try await table.setCoherentThrough(sequence) }
}
