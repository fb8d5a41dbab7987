import Foundation
import PenguinsCore
import PenguinsStorage

/// What a batch scoring did.
public struct ScoreReport: Codable, Sendable {
    public var modelVersion: Int
    public var rows: Int
    public var scored: Int
    /// Rows with a missing measurement, which no model can score.
    public var unscorable: Int
    public var cached: Int
    public var seconds: Double
}

/// Batch inference of every warehouse row with the current model: writes the prediction
/// columns and fills the prediction cache.
public struct Scorer: Sendable {
    public var platform: Platform

    public init(platform: Platform) { self.platform = platform }

    public func score(now: Date = Date()) async throws -> ScoreReport {
        let start = Date()
        let model = try await platform.currentModel()
        var report = ScoreReport(modelVersion: model.version, rows: 0, scored: 0, unscorable: 0, cached: 0, seconds: 0)
        let platform = self.platform
        try await platform.warehouse.forEachBatch(batchSize: 20_000) { rows in
            let predictions = model.predict(rows.map(\.penguin.measurements), at: now)
            var scored: [(penguinID: String, prediction: Prediction)] = []
            scored.reserveCapacity(rows.count)
            for (row, prediction) in zip(rows, predictions) {
                if let prediction { scored.append((row.penguin.id, prediction)) }
            }
            try await platform.warehouse.writePredictions(scored)
            try await platform.cache.store(scored, ttlSeconds: platform.configuration.cacheTTLSeconds)
            report.rows += rows.count
            report.scored += scored.count
            report.unscorable += rows.count - scored.count
            report.cached += scored.count
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }
}

extension Platform {
    /// The registry's current model, decoded. Throws ``PipelineError/noModel`` when there is none.
    public func currentModel() async throws -> SpeciesModel {
        guard let registered = try await registry.current() else { throw PipelineError.noModel }
        return SpeciesModel(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact))
    }
}
