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
        /// Predict these measurements with the live model, answer with source `model` and cache it.
        case predictLive(Measurements)
        /// The cache missed: read the warehouse row and decide again.
        case readWarehouse
        /// No penguin has this id.
        case notFound
        /// The penguin is known but a measurement is missing, so no model can predict it.
        case notPredictable(missing: [Feature])
        /// There is no live model to check versions against or predict with.
        case noModel
    }

    /// The first step: what the cache said. `cached` is nil on a miss (a failing cache counts as one).
    public static func afterCache(currentVersion: Int?, cached: Prediction?) -> Decision {
        guard let currentVersion else { return .readWarehouse }
        if let cached, cached.modelVersion == currentVersion { return .answer(cached, source: .cache) }
        return .readWarehouse
    }

    /// The second step: what the warehouse said about the penguin.
    public static func afterWarehouse(currentVersion: Int?, row: WarehouseRow?) -> Decision {
        guard let row else { return .notFound }
        let missing = Feature.allCases.filter { row.penguin.measurements[$0] == nil }
        guard missing.isEmpty else { return .notPredictable(missing: missing) }
        guard let currentVersion else { return .noModel }
        if let prediction = row.prediction, prediction.modelVersion == currentVersion {
            return .answer(prediction, source: .warehouse)
        }
        return .predictLive(row.penguin.measurements)
    }
}
