import Foundation
import GRDB
import PenguinsCore
@testable import PenguinsStorage
import Testing

/// A database written before the latest migrations opens with its data intact.
@Suite struct SQLiteMigrationTests {
    @Test func aDatabaseFromBeforeDatasetsAndLakeSourcesMigratesInPlace() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let old = Fixtures.penguin("p-old", otherFields: ["comments": .string("stored before lake sources")])
        do {
            // The database as the platform left it before dataset schemas and lake sources.
            try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
            let queue = try DatabaseQueue(path: directory.url.appendingPathComponent(SQLiteStore.fileName).path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v2-prediction-cache-state")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO lake (penguin_id, document) VALUES (?, ?)", arguments: ["p-old", old.document.jsonText])
            }
        }
        let store = try SQLiteStore(directory: directory.url)
        #expect(try store.appliedMigrations().suffix(6) == ["v3-dataset-schemas", "v4-lake-sources", "v5-dataset-migrations", "v6-dataset-prediction-cache", "v7-access-keys", "v8-model-audit"])
        #expect(try await store.lake.document(id: "p-old")?.body == old.document, "an old document reads as it was")
        #expect(try await store.lake.document(id: "p-old")?.body["_provenance"] == nil)

        var new = Fixtures.penguin("p-new")
        new.sourceLine = 2
        let provenance = Provenance(file: "after.csv", dialect: .standard)
        try await store.lake.upsert([new], from: provenance)
        #expect(try await store.lake.document(id: "p-new")?.body == new.document(from: provenance))
        #expect(try await store.lake.count() == 2)
        #expect(try await store.datasets.schemas().isEmpty)
    }

    /// The penguins' first warehouse and first prediction log move into the tables of their
    /// schema when the store opens, once; the old tables are gone.
    @Test func thePenguinsFirstWarehouseAndLogMoveIntoTheirDatasetTables() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        do {
            try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
            let queue = try DatabaseQueue(path: directory.url.appendingPathComponent(SQLiteStore.fileName).path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v6-dataset-prediction-cache")
            try await queue.write { db in
                for statement in FirstWarehouse.statements(document: { "'\($0)'" }, usable: { $0 ? "1" : "0" }) + FirstPredictionLog.statements {
                    try db.execute(sql: statement)
                }
            }
        }
        let store = try SQLiteStore(directory: directory.url)
        try await FirstWarehouse.check(store.warehouse)
        try await FirstPredictionLog.check(store.predictionLog)
        #expect(try await store.datasetMigrations(of: "penguins").suffix(3) == ["adopt-first-warehouse", "adopt-first-prediction-log", "drop-own-tables-of-first-dataset"])
        let tables = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(!tables.contains("warehouse") && !tables.contains("warehouse_changes") && !tables.contains("prediction_log"))
        #expect(tables.contains("lake"), "the lake stays where it is")

        let again = try SQLiteStore(directory: directory.url)
        #expect(try await again.warehouse.count() == 2)
        #expect(try await again.predictionLog.count() == 3)
        #expect(try await again.datasetMigrations(of: "penguins").filter { $0 == "adopt-first-warehouse" }.count == 1)
    }

    /// The default dataset's lake, quarantine and registry are the platform's first tables,
    /// which the stores of its name (``DatasetTablesProvider``) read and write; the empty tables
    /// of its own name that an earlier version made beside them are dropped once.
    @Test func thePenguinsKeepTheFirstLakeQuarantineAndRegistry() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let ownTables = ["ds_penguins_lake", "ds_penguins_quarantine", "ds_penguins_model_versions", "ds_penguins_model_promotions", "ds_penguins_model_audit"]
        func tables(_ store: SQLiteStore) async throws -> Set<String> {
            Set(try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") })
        }
        do {
            // As an earlier version left the store: the penguins' own tables made, and empty.
            let store = try SQLiteStore(directory: directory.url)
            try await store.pool.write { db in
                for table in ownTables { try db.execute(sql: "CREATE TABLE \(table) (id INTEGER)") }
                try db.execute(sql: "DELETE FROM dataset_migrations WHERE name = 'drop-own-tables-of-first-dataset'")
            }
        }
        let store = try SQLiteStore(directory: directory.url)
        #expect(try await tables(store).isDisjoint(with: ownTables))
        #expect(try await tables(store).isSuperset(of: ["lake", "quarantine", "model_versions", "model_promotions", "model_audit"]))

        let penguins = BundledSchemas.penguins
        try await store.lake(for: penguins).upsert([Fixtures.penguin("p-1")])
        #expect(try await store.lake.document(id: "p-1")?.body == Fixtures.penguin("p-1").document)
        try await store.quarantine(for: penguins).append([QuarantinedRow(file: "f.csv", line: 3, rawText: "x", reason: "bad", quarantinedAt: Date())])
        #expect(try await store.quarantine.count() == 1)
        let version = try await store.registry(for: penguins).register(artifact: Data("model".utf8), createdAt: Date())
        #expect(try await store.registry.model(version: version)?.artifact == Data("model".utf8))
    }

    /// An entry the penguins' first cache wrote (by species name) still reads as the prediction
    /// it was, and the penguins' new entries go to the same table.
    @Test func anEntryOfTheFirstCacheStillReads() async throws {
        try await withSQLiteStore { store in
            let first = #"{"model_version":2,"predicted_at":1700000100,"probabilities":{"Adelie":0.75,"Chinstrap":0.125,"Gentoo":0.125},"species":"Adelie"}"#
            try await store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO prediction_cache (penguin_id, model_version, prediction, expires_at) VALUES (?, ?, ?, ?)",
                    arguments: ["p-1", 2, first, Date().timeIntervalSince1970 + 60])
            }
            #expect(try await store.predictionCache.prediction(penguinID: "p-1", modelVersion: 2) == Fixtures.prediction(.adelie, version: 2))
            try await store.predictionCache.store([("p-2", Fixtures.prediction(.gentoo, version: 2))], ttlSeconds: 60)
            let rows = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM prediction_cache") }
            #expect(rows == 2)
        }
    }
}
