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
        #expect(try await store.datasetMigrations(of: "penguins").suffix(2) == ["adopt-first-warehouse", "adopt-first-prediction-log"])
        let tables = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(!tables.contains("warehouse") && !tables.contains("warehouse_changes") && !tables.contains("prediction_log"))
        #expect(tables.contains("lake"), "the lake stays where it is")

        let again = try SQLiteStore(directory: directory.url)
        #expect(try await again.warehouse.count() == 2)
        #expect(try await again.predictionLog.count() == 3)
        #expect(try await again.datasetMigrations(of: "penguins").filter { $0 == "adopt-first-warehouse" }.count == 1)
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
