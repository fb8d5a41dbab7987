import Foundation
import PenguinsCore

/// Every storage role held in memory, for tests and `memory://` data locations: the same
/// roles as ``SQLiteStore``, gone when the process ends.
public struct MemoryStore: Sendable {
    /// The penguins' document lake: the dataset lake of their bundled schema, which
    /// ``datasetTables`` holds too.
    public let lake: MemoryRecordLake
    /// The penguins' analytical warehouse: the dataset warehouse of their bundled schema, which
    /// ``datasetTables`` holds too.
    public let warehouse: PenguinWarehouse<MemoryRecordWarehouse>
    /// The penguins' versioned model artifacts, which ``datasetTables`` holds too.
    public let registry = MemoryModelRegistry()
    public let datasets = MemoryDatasetCatalog()
    /// The API keys.
    public let accessKeys = MemoryAccessKeyStore()
    /// The penguins' log of real-time predictions: the dataset log of their bundled schema,
    /// which ``datasetTables`` holds too.
    public let predictionLog: MemoryRecordPredictionLog
    /// The rows of the penguins that ingestion refused, which ``datasetTables`` holds too.
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
        lake = MemoryRecordLake(schema: BundledSchemas.penguins)
        predictionLog = MemoryRecordPredictionLog(schema: BundledSchemas.penguins)
        datasetTables = MemoryDatasetTables(
            lakes: [lake], warehouses: [penguins], predictionLogs: [predictionLog],
            quarantines: [BundledSchemas.defaultName: quarantine], registries: [BundledSchemas.defaultName: registry])
        predictionCache = PenguinPredictionCache(records: MemoryRecordPredictionCache(now: now))
        datasetCaches = MemoryRecordPredictionCaches(now: now)
    }
}
