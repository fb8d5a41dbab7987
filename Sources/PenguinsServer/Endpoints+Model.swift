import Foundation
import Hummingbird
import PenguinsPipeline
import PenguinsStorage

extension Endpoints {
    /// Disagreeing rows shown by `GET /model` and the Classification page.
    static let shadowDisagreementLimit = 20

    /// `GET /model`: the live model, its Spark model when one was trained beside it, and the
    /// shadow comparison of their batch predictions when the warehouse holds Spark's.
    func currentModelWithShadow() async throws -> Response {
        guard let loaded = model.current else { throw Problem.noModel }
        let shadow = await shadowComparison(of: loaded.model)
        return try Responses.json(encoding: ModelWithShadow(description: ModelDescription(loaded.model), spark: loaded.model.artifact.spark, shadow: shadow))
    }

    /// The shadow comparison for a model with a Spark part, from a warehouse Spark writes to;
    /// nil otherwise. A warehouse that does not answer leaves it out: the live model's
    /// description does not depend on the warehouse.
    func shadowComparison(of model: SpeciesModel?) async -> ShadowComparison? {
        guard let model, model.artifact.spark != nil, let warehouse = platform.warehouse as? any SparkWarehouse else { return nil }
        let version = model.version
        return try? await store(.warehouse) { try await warehouse.shadowComparison(modelVersion: version, limit: Self.shadowDisagreementLimit) }
    }
}

/// `GET /model` with the optional `spark` and `shadow` objects beside the live model's fields.
struct ModelWithShadow: Encodable {
    var description: ModelDescription
    var spark: SparkModelRecord?
    var shadow: ShadowComparison?

    private enum CodingKeys: String, CodingKey { case spark, shadow }

    func encode(to encoder: any Encoder) throws {
        try description.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(spark, forKey: .spark)
        try container.encodeIfPresent(shadow, forKey: .shadow)
    }
}
