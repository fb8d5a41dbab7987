import Foundation
import PenguinsCore
import PenguinsStorage

/// The prediction for one row of a CSV file, or why the row could not be predicted.
public struct FilePredictionRow: Codable, Sendable {
    /// The source line of a row that was not accepted (accepted rows are named by their id).
    public var line: Int?
    /// The penguin's id when the row was accepted.
    public var penguinID: String?
    public var species: String?
    public var probabilities: [String: Double]?
    /// Why the row has no prediction (an invalid row, or a feature the model reads missing).
    public var error: String?
    /// The id its log entry carries, for its ground truth (`penguins feedback`); the command
    /// shows it only when it logs the predictions.
    public var predictionID: String?
}

/// Predicts every row of a CSV file of the penguins (read with the model's schema, so either
/// bundled layout) with a model, without storing anything.
public struct FilePredictor: Sendable {
    public var model: SpeciesModel

    public init(model: SpeciesModel) { self.model = model }

    /// Streams the file in batches; `body` receives each batch's predictions in file order,
    /// with the log entries of the rows that got a prediction (every feature of the schema the
    /// row has, not only those the model reads).
    /// - Parameter overrides: parts of the file's dialect to take as given instead of detecting them.
    public func predict(
        file: URL, overrides: CSVDialect.Overrides = .none, batchSize: Int = 10_000,
        _ body: (_ rows: [FilePredictionRow], _ logEntries: [RecordLogEntry]) async throws -> Void
    ) async throws {
        var reader = try DatasetFile(url: file, schema: model.coding.schema, overrides: overrides)
        while let batch = try reader.nextBatch(maxCount: batchSize) {
            let accepted = batch.compactMap { outcome -> DatasetRecord? in
                if case .accepted(let record) = outcome { return record }
                return nil
            }
            var predictions = model.predict(features: accepted.map(\.features)).makeIterator()
            var records = accepted.makeIterator()
            var rows: [FilePredictionRow] = []
            var logEntries: [RecordLogEntry] = []
            rows.reserveCapacity(batch.count)
            for outcome in batch {
                switch outcome {
                case .rejected(let rejected):
                    rows.append(FilePredictionRow(line: rejected.line, error: rejected.reason))
                case .accepted:
                    let record = records.next()!
                    let features = record.features
                    if let prediction = predictions.next()! {
                        let id = PredictionIDs.shared.next()
                        logEntries.append(RecordLogEntry(features: features, prediction: model.coding.recordPrediction(prediction), predictionID: id))
                        rows.append(FilePredictionRow(
                            penguinID: record.id, species: prediction.species.rawValue,
                            probabilities: Dictionary(uniqueKeysWithValues: prediction.probabilities.map { ($0.key.rawValue, $0.value) }),
                            predictionID: id
                        ))
                    } else {
                        let missing = model.missingFeatures(features)
                        rows.append(FilePredictionRow(
                            penguinID: record.id, error: "missing \(missing.joined(separator: ", ")), which the model reads"))
                    }
                }
            }
            try await body(rows, logEntries)
        }
    }
}
