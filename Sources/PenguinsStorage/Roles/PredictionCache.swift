import PenguinsCore

/// Hot predictions by penguin id with a time to live. Keys carry the model version, so a
/// promoted model never reads a prediction another version wrote.
public protocol PredictionCache: Sendable {
    /// The cached prediction of `penguinID` by `modelVersion`, or nil when absent or expired.
    func prediction(penguinID: String, modelVersion: Int) async throws -> Prediction?
    /// Stores predictions (each under its own `modelVersion`) for `ttlSeconds`; rewriting a key refreshes its TTL.
    func store(_ predictions: [(penguinID: String, prediction: Prediction)], ttlSeconds: Int) async throws
    /// Removes every entry.
    func removeAll() async throws
    /// Number of live entries.
    func count() async throws -> Int
}

extension PredictionCache {
    /// The default time to live of a cached prediction: one hour.
    public static var defaultTTLSeconds: Int { 3600 }
}
