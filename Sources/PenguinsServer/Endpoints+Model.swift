import Foundation
import Synchronization
import Hummingbird
import PenguinsCore
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
        let production = try? await production(of: penguinLog.schema, version: loaded.version)
        return try Responses.json(encoding: ModelWithShadow(
            description: ModelDescription(loaded.model), spark: loaded.model.artifact.spark, shadow: shadow, production: production))
    }

    /// The shadow comparison for a model with a Spark part, from a warehouse Spark writes to;
    /// nil otherwise. A warehouse that does not answer leaves it out: the live model's
    /// description does not depend on the warehouse.
    ///
    /// The comparison reads every row of the version (no index serves it), and it changes only
    /// when a batch scoring or an ingestion runs, so an answer is reused for
    /// a few seconds (``ShadowComparisonCache``): `GET /model` stays a cheap call however often it is polled.
    func shadowComparison(of model: SpeciesModel?) async -> ShadowComparison? {
        guard let model, model.artifact.spark != nil, let warehouse = platform.warehouse as? any SparkWarehouse else { return nil }
        let version = model.version
        if let cached = shadowCache.value(forVersion: version) { return cached }
        do {
            let comparison = try await store(.warehouse) {
                try await warehouse.shadowComparison(modelVersion: version, limit: Self.shadowDisagreementLimit)
            }
            shadowCache.store(comparison, forVersion: version)
            return comparison
        } catch {
            return nil
        }
    }
}

/// The last shadow comparison computed, by model version, for a few seconds.
final class ShadowComparisonCache: Sendable {
    /// How long a comparison is reused.
    let lifetime: Duration

    init(lifetime: Duration = .seconds(10)) {
        self.lifetime = lifetime
    }

    private struct Entry {
        var version: Int
        var comparison: ShadowComparison?
        var expires: ContinuousClock.Instant
    }

    private let entry = Mutex<Entry?>(nil)

    /// The comparison of `version` computed less than `lifetime` ago (its value may be nil:
    /// no row has both predictions), or nil when there is none.
    func value(forVersion version: Int) -> ShadowComparison?? {
        entry.withLock { entry in
            guard let entry, entry.version == version, ContinuousClock.now < entry.expires else { return nil }
            return .some(entry.comparison)
        }
    }

    func store(_ comparison: ShadowComparison?, forVersion version: Int) {
        entry.withLock { $0 = Entry(version: version, comparison: comparison, expires: .now + lifetime) }
    }
}

/// `GET /model` with the optional `spark` and `shadow` objects beside the live model's fields.
struct ModelWithShadow<Row: Codable & Sendable & Equatable>: Encodable {
    var description: ModelDescription
    var spark: SparkModelRecord?
    var shadow: ModelShadow<Row>?
    /// Left out when the prediction log's store does not answer.
    var production: ProductionReport?

    private enum CodingKeys: String, CodingKey { case spark, shadow, production }

    func encode(to encoder: any Encoder) throws {
        try description.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(spark, forKey: .spark)
        try container.encodeIfPresent(shadow, forKey: .shadow)
        try container.encodeIfPresent(production, forKey: .production)
    }
}
