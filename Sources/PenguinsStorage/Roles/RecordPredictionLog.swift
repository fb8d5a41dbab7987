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
    /// The newest entries, at most `limit`, column by column and oldest first: what drift over
    /// time reads, without the probabilities.
    func columns(limit: Int) async throws -> LogColumns
}

extension RecordPredictionLog {
    /// Through ``recent(limit:)``: a store with no faster way to read its log column by column.
    public func columns(limit: Int) async throws -> LogColumns {
        var columns = LogColumns(featureCount: schema.features.count)
        for entry in try await recent(limit: limit).reversed() { columns.append(entry) }
        return columns
    }
}

/// Logged predictions held column by column, oldest first: what drift over time reads from a
/// million of them without a value per row on the heap.
public struct LogColumns: Hashable, Sendable {
    /// When each prediction was made, in seconds since 1970.
    public var times: [Double] = []
    /// One column per feature of the schema, one value per prediction: the number, the level
    /// index of a categorical feature, `nan` when missing.
    public var features: [[Double]]
    /// The predicted class of each, by its index in the schema's `target.classes`.
    public var predictedClasses: [Int] = []

    public init(featureCount: Int) {
        features = Array(repeating: [], count: featureCount)
    }

    /// The number of predictions.
    public var count: Int { times.count }

    /// Appends one entry's time, features and class.
    public mutating func append(_ entry: RecordLogEntry) {
        times.append(entry.prediction.predictedAt.timeIntervalSince1970)
        for index in features.indices {
            features[index].append(entry.features.indices.contains(index) ? entry.features[index] ?? .nan : .nan)
        }
        predictedClasses.append(entry.prediction.predictedClass)
    }

    /// Appends `other`'s predictions after these.
    public mutating func append(contentsOf other: LogColumns) {
        times += other.times
        for index in features.indices { features[index] += other.features[index] }
        predictedClasses += other.predictedClasses
    }

    /// The predictions at `positions`, in that order.
    public func reordered(_ positions: [Int]) -> LogColumns {
        var result = LogColumns(featureCount: features.count)
        result.times = positions.map { times[$0] }
        result.features = features.map { column in positions.map { column[$0] } }
        result.predictedClasses = positions.map { predictedClasses[$0] }
        return result
    }

    /// The predictions from position `start` on.
    public func suffix(from start: Int) -> LogColumns {
        var result = LogColumns(featureCount: features.count)
        result.times = Array(times[start...])
        result.features = features.map { Array($0[start...]) }
        result.predictedClasses = Array(predictedClasses[start...])
        return result
    }
}

/// Where the prediction logs of the datasets are kept: the seam through which the server's log
/// writer reaches them.
public protocol RecordPredictionLogs: Sendable {
    /// The log of the dataset's real-time predictions, made on first use.
    func predictionLog(for schema: DatasetSchema) async throws -> any RecordPredictionLog
}
