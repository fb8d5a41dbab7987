import PenguinsCore
import PenguinsStorage

/// Where the answer of a prediction lookup came from.
public enum PredictionSource: String, Sendable, Equatable, CaseIterable {
    /// The prediction cache held it.
    case cache
    /// The warehouse's prediction columns, written by batch scoring with the current model.
    case warehouse
    /// Predicted just now by the live model (the penguin was not scored by the current version).
    case model
}

/// The fallback of `GET /api/v1/predictions/{penguin_id}` as a pure decision, so every branch
/// is tested without a store: cache, then the warehouse, then the live model.
public enum PredictionLookup {
    /// What to do with what the stores said.
    public enum Decision: Equatable, Sendable {
        /// Answer this prediction; refill the cache with it unless it came from there.
        case answer(Prediction, source: PredictionSource)
        /// Predict this row of features (by schema index) with the live model, answer with
        /// source `model` and cache it.
        case predictLive([Double?])
        /// The cache missed: read the warehouse row and decide again.
        case readWarehouse
        /// No penguin has this id.
        case notFound
        /// The penguin is known but lacks these features (by name) the model reads, so it cannot predict it.
        case notPredictable(missing: [String])
        /// There is no live model to check versions against or predict with.
        case noModel
    }

    /// The first step: what the cache said. `cached` is nil on a miss (a failing cache counts as one).
    public static func afterCache(currentVersion: Int?, cached: Prediction?) -> Decision {
        guard let currentVersion else { return .readWarehouse }
        if let cached, cached.modelVersion == currentVersion { return .answer(cached, source: .cache) }
        return .readWarehouse
    }

    /// The second step: what the warehouse said about the penguin. `reads` are the schema
    /// indices of the live model's features (nil: the four measurements, which every model read
    /// before `train --features`, and which a penguin without a model is checked for).
    public static func afterWarehouse(
        currentVersion: Int?, row: WarehouseRow?, coding: PenguinRecords = .bundled, reads: [Int]? = nil
    ) -> Decision {
        guard let row else { return .notFound }
        let features = coding.record(row.penguin, otherFields: false).features
        let missing = (reads ?? coding.measurementIndices).filter { features[$0] == nil }.map { coding.schema.features[$0].name }
        guard missing.isEmpty else { return .notPredictable(missing: missing) }
        guard let currentVersion else { return .noModel }
        if let prediction = row.prediction, prediction.modelVersion == currentVersion {
            return .answer(prediction, source: .warehouse)
        }
        return .predictLive(features)
    }
}
