import Foundation
import PenguinsCore
import PenguinsStorage

/// Counts of every store of the default dataset and its current model: the platform at a glance.
public struct PlatformSummary: Codable, Sendable {
    public var dataDirectory: String
    /// The dataset summarised, and the names its partitions, classes and means are given by.
    public var dataset: String
    public var partitionColumn: String
    public var targetColumn: String
    public var classes: [String]
    /// The features each partition's means are of: those the schema's models use by default.
    public var meanFeatures: [String]
    public var lakeDocuments: Int
    public var warehouseRows: Int
    public var quarantinedRows: Int
    public var predictionLogEntries: Int
    public var modelVersion: Int?
    public var accuracy: Double?
    public var macroF1: Double?
    public var partitions: [PartitionAggregate]

    /// The summary of `platform`; `stored`, when given, stands for the counts that scan the
    /// lake and the warehouse (``StoredCounts/collect(_:)``), which a caller may keep while the
    /// warehouse's data version is unchanged (every ingest writes both).
    public static func collect(
        _ platform: Platform, stored: (@Sendable () async throws -> StoredCounts)? = nil
    ) async throws -> PlatformSummary {
        let schema = platform.warehouse.recordWarehouse.schema
        let model = try? await DatasetModel.current(of: schema, in: platform.registry)
        let counts = try await (stored ?? { try await StoredCounts.collect(platform) })()
        return PlatformSummary(
            dataDirectory: platform.configuration.dataDirectory.path,
            dataset: schema.name,
            partitionColumn: schema.partition,
            targetColumn: schema.target.name,
            classes: schema.target.classes,
            meanFeatures: schema.modelFeatureIndices.map { schema.features[$0].name },
            lakeDocuments: counts.lakeDocuments,
            warehouseRows: counts.warehouseRows,
            quarantinedRows: try await platform.quarantine.count(),
            predictionLogEntries: try await platform.predictionLog.count(),
            modelVersion: model?.version,
            accuracy: model?.artifact.metrics.accuracy,
            macroF1: model?.artifact.metrics.macroF1,
            partitions: counts.partitions
        )
    }

    /// What the summary reads by scanning the lake and the warehouse.
    public struct StoredCounts: Sendable, Codable {
        public var lakeDocuments: Int
        public var warehouseRows: Int
        public var partitions: [PartitionAggregate]

        public init(lakeDocuments: Int, warehouseRows: Int, partitions: [PartitionAggregate]) {
            self.lakeDocuments = lakeDocuments
            self.warehouseRows = warehouseRows
            self.partitions = partitions
        }

        /// The counts from kept statistics of the warehouse's rows (``StatisticsAggregate``):
        /// only the lake's documents and the records usable and scored by partition are read.
        public static func collect(_ platform: Platform, statistics: StatisticsAggregate) async throws -> StoredCounts {
            let warehouse = platform.warehouse.recordWarehouse
            let usableAndScored = try await warehouse.usableAndScoredByPartition()
            return StoredCounts(
                lakeDocuments: try await platform.lake.count(), warehouseRows: statistics.rows,
                partitions: statistics.partitionSummaries(usableAndScored: usableAndScored).map { PartitionAggregate($0, schema: warehouse.schema) })
        }

        public static func collect(_ platform: Platform) async throws -> StoredCounts {
            let warehouse = platform.warehouse.recordWarehouse
            return StoredCounts(
                lakeDocuments: try await platform.lake.count(), warehouseRows: try await warehouse.count(),
                partitions: try await PartitionAggregate.of(warehouse))
        }
    }
}

/// One partition of a warehouse at a glance: its rows, those usable for training and those
/// scored, the rows of each class, and the mean of each feature the schema's models use by
/// default.
public struct PartitionAggregate: Hashable, Sendable, Codable {
    /// The partition column's value.
    public var partition: String
    public var count: Int
    public var usableForTraining: Int
    public var scored: Int
    /// The rows of each class that has any, by class name.
    public var countByClass: [String: Int]
    /// The mean of each default model feature over the rows that have it, by feature name.
    public var means: [String: Double]

    /// The aggregate of `summary`, a partition of a warehouse of `schema`.
    public init(_ summary: PartitionSummary, schema: DatasetSchema) {
        partition = summary.partition
        count = summary.count
        usableForTraining = summary.usableForTraining
        scored = summary.scored
        countByClass = [:]
        for (name, rows) in zip(schema.target.classes, summary.countByClass) where rows > 0 { countByClass[name] = rows }
        means = [:]
        for index in schema.modelFeatureIndices {
            if let mean = summary.mean(ofFeature: index) { means[schema.features[index].name] = mean }
        }
    }

    /// The aggregates of every partition of `warehouse` that has rows, in partition order.
    public static func of(_ warehouse: any RecordWarehouse) async throws -> [PartitionAggregate] {
        try await warehouse.summariesByPartition().map { PartitionAggregate($0, schema: warehouse.schema) }
    }
}
