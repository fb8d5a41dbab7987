import Foundation
import GRDB

/// A warehouse's change log in SQLite: `table (sequence INTEGER PRIMARY KEY AUTOINCREMENT,
/// <idColumn> TEXT, changed_at REAL)`, written by a trigger on the warehouse. Reads run on the
/// calling thread: the coherence watchers poll it twice a second.
struct SQLiteChangeLog: ChangeLog {
    let pool: DatabasePool
    let table: String
    let idColumn: String

    func latestChange() async throws -> Int64 {
        let sql = "SELECT COALESCE(MAX(sequence), 0) FROM \(table)"
        return try pool.readOnCallingThread { db in try Int64.fetchOne(db.cachedStatement(sql: sql)) ?? 0 }
    }

    /// The changes logged after `after`, at most `limit`, in one read transaction.
    func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        let bounds = "SELECT MIN(sequence), MAX(sequence) FROM \(table)"
        let read = "SELECT sequence, \(idColumn) FROM \(table) WHERE sequence > ? ORDER BY sequence LIMIT ?"
        return try pool.readOnCallingThread { db in
            let bounds = try Row.fetchOne(db.cachedStatement(sql: bounds))
            let oldest: Int64? = bounds?[0]
            let latest: Int64 = bounds?[1] ?? 0
            let entries = try Row.fetchAll(db.cachedStatement(sql: read), arguments: [after, max(limit, 0) + 1])
                .map { (sequence: $0[0] as Int64, id: $0[1] as String) }
            return .reading(entries, after: after, limit: limit, oldest: oldest, latest: latest)
        }
    }

    /// Drops change log entries older than `date`, keeping the newest.
    func pruneChanges(before date: Date) async throws {
        let sql = "DELETE FROM \(table) WHERE changed_at < ? AND sequence < (SELECT MAX(sequence) FROM \(table))"
        try await pool.write { db in try db.execute(sql: sql, arguments: [date.timeIntervalSince1970]) }
    }
}
