import Foundation
import GRDB

/// The dataset catalog in SQLite: table `dataset_schemas (name, version, fingerprint,
/// document, registered_at)`, beside the model registry.
public struct SQLiteDatasetCatalog: DatasetCatalog {
    let pool: DatabasePool

    public func register(name: String, fingerprint: String, document: String, at time: Date) async throws -> RegisteredSchema {
        try await pool.write { db in
            if let newest = try SQLiteDatasetCatalog.newest(name, in: db), newest.fingerprint == fingerprint { return newest }
            let version = (try Int.fetchOne(db, sql: "SELECT max(version) FROM dataset_schemas WHERE name = ?", arguments: [name]) ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO dataset_schemas (name, version, fingerprint, document, registered_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, version, fingerprint, document, time.timeIntervalSince1970])
            return RegisteredSchema(name: name, version: version, fingerprint: fingerprint, document: document, registeredAt: time)
        }
    }

    public func schema(named name: String) async throws -> RegisteredSchema? {
        try await pool.readInBackground { db in try SQLiteDatasetCatalog.newest(name, in: db) }
    }

    public func schemas() async throws -> [RegisteredSchema] {
        try await pool.readInBackground { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name, s.version, s.fingerprint, s.document, s.registered_at FROM dataset_schemas s
                WHERE s.version = (SELECT max(version) FROM dataset_schemas WHERE name = s.name)
                ORDER BY s.name
                """).map(SQLiteDatasetCatalog.schema)
        }
    }

    public func versions(of name: String) async throws -> [RegisteredSchema] {
        try await pool.readInBackground { db in
            try Row.fetchAll(db, sql: """
                SELECT name, version, fingerprint, document, registered_at FROM dataset_schemas
                WHERE name = ? ORDER BY version DESC
                """, arguments: [name]).map(SQLiteDatasetCatalog.schema)
        }
    }

    private static func newest(_ name: String, in db: Database) throws -> RegisteredSchema? {
        try Row.fetchOne(db, sql: """
            SELECT name, version, fingerprint, document, registered_at FROM dataset_schemas
            WHERE name = ? ORDER BY version DESC LIMIT 1
            """, arguments: [name]).map(schema)
    }

    private static func schema(_ row: Row) -> RegisteredSchema {
        RegisteredSchema(
            name: row[0], version: row[1], fingerprint: row[2], document: row[3],
            registeredAt: Date(timeIntervalSince1970: row[4]))
    }
}
