import Foundation
import PenguinsStorage

/// Counts of every store and the current model: the platform at a glance.
public struct PlatformSummary: Codable, Sendable {
    public var dataDirectory: String
    public var lakeDocuments: Int
    public var warehouseRows: Int
    public var quarantinedRows: Int
    public var predictionLogEntries: Int
    public var modelVersion: Int?
    public var accuracy: Double?
    public var macroF1: Double?
    public var islands: [IslandAggregate]

    /// The summary of `platform`; `stored`, when given, stands for the counts that scan the
    /// lake and the warehouse (``StoredCounts/collect(_:)``), which a caller may keep while the
    /// warehouse's data version is unchanged (every ingest writes both).
    public static func collect(
        _ platform: Platform, stored: (@Sendable () async throws -> StoredCounts)? = nil
    ) async throws -> PlatformSummary {
        let model = try? await platform.currentModel()
        let counts = try await (stored ?? { try await StoredCounts.collect(platform) })()
        return PlatformSummary(
            dataDirectory: platform.configuration.dataDirectory.path,
            lakeDocuments: counts.lakeDocuments,
            warehouseRows: counts.warehouseRows,
            quarantinedRows: try await platform.quarantine.count(),
            predictionLogEntries: try await platform.predictionLog.count(),
            modelVersion: model?.version,
            accuracy: model?.artifact.metrics.accuracy,
            macroF1: model?.artifact.metrics.macroF1,
            islands: counts.islands
        )
    }

    /// What the summary reads by scanning the lake and the warehouse.
    public struct StoredCounts: Sendable, Codable {
        public var lakeDocuments: Int
        public var warehouseRows: Int
        public var islands: [IslandAggregate]

        public init(lakeDocuments: Int, warehouseRows: Int, islands: [IslandAggregate]) {
            self.lakeDocuments = lakeDocuments
            self.warehouseRows = warehouseRows
            self.islands = islands
        }

        /// The counts from kept statistics of the warehouse's rows (``StatisticsAggregate``):
        /// only the lake's documents and the records usable and scored by island are read.
        public static func collect(_ platform: Platform, statistics: StatisticsAggregate) async throws -> StoredCounts {
            let usableAndScored = try await platform.warehouse.recordWarehouse.usableAndScoredByPartition()
            return StoredCounts(
                lakeDocuments: try await platform.lake.count(), warehouseRows: statistics.rows,
                islands: platform.warehouse.islandAggregates(from: statistics.partitionSummaries(usableAndScored: usableAndScored)))
        }

        public static func collect(_ platform: Platform) async throws -> StoredCounts {
            StoredCounts(
                lakeDocuments: try await platform.lake.count(), warehouseRows: try await platform.warehouse.count(),
                islands: try await platform.warehouse.aggregatesByIsland())
        }
    }
}
