import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The role contracts, run against every backend.
@Suite struct StorageContractTests {
    @Test func sqliteLake() async throws {
        try await withSQLiteStore { try await checkLakeContract($0.lake) }
    }

    @Test func memoryLake() async throws {
        try await checkLakeContract(MemoryRecordLake(schema: BundledSchemas.penguins))
    }

    @Test func sqliteWarehouse() async throws {
        try await withSQLiteStore { try await checkWarehouseContract($0.warehouse) }
        try await withSQLiteStore { try await checkWarehouseBatchesAndAggregates($0.warehouse) }
        try await withSQLiteStore { try await checkWarehouseChangeLog($0.warehouse) }
    }

    @Test func memoryWarehouse() async throws {
        try await checkWarehouseContract(MemoryStore().warehouse)
        try await checkWarehouseBatchesAndAggregates(MemoryStore().warehouse)
        try await checkWarehouseChangeLog(MemoryStore().warehouse)
    }

    @Test func sqliteModelRegistry() async throws {
        try await withSQLiteStore { try await checkModelRegistryContract($0.registry) }
    }

    @Test func memoryModelRegistry() async throws {
        try await checkModelRegistryContract(MemoryModelRegistry())
    }

    @Test func sqliteDatasetCatalog() async throws {
        try await withSQLiteStore { try await checkDatasetCatalogContract($0.datasets) }
    }

    @Test func memoryDatasetCatalog() async throws {
        try await checkDatasetCatalogContract(MemoryDatasetCatalog())
    }

    @Test func sqliteAccessKeys() async throws {
        try await withSQLiteStore { try await checkAccessKeyStoreContract($0.accessKeys) }
    }

    @Test func memoryAccessKeys() async throws {
        try await checkAccessKeyStoreContract(MemoryAccessKeyStore())
    }

    @Test func sqlitePredictionCache() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try await checkPredictionCacheContract { clock in
            try SQLiteStore(directory: directory.url, now: clock.reading).predictionCache
        }
        let coherence = TemporaryDirectory()
        defer { coherence.cleanUp() }
        try await checkPredictionCacheRemoval(try SQLiteStore(directory: coherence.url).predictionCache, removesEveryVersion: true)
    }

    @Test func memoryPredictionCache() async throws {
        try await checkPredictionCacheContract { clock in PenguinPredictionCache(records: MemoryRecordPredictionCache(now: clock.reading)) }
        try await checkPredictionCacheRemoval(PenguinPredictionCache(records: MemoryRecordPredictionCache()), removesEveryVersion: false)
    }

    /// The keys contract that the Redis cache is held to as well.
    @Test func memoryPredictionCacheKeys() async throws {
        try await checkPredictionCacheKeysContract(PenguinPredictionCache(records: MemoryRecordPredictionCache()))
    }

    @Test func sqliteDatasetPredictionCaches() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let clock = ManualClock()
        let store = try SQLiteStore(directory: directory.url, now: clock.reading)
        try await checkRecordPredictionCacheContract(store, clock: clock, removesEveryVersion: true)
        // The penguins' cache is apart from the datasets'.
        try await store.cache(ofDataset: "otters").store([("o1", otterPrediction(1, version: 1))], ttlSeconds: 600)
        try await store.predictionCache.removeAll()
        #expect(try await store.cache(ofDataset: "otters").count() == 1)
    }

    @Test func memoryDatasetPredictionCaches() async throws {
        let clock = ManualClock()
        try await checkRecordPredictionCacheContract(MemoryRecordPredictionCaches(now: clock.reading), clock: clock, removesEveryVersion: false)
    }

    @Test func sqliteQuarantine() async throws {
        try await withSQLiteStore { try await checkQuarantineContract($0.quarantine) }
    }

    @Test func memoryQuarantine() async throws {
        try await checkQuarantineContract(MemoryQuarantine())
    }

    @Test func sqliteDatasetTables() async throws {
        try await withSQLiteStore { try await checkDatasetTablesContract($0) }
    }

    @Test func memoryDatasetTables() async throws {
        try await checkDatasetTablesContract(MemoryDatasetTables())
    }

    @Test func sqliteInsertions() async throws {
        try await withSQLiteStore { try await checkInsertionsContract($0, keepsLog: true) }
    }

    @Test func memoryInsertions() async throws {
        try await checkInsertionsContract(MemoryDatasetTables(), keepsLog: false)
    }

    @Test func sqliteSavedAggregates() async throws {
        try await withSQLiteStore { try await checkSavedAggregatesContract($0, saves: true) }
    }

    @Test func memorySavedAggregates() async throws {
        try await checkSavedAggregatesContract(MemoryDatasetTables(), saves: false)
    }

    @Test func sqliteInsertionLogIsBounded() async throws {
        try await withSQLiteStore { try await checkInsertionLogIsBounded($0) }
    }

    /// A dataset's schema gains a feature: the SQLite warehouse gains its column, once.
    @Test func sqliteDatasetTablesEvolve() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try await checkDatasetTablesEvolution({ try SQLiteStore(directory: directory.url) }) { name in
            try await SQLiteStore(directory: directory.url).datasetMigrations(of: name)
        }
    }

    /// In memory too, a dataset's prediction log reads older entries under a grown schema.
    @Test func memoryDatasetPredictionLogEvolves() async throws {
        let tables = MemoryDatasetTables()
        try await tables.predictionLog(for: otterSchema()).append([otterLogEntry(site: 1, length: 80, coat: nil, predicted: 1, second: 0)])
        let grown = await tables.predictionLog(for: otterSchema(extraFeature: true))
        #expect(try await grown.recent(limit: 5).map(\.features) == [[1, 80, nil, nil]])
        #expect(try await grown.recent(limit: 5).map(\.prediction.predictedClass) == [1])
    }

    @Test func sqlitePenguinPredictionLog() async throws {
        try await withSQLiteStore { try await checkPenguinPredictionLogContract($0.predictionLog) }
    }

    @Test func sqlitePredictionFeedback() async throws {
        try await withSQLiteStore { try await checkPredictionFeedbackContract($0.predictionLog) }
    }

    @Test func memoryPredictionFeedback() async throws {
        try await checkPredictionFeedbackContract(MemoryStore().predictionLog)
    }

    @Test func memoryPenguinPredictionLog() async throws {
        let store = MemoryStore()
        try await checkPenguinPredictionLogContract(store.predictionLog)
        #expect(try await store.datasetTables.predictionLog(for: BundledSchemas.penguins).count() == 3, "the dataset tables hold the same log")
    }
}
