import Foundation
import PenguinsCore
import PenguinsML

/// Everything the registry keeps of a trained species model, as JSON: parameters, the fitted
/// scaler and forest, metrics, the feature and class names, a fingerprint of the training data
/// and a sample of it as the drift reference.
public struct ModelArtifact: Codable, Sendable {
    /// Which engine trained it (`swift` for the local engine).
    public var engine: String
    public var featureNames: [String]
    public var classLabels: [String]
    public var parameters: RandomForestClassifier
    public var scaler: StandardScaler
    public var forest: RandomForestModel
    /// Metrics on the held-out split.
    public var metrics: ClassificationMetrics
    public var trainingRows: Int
    public var testRows: Int
    public var testFraction: Double
    /// FNV-1a hash of the training rows' ids and values: equal fingerprints mean equal data.
    public var trainingFingerprint: String
    /// Up to ``ModelArtifact/referenceSampleSize`` training values per feature: the drift reference.
    public var referenceSample: [String: [Double]]
    /// Counts of each level of the categorical columns (species, island, sex) in the training rows.
    public var referenceCategories: [String: [String: Int]]
    public var createdAt: Date
    /// The Spark model trained on the cluster beside this one (`train --engine sc://...`); nil otherwise.
    public var spark: SparkModelRecord? = nil
    /// The dataset the model was trained on; nil for the penguins' models from before datasets.
    public var dataset: String? = nil
    /// The fingerprint of the dataset's schema at training (``PenguinsCore/DatasetSchema/fingerprint``).
    public var schemaFingerprint: String? = nil
    /// The levels of each categorical feature at training, in the order their indices encode.
    public var featureLevels: [String: [String]]? = nil

    /// Size of the per-feature drift reference kept in an artifact.
    public static let referenceSampleSize = 5_000

    public static func decode(_ data: Data) throws -> ModelArtifact {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ModelArtifact.self, from: data)
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }
}
