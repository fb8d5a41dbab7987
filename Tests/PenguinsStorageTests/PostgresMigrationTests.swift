import Foundation
import Logging
import PenguinsCore
@testable import PenguinsStorage
import PenguinsTestSupport
import PostgresNIO
import Testing

/// A fresh schema migrated as the platform left it up to migration `last`, then filled by `fill`
/// on the same connection: a database from before the later migrations.
private func oldSchema(
    _ name: String, through last: String, _ fill: (PostgresConnection, Logger) async throws -> Void
) async throws -> PostgresLocation {
    let location = try #require(TestServers.postgres).withSchema(TestServers.uniqueName(name))
    let schema = try #require(location.schema)
    let logger = Logger(label: "penguins.tests", factory: { _ in SwiftLogNoOpLogHandler() })
    var configuration = PostgresConnection.Configuration(
        host: location.host, port: location.port, username: location.username, password: location.password,
        database: location.database, tls: .disable)
    configuration.options.additionalStartupParameters = [("search_path", schema)]
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    do {
        try await PostgresMigrations.apply(on: connection, schema: schema, logger: logger, through: last)
        try await fill(connection, logger)
        try await connection.close()
    } catch {
        try? await connection.close()
        throw error
    }
    return location
}

/// Opens a store on `location`, prepares it (applying the later migrations), runs `body`, and
/// drops the schema whatever happens.
private func withPreparedStore(_ location: PostgresLocation, _ body: (PostgresStore) async throws -> Void) async throws {
    let store = try PostgresStore(location: location, maximumConnections: 2)
    do {
        try await store.prepare()
        try await body(store)
    } catch {
        try? await store.dropSchema()
        await store.shutdown()
        throw error
    }
    try await store.dropSchema()
    await store.shutdown()
}

/// A PostgreSQL schema written before the latest migrations opens with its data intact.
@Suite(TestService.postgres.gate())
struct PostgresMigrationTests {
    @Test func aSchemaFromBeforeDatasetsAndLakeSourcesMigratesInPlace() async throws {
        let old = Fixtures.penguin("p-old", otherFields: ["comments": .string("stored before lake sources")])
        // The schema as the platform left it before dataset schemas and lake sources.
        let location = try await oldSchema("old_schema", through: "v3-warehouse-changes") { connection, logger in
            try await connection.query(
                "INSERT INTO lake (penguin_id, document) VALUES ('p-old', \(old.document.jsonText)::jsonb)", logger: logger)
        }

        try await withPreparedStore(location) { store in
            #expect(try await store.appliedMigrations().suffix(5) == ["v5-lake-sources", "v6-dataset-migrations", "v7-access-keys", "v8-model-audit", "v9-drop-lake-features-index"])
            #expect(try await store.lake.document(id: "p-old")?.body == old.document, "an old document reads as it was")
            var new = Fixtures.penguin("p-new")
            new.sourceLine = 7
            let provenance = Provenance(file: "after.csv", dialect: .standard)
            try await store.lake.upsert([new], from: provenance)
            #expect(try await store.lake.document(id: "p-new")?.body == new.document(from: provenance))
            #expect(try await store.lake.count() == 2)
            #expect(try await store.datasets.schemas().isEmpty)
        }
    }

    /// The penguins' first warehouse, Spark's predictions included, and their first prediction
    /// log move into the tables of their schema when the store is prepared, once; the old tables are gone.
    @Test func thePenguinsFirstWarehouseAndLogMoveIntoTheirDatasetTables() async throws {
        let location = try await oldSchema("first_warehouse", through: "v6-dataset-migrations") { connection, logger in
            for statement in FirstWarehouse.statements(document: { "'\($0)'::jsonb" }, usable: { $0 ? "true" : "false" }) + FirstPredictionLog.statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            try await connection.query(
                "UPDATE warehouse SET spark_predicted_species = 'Adelie', spark_model_version = 3, spark_predicted_at = 1 WHERE penguin_id = 'p-1'",
                logger: logger)
        }
        let schema = try #require(location.schema)

        try await withPreparedStore(location) { store in
            try await FirstWarehouse.check(store.warehouse)
            #expect(try await store.warehouse.shadowComparison(modelVersion: 3, limit: 5)?.disagreements
                == [ShadowDisagreement(penguinID: "p-1", island: "Biscoe", species: "Gentoo", swift: "Gentoo", spark: "Adelie")])
            try await FirstPredictionLog.check(store.predictionLog)
            #expect(try await store.datasetMigrations(of: "penguins").suffix(3) == ["adopt-first-warehouse", "adopt-first-prediction-log", "drop-own-tables-of-first-dataset"])
            var tables: [String] = []
            try await TestServers.withAdministrator { connection, logger in
                for try await name in try await connection.query(
                    "SELECT tablename FROM pg_tables WHERE schemaname = \(schema)", logger: logger
                ).decode(String.self) { tables.append(name) }
            }
            #expect(!tables.contains("warehouse") && !tables.contains("warehouse_ids") && !tables.contains("warehouse_changes"))
            #expect(!tables.contains("prediction_log"))
            #expect(tables.contains("lake"))
        }
    }
}

