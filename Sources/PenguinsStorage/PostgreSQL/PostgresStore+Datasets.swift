import Foundation
import Logging
import PenguinsCore
import PostgresNIO

extension PostgresStore: DatasetTablesProvider {
    public func lake(for schema: DatasetSchema) async throws -> any RecordLake {
        PostgresRecordLake(store: self, tables: try await prepareTables(of: schema))
    }

    public func warehouse(for schema: DatasetSchema) async throws -> any RecordWarehouse {
        PostgresRecordWarehouse(store: self, tables: try await prepareTables(of: schema))
    }

    public func quarantine(for schema: DatasetSchema) async throws -> any Quarantine {
        PostgresQuarantine(store: self, table: try await prepareTables(of: schema).quarantine)
    }

    public func registry(for schema: DatasetSchema) async throws -> any ModelRegistry {
        PostgresModelRegistry(store: self, tables: try await prepareTables(of: schema).registry)
    }

    public func predictionLog(for schema: DatasetSchema) async throws -> any RecordPredictionLog {
        PostgresRecordPredictionLog(store: self, tables: try await prepareTables(of: schema))
    }

    /// The steps applied to the tables of dataset `name`, in the order they were applied.
    public func datasetMigrations(of name: String) async throws -> [String] {
        try await run(.warehouse) { client in
            var names: [String] = []
            let rows = try await client.query("SELECT name FROM dataset_migrations WHERE dataset = \(name) ORDER BY sequence")
            for try await step in rows.decode(String.self) { names.append(step) }
            return names
        }
    }

    /// Makes the dataset's tables, or adds the columns of features its schema gained, in one
    /// transaction under an advisory lock (so two processes cannot both apply a step); once per
    /// schema fingerprint in this process.
    func prepareTables(of schema: DatasetSchema) async throws -> DatasetTables {
        let tables = DatasetTables(schema: schema)
        if preparedDatasets.withLock({ $0[schema.name] == schema.fingerprint }) { return tables }
        let logger = logger
        // Like the migrations, a one-time step that can take seconds on a busy server.
        try await transaction(.warehouse, schemaChange: true) { connection in try await Self.applySteps(of: tables, on: connection, logger: logger) }
        preparedDatasets.withLock { $0[schema.name] = schema.fingerprint }
        return tables
    }

    /// Applies the steps of `tables` that the database has not applied yet, recording each,
    /// within the connection's open transaction and under an advisory lock of the dataset.
    static func applySteps(of tables: DatasetTables, on connection: PostgresConnection, logger: Logger) async throws {
        let name = tables.schema.name
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("penguins-dataset-tables:" + name) || current_schema()))", logger: logger)
        var applied: Set<String> = []
        for try await step in try await connection.query(
            "SELECT name FROM dataset_migrations WHERE dataset = \(name)", logger: logger
        ).decode(String.self) { applied.insert(step) }
        var existing: Set<String> = []
        for try await column in try await connection.query("""
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(tables.warehouse)
            """, logger: logger).decode(String.self) { existing.insert(column) }
        for step in tables.migrations(.postgres, existingWarehouseColumns: existing) where !applied.contains(step.name) {
            for statement in step.statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
            try await connection.query("""
                INSERT INTO dataset_migrations (dataset, name, applied_at)
                VALUES (\(name), \(step.name), \(Date().timeIntervalSince1970))
                """, logger: logger)
        }
    }
}
