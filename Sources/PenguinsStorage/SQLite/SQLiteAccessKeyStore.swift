import Foundation
import GRDB

/// The API keys in SQLite: table `access_keys (name, role, digest, created_at)`, beside the
/// model registry.
public struct SQLiteAccessKeyStore: AccessKeyStore {
    let pool: DatabasePool

    public func add(_ key: StoredAccessKey) async throws {
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM access_keys WHERE name = ?", arguments: [key.name]) == nil else {
                throw StorageError.alreadyExists("the key \"\(key.name)\"")
            }
            try db.execute(
                sql: "INSERT INTO access_keys (name, role, digest, created_at) VALUES (?, ?, ?, ?)",
                arguments: [key.name, key.role, key.digest, key.createdAt.timeIntervalSince1970])
        }
    }

    public func keys() async throws -> [StoredAccessKey] {
        try await pool.readInBackground { db in
            try Row.fetchAll(db, sql: "SELECT name, role, digest, created_at FROM access_keys ORDER BY name").map { row in
                StoredAccessKey(name: row[0], role: row[1], digest: row[2], createdAt: Date(timeIntervalSince1970: row[3]))
            }
        }
    }

    public func remove(name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM access_keys WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }
}
