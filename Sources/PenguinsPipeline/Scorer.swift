import Foundation
import PenguinsCore
import PenguinsStorage

/// What a batch scoring did.
public struct ScoreReport: Codable, Sendable {
    public var modelVersion: Int
    public var rows: Int
    public var scored: Int
    /// Rows missing a feature the model reads, which it cannot score.
    public var unscorable: Int
    /// Scored rows whose stored prediction was missing, by another version or of another
    /// species: the rows whose answer this scoring changed.
    public var refreshed: Int
    /// Predictions written to the prediction cache.
    public var cached: Int
    /// Where the cache is (its location URL, passwords masked).
    public var cacheLocation: String
    /// True when the cache lives in this process only (`memory://`): a running server keeps
    /// its own, which drops changed penguins by itself and refills from the warehouse.
    public var cacheInProcess: Bool
    /// Penguins whose stale cached predictions were removed before scoring (see ``CacheCoherence``).
    public var cacheInvalidated: Int
    /// Penguins an ingestion re-measured while they were being scored: they keep no prediction
    /// of their old measurements, in the warehouse or the cache (the next `score` predicts them).
    public var changedWhileScoring: Int = 0
    public var seconds: Double
}

/// Batch inference of every warehouse row with the current model: writes the prediction
/// columns and fills the prediction cache, first made coherent with the warehouse.
///
/// A penguin re-measured between the read of its batch and the write keeps no prediction of its
/// old measurements. The warehouse logs every re-measurement (``ChangeLog``), so after the last
/// batch the penguins logged since scoring began are read again and scored as they are now, and
/// once the cache is filled they are removed from it. (Checking each row's measurements in the
/// write itself cost 13 % of the scoring time; the log costs one read when nothing changed.)
public struct Scorer: Sendable {
    /// The rows predicted and written together.
    static let batchSize = 20_000

    public var platform: Platform
    /// Whether to write the predictions to the cache. The `score` command leaves an in-process
    /// cache alone: it ends with the command.
    public var fillsCache: Bool

    public init(platform: Platform, fillsCache: Bool = true) {
        self.platform = platform
        self.fillsCache = fillsCache
    }

    public func score(now: Date = Date()) async throws -> ScoreReport {
        let start = Date()
        let model = try await platform.currentModel()
        let coherence = CacheCoherence(platform: platform)
        let reconciled = try await coherence.reconcile()
        // The newest change when scoring begins: every row read below already has its values.
        let began = reconciled.through
        var report = ScoreReport(
            modelVersion: model.version, rows: 0, scored: 0, unscorable: 0, refreshed: 0, cached: 0,
            cacheLocation: platform.locationDescriptions[.cache] ?? "memory://", cacheInProcess: platform.cacheIsInProcess,
            cacheInvalidated: reconciled.invalidated, seconds: 0
        )
        // The model's features and the stored predictions, read column-wise in one pass; each
        // prediction is written only while its row still has the values it was made from.
        let records = platform.warehouse.recordWarehouse
        let read = try await records.columns(featureIndices: model.featureIndices, predictions: true)
        for start in stride(from: 0, to: read.count, by: Self.batchSize) {
            let rows = start..<min(start + Self.batchSize, read.count)
            var written: [(id: String, prediction: RecordPrediction, inputs: [Double])] = []
            var scored: [(penguinID: String, prediction: Prediction)] = []
            written.reserveCapacity(rows.count)
            scored.reserveCapacity(rows.count)
            for (row, prediction) in zip(rows, model.predict(columns: read.features, rows: rows, at: now)) {
                guard let prediction else { continue }
                let stored = model.coding.recordPrediction(prediction)
                written.append((read.ids[row], stored, read.features.map { $0[row] }))
                scored.append((read.ids[row], prediction))
                if read.modelVersions[row] != stored.modelVersion || read.predictedClasses[row] != stored.predictedClass {
                    report.refreshed += 1
                }
            }
            try await records.writePredictions(written, featureIndices: model.featureIndices)
            if fillsCache {
                try await platform.cache.store(scored, ttlSeconds: platform.configuration.cacheTTLSeconds)
                report.cached += scored.count
            }
            report.rows += rows.count
            report.scored += scored.count
            report.unscorable += rows.count - scored.count
        }
        report.changedWhileScoring = try await rescoreChanged(since: began, with: model, at: now)
        if fillsCache {
            // From this scoring's own start, not the cache's recorded position, which another
            // process may have moved past a change before this fill put its old answer back.
            _ = try await coherence.invalidate(after: began)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }
}

extension Scorer {
    /// Scores again, as they are now, the penguins whose features the change log shows
    /// changed after `position`, a page of the log at a time, until a pass finds no new change
    /// (at most 20 passes, should ingestions keep changing rows). A change after the last pass
    /// cleared the penguin's prediction by itself. Answers how many distinct penguins.
    func rescoreChanged(since position: Int64, with model: SpeciesModel, at now: Date) async throws -> Int {
        var position = position
        var changed: Set<String> = []
        for _ in 0..<20 {
            let changes = try await platform.warehouse.changes(after: position, limit: 10_000)
            let ids = Array(Set(changes.ids))
            guard !ids.isEmpty else { break }
            changed.formUnion(ids)
            var rows: [WarehouseRow] = []
            for id in ids { if let row = try await platform.warehouse.row(id: id) { rows.append(row) } }
            let predictions = model.predict(rows.map(\.penguin), at: now)
            try await platform.warehouse.writePredictions(zip(rows, predictions).compactMap { row, prediction in
                prediction.map { (row.penguin.id, $0) }
            })
            position = changes.through
        }
        return changed.count
    }
}

extension Platform {
    /// True when the prediction cache lives in this process (`memory://`), so it ends with it.
    public var cacheIsInProcess: Bool {
        (try? configuration.location(of: .cache)) == .memory
    }

    /// The registry's current model, decoded and bound to the penguins' schema.
    /// - Throws: ``PipelineError/noModel`` when there is none, ``PipelineError/modelDoesNotMatch(dataset:version:reason:)``
    ///   when the schema lacks what the model reads.
    public func currentModel() async throws -> SpeciesModel {
        guard let registered = try await registry.current() else { throw PipelineError.noModel }
        return try speciesModel(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact))
    }

    /// `artifact` of the penguins' registry bound to the schema of the penguins' warehouse.
    public func speciesModel(version: Int, artifact: ModelArtifact) throws -> SpeciesModel {
        try SpeciesModel(version: version, artifact: artifact, schema: warehouse.recordWarehouse.schema)
    }
}
