import Foundation
import GRDB
import PenguinsCore
@testable import PenguinsStorage
import Testing

/// What only the SQLite backend promises: one file, ordered migrations, persistence across
/// opens (and so across processes), and a clear error when the directory is unusable.
@Suite struct SQLiteStoreTests {
    @Test func createsTheDirectoryAndAppliesNamedMigrationsInOrder() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let nested = directory.url.appendingPathComponent("data/penguins")
        let store = try SQLiteStore(directory: nested)
        #expect(store.url == nested.appendingPathComponent("penguins.sqlite"))
        #expect(FileManager.default.fileExists(atPath: store.url.path))
        let expected = ["v1-lake", "v1-warehouse", "v1-registry", "v1-prediction-log", "v1-quarantine", "v1-prediction-cache", "v2-warehouse-changes", "v2-prediction-cache-state", "v3-dataset-schemas", "v4-lake-sources", "v5-dataset-migrations", "v6-dataset-prediction-cache", "v7-access-keys", "v8-model-audit"]
        #expect(try store.appliedMigrations() == expected)
        // Reopening applies nothing twice.
        #expect(try SQLiteStore(directory: nested).appliedMigrations() == expected)
    }

    /// The writer keeps a large page cache for ingestion; each reader a small one, so that
    /// whole-table reads side by side do not each hold tens of megabytes.
    @Test func readersKeepSmallPageCaches() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteStore(directory: directory.url)
        #expect(try store.pool.write { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -65_536)
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == -8_192)
    }

    @Test func dataSurvivesReopening() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let clock = ManualClock()
        let penguin = Fixtures.penguin("p-1", otherFields: ["comments": .string("kept")])
        let prediction = Fixtures.prediction(.adelie, version: 2)
        do {
            let store = try SQLiteStore(directory: directory.url, now: clock.reading)
            try await store.lake.upsert([penguin])
            try await store.warehouse.upsert([penguin])
            try await store.warehouse.writePredictions([("p-1", prediction)])
            let version = try await store.registry.register(artifact: Data("{}".utf8), createdAt: clock.now)
            try await store.registry.promote(version: version)
            try await store.predictionCache.store([("p-1", prediction)], ttlSeconds: 60)
        }
        let reopened = try SQLiteStore(directory: directory.url, now: clock.reading)
        #expect(try await reopened.lake.document(id: "p-1")?.body == penguin.document)
        #expect(try await reopened.warehouse.row(id: "p-1")?.prediction == prediction)
        #expect(try await reopened.registry.current()?.version == 1)
        #expect(try await reopened.predictionCache.prediction(penguinID: "p-1", modelVersion: 2) == prediction)
    }

    @Test func twoOpenStoresShareTheCache() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let writer = try SQLiteStore(directory: directory.url)
        let reader = try SQLiteStore(directory: directory.url)
        let prediction = Fixtures.prediction(.chinstrap, version: 1)
        try await writer.predictionCache.store([("p-9", prediction)], ttlSeconds: 60)
        #expect(try await reader.predictionCache.prediction(penguinID: "p-9", modelVersion: 1) == prediction)
    }

    @Test func anUnusableDirectoryIsReportedAsUnavailable() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let file = directory.url.appendingPathComponent("not-a-directory")
        try Data("x".utf8).write(to: file)
        #expect {
            _ = try SQLiteStore(directory: file.appendingPathComponent("data"))
        } throws: { error in
            guard case StorageError.unavailable(let role, let location, _)? = error as? StorageError else { return false }
            return role == "SQLite store" && location.hasSuffix("not-a-directory/data/penguins.sqlite")
        }
    }

    @Test func aFileThatIsNotADatabaseIsReportedAsUnavailable() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 4096).write(to: directory.url.appendingPathComponent("penguins.sqlite"))
        #expect(throws: StorageError.self) { _ = try SQLiteStore(directory: directory.url) }
    }

    @Test func probabilitiesAndTimesRoundTripThroughTheWarehouse() async throws {
        try await withSQLiteStore { store in
            let prediction = Prediction(
                species: .chinstrap,
                probabilities: [.adelie: 0.1, .chinstrap: 0.7000000000000001, .gentoo: 0.19999999999999996],
                modelVersion: 12, predictedAt: Date(timeIntervalSince1970: 1_700_000_123.5)
            )
            try await store.warehouse.upsert([Fixtures.penguin("p-1")])
            try await store.warehouse.writePredictions([("p-1", prediction)])
            #expect(try await store.warehouse.row(id: "p-1")?.prediction == prediction)
        }
    }
}
