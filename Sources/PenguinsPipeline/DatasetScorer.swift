import Foundation
import PenguinsCore
import PenguinsStorage

/// What scoring a dataset did.
public struct DatasetScoreReport: Codable, Sendable, Equatable {
    public var dataset: String
    public var modelVersion: Int
    public var rows: Int
    public var scored: Int
    /// Rows missing a feature of the model, which it cannot score.
    public var unscorable: Int
    /// Rows whose features an ingestion changed while they were being scored: they keep no
    /// prediction of their old values (the next `score` predicts them).
    public var changedWhileScoring: Int = 0
    public var seconds: Double
}

/// Batch inference of every stored row of a dataset with its current model: writes the
/// warehouse's prediction columns.
public struct DatasetScorer: Sendable {
    public var platform: Platform
    /// Rows predicted and written at a time.
    public var batchSize: Int

    public init(platform: Platform, batchSize: Int = 20_000) {
        self.platform = platform
        self.batchSize = batchSize
    }

    public func score(schema: DatasetSchema, now: Date = Date()) async throws -> DatasetScoreReport {
        let start = Date()
        let stores = try await platform.tables(for: schema)
        let model = try await DatasetModel.current(of: schema, in: stores.registry)
        let columns = try await stores.warehouse.columns(featureIndices: model.featureIndices)
        var report = DatasetScoreReport(dataset: schema.name, modelVersion: model.version, rows: columns.count, scored: 0, unscorable: 0, seconds: 0)
        for chunk in stride(from: 0, to: columns.count, by: batchSize) {
            let rows = chunk..<min(chunk + batchSize, columns.count)
            var predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])] = []
            for (row, probabilities) in zip(rows, model.probabilities(columns: columns.features, rows: rows)) {
                guard let probabilities else { report.unscorable += 1; continue }
                predictions.append((columns.ids[row], model.prediction(from: probabilities, at: now), columns.features.map { $0[row] }))
            }
            // A row an ingestion changed since it was read keeps no prediction of its old values.
            let written = try await stores.warehouse.writePredictions(predictions, featureIndices: model.featureIndices)
            report.scored += written
            report.changedWhileScoring += predictions.count - written
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }
}
