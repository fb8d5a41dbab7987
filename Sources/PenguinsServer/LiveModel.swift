import Foundation
import Logging
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// The model that answers live predictions: the registry's current version, held behind a
/// lock so a promotion swaps it atomically. A request takes one reference and predicts with
/// it; a swap in the middle never drops or mixes a request.
public final class LiveModel: Sendable {
    /// One loaded model, shared by reference so taking it costs one retain.
    public final class Loaded: Sendable {
        public let model: SpeciesModel
        /// A flag per feature of the schema: true for those the model reads, which a request must give.
        public let required: [Bool]
        public var version: Int { model.version }
        init(_ model: SpeciesModel) {
            self.model = model
            required = PenguinInputReader.required(model.featureIndices, featureCount: model.coding.schema.features.count)
        }
    }

    private let loaded: Mutex<Loaded?>
    /// The penguins' schema, to which every model loaded from the registry is bound.
    public let schema: DatasetSchema
    /// Reads the penguins of requests with that schema.
    public let reader: PenguinInputReader

    /// A holder of `model` (nil before the first training), loading later versions bound to `schema`.
    public init(_ model: SpeciesModel? = nil, schema: DatasetSchema = BundledSchemas.penguins) {
        self.loaded = Mutex(model.map(Loaded.init))
        self.schema = model?.coding.schema ?? schema
        self.reader = PenguinInputReader(schema: self.schema)
    }

    /// The penguin of a request body, checked by the schema, with the features `loaded` reads
    /// (the four measurements when no model is live) required.
    func input(_ body: JSONInput, loaded: Loaded?, prefix: String = "", errors: inout [FieldError]) -> PenguinInput? {
        reader.validate(body, required: loaded?.required ?? reader.defaultRequired, prefix: prefix, errors: &errors)
    }

    /// `artifact` of version `version` bound to the penguins' schema.
    /// - Throws: ``PenguinsPipeline/PipelineError/modelDoesNotMatch(dataset:version:reason:)``.
    public func bind(version: Int, artifact: ModelArtifact) throws -> SpeciesModel {
        try SpeciesModel(version: version, artifact: artifact, schema: schema)
    }

    /// The model now (nil when there is none).
    public var current: Loaded? { loaded.withLock { $0 } }

    /// Its version, or nil.
    public var version: Int? { loaded.withLock { $0?.version } }

    /// Replaces the model; returns the version it replaced.
    @discardableResult
    public func swap(to newModel: SpeciesModel) -> Int? {
        let replacement = Loaded(newModel)
        return loaded.withLock { held in
            let previous = held?.version
            held = replacement
            return previous
        }
    }

    /// Loads the registry's current version when it differs from the held one.
    /// Returns true when the model changed.
    @discardableResult
    public func refresh(from registry: any ModelRegistry) async throws -> Bool {
        let versions = try await registry.versions()
        guard let currentVersion = versions.first(where: \.isCurrent)?.version, currentVersion != version else { return false }
        guard let registered = try await registry.model(version: currentVersion) else { return false }
        swap(to: try bind(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact)))
        return true
    }

    /// The model to serve at start: the registry's current version; if there is none but the
    /// warehouse has complete rows, at most `trainingLimit`, one is trained with `parameters`,
    /// registered and promoted. None when there is nothing to train on, or more rows than a
    /// serving process should read while it starts (a 10-million-row fit holds close to 900 MB
    /// and keeps the server from listening for a quarter of a minute): `penguins train` makes
    /// one then, which the registry poll picks up.
    public static func load(
        platform: Platform, parameters: RandomForestClassifier, trainingLimit: Int = ServerOptions.defaultStartTrainingLimit, logger: Logger
    ) async throws -> LiveModel {
        if let registered = try await platform.registry.current() {
            return LiveModel(try platform.speciesModel(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact)))
        }
        let rows = try await platform.warehouse.count()
        guard rows <= trainingLimit else {
            logger.warning(
                "no model, and \(rows) rows are more than the server trains on while it starts (\(trainingLimit)): predictions answer 503 until penguins train promotes one"
            )
            return LiveModel(schema: platform.warehouse.recordWarehouse.schema)
        }
        do {
            let report = try await Trainer(platform: platform, parameters: parameters).train()
            logger.info("no current model: trained and promoted version \(report.version) on \(report.artifact.trainingRows) rows")
            return LiveModel(try platform.speciesModel(version: report.version, artifact: report.artifact))
        } catch PipelineError.noTrainingRows {
            logger.warning("no model and nothing to train on: predictions answer 503 until penguins ingest and penguins train")
            return LiveModel(schema: platform.warehouse.recordWarehouse.schema)
        }
    }
}

/// Polls the registry for promotions made by another process (the CLI's `models promote`)
/// and swaps the live model when the current version changes.
/// With `health`, its reads go through the registry's circuit breaker: while the registry is
/// down, polls are skipped and the outage is logged once (by ``StoreHealth``), not every poll.
struct ModelWatcher: Service {
    let model: LiveModel
    let registry: any ModelRegistry
    let interval: Duration
    var health: StoreHealth? = nil
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                let changed: Bool
                if let health {
                    changed = try await health.call(.registry) { [model, registry] in try await model.refresh(from: registry) }
                } else {
                    changed = try await model.refresh(from: registry)
                }
                if changed {
                    logger.info("model version \(model.version.map(String.init) ?? "-") is now live (promoted elsewhere)")
                }
            } catch is StoreDown {
                // Logged by StoreHealth when the registry goes down and when it answers again.
            } catch {
                logger.warning("cannot read the model registry: \(error)")
            }
        }
    }
}
