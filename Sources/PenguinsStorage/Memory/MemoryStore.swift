import Foundation
import PenguinsCore

/// Every storage role held in memory, for tests and `memory://` data locations: the same
/// roles as ``SQLiteStore``, gone when the process ends.
public struct MemoryStore: Sendable {
    /// The document lake.
    public let lake = MemoryLake()
    /// The penguins' analytical warehouse: the dataset warehouse of their bundled schema, which
    /// ``datasetTables`` holds too.
    public let warehouse: PenguinWarehouse<MemoryRecordWarehouse>
    /// Versioned model artifacts.
    public let registry = MemoryModelRegistry()
    public let datasets = MemoryDatasetCatalog()
    /// The API keys.
    public let accessKeys = MemoryAccessKeyStore()
    /// The penguins' log of real-time predictions: the dataset log of their bundled schema,
    /// which ``datasetTables`` holds too.
    public let predictionLog: MemoryRecordPredictionLog
    /// Rows that ingestion refused.
    public let quarantine = MemoryQuarantine()
    /// Predictions cached in this process, with a time to live.
    public let predictionCache: PenguinPredictionCache
    /// The tables of every dataset.
    public let datasetTables: MemoryDatasetTables
    /// The prediction caches of the datasets other than the penguins.
    public let datasetCaches: MemoryRecordPredictionCaches

    /// Empty roles; the prediction caches read time from `now`.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        let penguins = MemoryRecordWarehouse(schema: BundledSchemas.penguins)
        warehouse = PenguinWarehouse(records: penguins)
        predictionLog = MemoryRecordPredictionLog(schema: BundledSchemas.penguins)
        datasetTables = MemoryDatasetTables(warehouses: [penguins], predictionLogs: [predictionLog])
        predictionCache = PenguinPredictionCache(records: MemoryRecordPredictionCache(now: now))
        datasetCaches = MemoryRecordPredictionCaches(now: now)
    }
}
