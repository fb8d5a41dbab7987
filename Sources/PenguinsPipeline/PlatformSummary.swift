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

    /// The summary of `platform`; `islands`, when given, stands for the warehouse's aggregates
    /// by island (a scan of every row), which a caller may keep while the data is unchanged.
    public static func collect(
        _ platform: Platform, islands: (@Sendable () async throws -> [IslandAggregate])? = nil
    ) async throws -> PlatformSummary {
        let model = try? await platform.currentModel()
        return PlatformSummary(
            dataDirectory: platform.configuration.dataDirectory.path,
            lakeDocuments: try await platform.lake.count(),
            warehouseRows: try await platform.warehouse.count(),
            quarantinedRows: try await platform.quarantine.count(),
            predictionLogEntries: try await platform.predictionLog.count(),
            modelVersion: model?.version,
            accuracy: model?.artifact.metrics.accuracy,
            macroF1: model?.artifact.metrics.macroF1,
            islands: try await (islands ?? platform.warehouse.aggregatesByIsland)()
        )
    }
}
