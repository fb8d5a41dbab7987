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
    /// The id the prediction was answered with, by which its ground truth comes back later
    /// (``Feedback``); nil for entries logged before predictions had ids. Not read back by
    /// ``RecordPredictionLog/recent(limit:)``, which serves drift.
    public var predictionID: String?

    public init(features: [Double?], prediction: RecordPrediction, predictionID: String? = nil) {
        self.features = features
        self.prediction = prediction
        self.predictionID = predictionID
    }
}

/// What a piece of ground truth is about.
public enum FeedbackSubject: Hashable, Sendable {
    /// A logged real-time prediction, by the id it was answered with.
    case prediction(String)
    /// A stored row, by its id, with the batch prediction it had when its truth came in and its
    /// features (one per feature of the schema, as in ``RecordLogEntry``).
    case row(String, RecordPrediction, features: [Double?])

    /// The kind, as stored: `prediction` or `row`.
    public var kind: String {
        switch self {
        case .prediction: "prediction"
        case .row: "row"
        }
    }

    /// The prediction id or the row id.
    public var reference: String {
        switch self {
        case .prediction(let id), .row(let id, _, _): id
        }
    }
}

/// The true class of one prediction, as reported after the fact.
public struct Feedback: Hashable, Sendable {
    public var subject: FeedbackSubject
    /// The index of the true class in the schema's `target.classes`.
    public var actualClass: Int
    public var recordedAt: Date

    public init(subject: FeedbackSubject, actualClass: Int, recordedAt: Date) {
        self.subject = subject
        self.actualClass = actualClass
        self.recordedAt = recordedAt
    }
}

/// A prediction whose true class is known: what production metrics are computed from, and
/// what two model versions are compared on.
public struct LabelledPrediction: Hashable, Sendable {
    /// The features the prediction was made from, one per feature of the schema.
    public var features: [Double?]
    public var predictedClass: Int
    public var actualClass: Int
    public var modelVersion: Int
    public var predictedAt: Date
    public var recordedAt: Date

    public init(features: [Double?], predictedClass: Int, actualClass: Int, modelVersion: Int, predictedAt: Date, recordedAt: Date) {
        self.features = features
        self.predictedClass = predictedClass
        self.actualClass = actualClass
        self.modelVersion = modelVersion
        self.predictedAt = predictedAt
        self.recordedAt = recordedAt
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
    /// Records ground truth, all of it or none: returns the indices of the feedback whose
    /// prediction id no logged entry has (nothing is recorded then), else an empty array.
    /// Truth given again for the same prediction or row replaces the earlier one.
    func record(_ feedback: [Feedback]) async throws -> [Int]
    /// The predictions with ground truth, in the order they were predicted; only those
    /// predicted at or after `since` when it is given.
    func labelled(since: Date?) async throws -> [LabelledPrediction]
}

/// Where the prediction logs of the datasets are kept: the seam through which the server's log
/// writer reaches them.
public protocol RecordPredictionLogs: Sendable {
    /// The log of the dataset's real-time predictions, made on first use.
    func predictionLog(for schema: DatasetSchema) async throws -> any RecordPredictionLog
}
