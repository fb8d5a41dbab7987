import Foundation
import GRDB
import PenguinsCore

extension SQLiteStore: DatasetTablesProvider {
    public func lake(for schema: DatasetSchema) async throws -> any RecordLake {
        SQLiteRecordLake(pool: pool, tables: try await prepareTables(of: schema))
    }

    public func warehouse(for schema: DatasetSchema) async throws -> any RecordWarehouse {
        SQLiteRecordWarehouse(pool: pool, tables: try await prepareTables(of: schema))
    }

    public func quarantine(for schema: DatasetSchema) async throws -> any Quarantine {
        SQLiteQuarantine(pool: pool, table: try await prepareTables(of: schema).quarantine)
    }

    public func registry(for schema: DatasetSchema) async throws -> any ModelRegistry {
        SQLiteModelRegistry(pool: pool, tables: try await prepareTables(of: schema).registry)
    }

    public func predictionLog(for schema: DatasetSchema) async throws -> any RecordPredictionLog {
        SQLiteRecordPredictionLog(pool: pool, tables: try await prepareTables(of: schema))
    }

    /// The steps applied to the tables of dataset `name`, in the order they were applied.
    public func datasetMigrations(of name: String) async throws -> [String] {
        try await pool.readInBackground { db in
            try String.fetchAll(db, sql: "SELECT name FROM dataset_migrations WHERE dataset = ? ORDER BY rowid", arguments: [name])
        }
    }

    /// Makes the dataset's tables, or adds the columns of features its schema gained, in one
    /// write transaction (so two processes cannot both apply a step); once per schema
    /// fingerprint in this process.
    func prepareTables(of schema: DatasetSchema) async throws -> DatasetTables {
        let tables = DatasetTables(schema: schema)
        if preparedDatasets.withLock({ $0[schema.name] == schema.fingerprint }) { return tables }
        try await pool.write { db in try Self.applySteps(of: tables, in: db) }
        preparedDatasets.withLock { $0[schema.name] = schema.fingerprint }
        return tables
    }

    /// Applies the steps of `tables` that the database has not applied yet, recording each.
    static func applySteps(of tables: DatasetTables, in db: Database) throws {
        let name = tables.schema.name
        let applied = Set(try String.fetchAll(db, sql: "SELECT name FROM dataset_migrations WHERE dataset = ?", arguments: [name]))
        let existing = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(tables.warehouse))").map { $0["name"] as String })
        for step in tables.migrations(.sqlite, existingWarehouseColumns: existing) where !applied.contains(step.name) {
            for statement in step.statements { try db.execute(sql: statement) }
            try db.execute(
                sql: "INSERT INTO dataset_migrations (dataset, name, applied_at) VALUES (?, ?, ?)",
                arguments: [name, step.name, Date().timeIntervalSince1970])
        }
    }
}
