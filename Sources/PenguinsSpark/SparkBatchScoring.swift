import Foundation
import PenguinsCore
import PenguinsPipeline

/// Scheduled batch scoring on a Spark cluster (`serve --engine sc://HOST:PORT --schedule 'score daily 02:00'`):
/// ``SparkScorer`` for every dataset with a model, the Spark and Swift predictions side by side.
public struct SparkBatchScoring: BatchScoring {
    public let url: SparkConnectURL

    public init(url: SparkConnectURL) {
        self.url = url
    }

    public var engine: String { url.description }

    public func score(_ schema: DatasetSchema, platform: Platform) async throws -> String {
        let report = try await SparkScorer(platform: platform, url: url).score(dataset: schema)
        return "\(schema.name): Spark scored \(report.sparkScored) rows and the Swift model \(report.swift.scored) with model version \(report.modelVersion)"
    }
}
