import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage
import Synchronization

/// What a request on a dataset's routes needs: its schema, its stores, its validator and its
/// current model, read from the catalog and the registry at most once a second per dataset,
/// so a prediction costs no schema parsing and no registry read.
final class DatasetSessions: Sendable {
    /// One dataset as the routes see it.
    struct Session: Sendable {
        var schema: DatasetSchema
        var stores: DatasetStores
        var validator: SchemaValidator
        /// Where its live predictions are logged.
        var log: PredictionLogDestination
        /// The current model, nil before the first training.
        var model: DatasetModel?
        /// Moves each time stale predictions are removed from the dataset's cache (see
        /// ``CacheGeneration``); the same object for every session of the dataset.
        var generation: CacheGeneration
        /// The change of the warehouse's log up to which the cache was made coherent when the
        /// dataset was first opened here (nil when that failed): where this server's watcher
        /// starts following the log.
        var coherentFrom: Int64?
        var readAt: ContinuousClock.Instant
    }

    private let platform: Platform
    private let freshness: Duration
    private let sessions = Mutex<[String: Session]>([:])
    private let names = Mutex<(names: [String], readAt: ContinuousClock.Instant)?>(nil)

    init(platform: Platform, freshness: Duration = .seconds(1)) {
        self.platform = platform
        self.freshness = freshness
    }

    /// The session of dataset `name`, read again when older than the freshness.
    /// - Throws: ``PenguinsPipeline/PipelineError/unknownDataset(_:known:)``, storage errors,
    ///   ``PenguinsPipeline/PipelineError/modelDoesNotMatch(dataset:version:reason:)``.
    func session(_ name: String) async throws -> Session {
        let now = ContinuousClock.now
        if let session = sessions.withLock({ $0[name] }), now - session.readAt < freshness { return session }
        let schema = try await platform.schema(ofDataset: name)
        let stores = try await platform.tables(for: schema)
        let previous = sessions.withLock { $0[name] }
        var model: DatasetModel?
        if let registered = try await stores.registry.current() {
            if let kept = previous?.model, kept.version == registered.version, kept.schema == schema {
                model = kept
            } else {
                model = try DatasetModel(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact), schema: schema)
            }
        }
        var coherentFrom = previous?.coherentFrom
        if previous == nil {
            // Before the first lookup can fill the cache: a cache that never recorded a position
            // is emptied now rather than under a refill. A failure leaves it to the watcher.
            coherentFrom = try? await CacheCoherence(stores: stores).reconcile().through
        }
        let session = Session(
            schema: schema, stores: stores, validator: previous?.schema == schema ? previous!.validator : SchemaValidator(schema: schema),
            log: previous?.schema == schema ? previous!.log : PredictionLogDestination(schema: schema), model: model, generation: previous?.generation ?? CacheGeneration(), coherentFrom: coherentFrom, readAt: now)
        sessions.withLock { $0[name] = session }
        return session
    }

    /// Every dataset's name, the default first, read at most once a second; empty when the
    /// catalog cannot be read (a page then shows no dataset switcher rather than failing).
    func datasetNames() async -> [String] {
        let now = ContinuousClock.now
        if let cached = names.withLock({ $0 }), now - cached.readAt < freshness { return cached.names }
        guard let read = try? await Datasets(catalog: platform.datasets).names() else { return [] }
        names.withLock { $0 = (read, now) }
        return read
    }

    /// Makes the next request on dataset `name` read it again (after a promotion).
    func forget(_ name: String) {
        sessions.withLock { $0[name]?.readAt = ContinuousClock.now - freshness }
    }

    /// The sessions of the datasets that requests have opened so far, by name, as last read.
    var opened: [String: Session] {
        sessions.withLock { $0 }
    }
}
