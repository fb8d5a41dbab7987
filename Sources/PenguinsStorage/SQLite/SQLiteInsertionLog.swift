import Foundation
import GRDB

/// A warehouse's insertion log in SQLite (`ds_<name>_insertions`: a row per upsert, its data
/// version and inserted ids as a JSON array, or NULL when not known), written by each upsert in
/// its transaction, and kept together with the log of the values its updates replaced
/// (`ds_<name>_replaced`).
struct SQLiteInsertionLog {
    let table: String
    let replaced: String
    let dataVersion: String
    /// The upserts the log remembers; a reader further behind reads all the records again.
    static let retained = 256

    /// Logs an upsert that changed records, at the data version the upsert has just made,
    /// with the ids it inserted as their ``jsonArray(_:)``.
    func record(_ db: Database, insertedText: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO \(table) (version, ids) SELECT version, ? FROM \(dataVersion)", arguments: [insertedText])
        // Beyond the retained upserts, the oldest one kept stands for all before it: unknown.
        let sql = "SELECT version FROM \(table) ORDER BY version DESC LIMIT 1 OFFSET \(Self.retained - 1)"
        if let oldest = try Int64.fetchOne(db, sql: sql) {
            try db.execute(sql: "DELETE FROM \(table) WHERE version < ?", arguments: [oldest])
            try db.execute(sql: "DELETE FROM \(replaced) WHERE version <= ?", arguments: [oldest])
            try db.execute(sql: "UPDATE \(table) SET ids = NULL WHERE version = ?", arguments: [oldest])
        }
    }

    /// `strings` as a JSON array: quoted as they are when no character needs escaping (ids
    /// rarely have one), else through the encoder.
    static func jsonArray(_ strings: [String]) -> String {
        guard !strings.isEmpty else { return "[]" }
        let plain = strings.allSatisfy { string in
            string.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        guard plain else { return String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self) }
        return "[\"" + strings.joined(separator: "\",\"") + "\"]"
    }
}
