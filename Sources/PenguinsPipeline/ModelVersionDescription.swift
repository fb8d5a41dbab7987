import Foundation
import PenguinsCore
import PenguinsStorage

/// One model version as the CLI and the API list it: registry entry plus the headline
/// figures of its artifact (nil when the artifact cannot be read).
public struct ModelVersionDescription: Encodable, Sendable {
    public var version: Int
    public var current: Bool
    public var createdAt: Date
    public var engine: String?
    public var numTrees: Int?
    public var maxDepth: Int?
    public var trainingRows: Int?
    public var accuracy: Double?
    public var macroF1: Double?
    /// The Spark model registered beside the Swift one, when the version has one.
    public var spark: SparkModelRecord?

    public init(summary: ModelVersionSummary, artifact: ModelArtifact?) {
        version = summary.version
        current = summary.isCurrent
        createdAt = summary.createdAt
        engine = artifact?.engine
        numTrees = artifact?.parameters.numTrees
        maxDepth = artifact?.parameters.maxDepth
        trainingRows = artifact?.trainingRows
        accuracy = artifact?.metrics.accuracy
        macroF1 = artifact?.metrics.macroF1
        spark = artifact?.spark
    }
}

extension Platform {
    /// Every model version of dataset `name` (the default one when nil), newest first, with
    /// the headline figures of its artifact.
    public func modelVersions(ofDataset name: String? = nil) async throws -> [ModelVersionDescription] {
        let registry = try await registry(ofDataset: name ?? BundledSchemas.defaultName)
        var described: [ModelVersionDescription] = []
        for summary in try await registry.versions() {
            let artifact = try await registry.model(version: summary.version).flatMap { try? ModelArtifact.decode($0.artifact) }
            described.append(ModelVersionDescription(summary: summary, artifact: artifact))
        }
        return described
    }
}
