import Foundation
import PenguinsCore

/// One real-time prediction, as logged: the "production" stream that drift is measured on.
public struct PredictionLogEntry: Hashable, Sendable {
    public var measurements: Measurements
    public var prediction: Prediction
    public init(measurements: Measurements, prediction: Prediction) {
        self.measurements = measurements
        self.prediction = prediction
    }
}

/// The log of real-time predictions.
public protocol PredictionLog: Sendable {
    func append(_ entries: [PredictionLogEntry]) async throws
    /// The newest entries first, at most `limit`.
    func recent(limit: Int) async throws -> [PredictionLogEntry]
    /// Every logged value of one feature (present values only), oldest first, at most `limit` newest.
    func values(of feature: Feature, limit: Int) async throws -> [Double]
    func count() async throws -> Int
}
