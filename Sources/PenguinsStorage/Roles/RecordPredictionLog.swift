import Foundation
import PenguinsCore

/// One real-time prediction of a dataset's model, as logged: the features it was given and
/// what it answered. The log of a dataset is its "production" sample, which drift compares
/// with the model's training sample.
public struct RecordLogEntry: Hashable, Sendable {
    /// One value per feature of the schema, in its order: a number, a level index for a
    /// categorical feature, nil when missing (or not given).
    public var features: [Double?]
    public var prediction: RecordPrediction

    public init(features: [Double?], prediction: RecordPrediction) {
        self.features = features
        self.prediction = prediction
    }
}

/// The prediction log of one dataset, in append order.
///
/// Entries are stored with their features by name (level names for categorical ones), so a
/// feature the schema gains later reads as missing in older entries, with no migration of the log.
public protocol RecordPredictionLog: Sendable {
    /// The schema the entries are written and read with.
    var schema: DatasetSchema { get }
    /// Appends entries in the given order.
    func append(_ entries: [RecordLogEntry]) async throws
    /// The newest entries first, at most `limit`.
    func recent(limit: Int) async throws -> [RecordLogEntry]
    /// The number of logged predictions.
    func count() async throws -> Int
}

/// Where the prediction logs of the datasets are kept: the seam through which the server's log
/// writer reaches them.
public protocol RecordPredictionLogs: Sendable {
    /// The log of the dataset's real-time predictions, made on first use.
    func predictionLog(for schema: DatasetSchema) async throws -> any RecordPredictionLog
}
