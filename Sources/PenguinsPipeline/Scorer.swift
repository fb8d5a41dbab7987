import Foundation
import PenguinsCore
import PenguinsStorage

/// What a batch scoring did.
public struct ScoreReport: Codable, Sendable {
    /// The dataset scored.
    public var dataset: String
    public var modelVersion: Int
    public var rows: Int
    public var scored: Int
    /// Rows missing a feature the model reads, which it cannot score.
    public var unscorable: Int
    /// Scored rows whose stored prediction was missing, by another version or of another
    /// class: the rows whose answer this scoring changed.
    public var refreshed: Int
    /// Predictions written to the prediction cache.
    public var cached: Int
    /// Where the cache is (its location URL, passwords masked).
    public var cacheLocation: String
    /// True when the cache lives in this process only (`memory://`): a running server keeps
    /// its own, which drops changed rows by itself and refills from the warehouse.
    public var cacheInProcess: Bool
    /// Rows whose stale cached predictions were removed before scoring (see ``CacheCoherence``).
    public var cacheInvalidated: Int
    /// Rows an ingestion changed while they were being scored: scored again as they are now
    /// (one changed after that keeps no prediction of its old values until the next `score`).
    public var changedWhileScoring: Int = 0
    public var seconds: Double
}

/// Batch inference of every warehouse row of a dataset with its current model: writes the
/// prediction columns and fills the dataset's prediction cache, first made coherent with the
/// warehouse.
///
/// A row changed between the read of its batch and the write keeps no prediction of its old
/// values (the warehouse writes a prediction only while the row has the values it was made
/// from). The warehouse logs every change (``ChangeLog``), so after the last batch the rows
/// logged since scoring began are read again and scored as they are now, and once the cache is
/// filled they are removed from it. (Checking each row's values in the write costs little; the
/// log costs one read when nothing changed.)
public struct Scorer: Sendable {
    public var platform: Platform
    /// Whether to write the predictions to the cache. The `score` command leaves an in-process
    /// cache alone: it ends with the command.
    public var fillsCache: Bool
    /// The rows predicted and written together.
    public var batchSize: Int

    public init(platform: Platform, fillsCache: Bool = true, batchSize: Int = 20_000) {
        self.platform = platform
        self.fillsCache = fillsCache
        self.batchSize = batchSize
    }

    /// Scores the rows of dataset `schema`, the penguins' by default.
    /// - Throws: ``PipelineError/noDatasetModel(_:)`` before its first training.
    public func score(schema: DatasetSchema = BundledSchemas.penguins, now: Date = Date()) async throws -> ScoreReport {
        try await score(stores: try await platform.tables(for: schema), now: now)
    }

    /// Scores the rows of the warehouse of `stores` with the current model of their registry,
    /// bound to the warehouse's schema.
    public func score(stores: DatasetStores, now: Date = Date()) async throws -> ScoreReport {
        let start = Date()
        let warehouse = stores.warehouse
        let model = try await DatasetModel.current(of: warehouse.schema, in: stores.registry)
        let coherence = CacheCoherence(warehouse: warehouse, cache: stores.cache, registry: stores.registry)
        let reconciled = try await coherence.reconcile()
        // The newest change when scoring begins: every row read below already has its values.
        let began = reconciled.through
        var report = ScoreReport(
            dataset: warehouse.schema.name, modelVersion: model.version, rows: 0, scored: 0, unscorable: 0, refreshed: 0, cached: 0,
            cacheLocation: platform.locationDescriptions[.cache] ?? "memory://", cacheInProcess: platform.cacheIsInProcess,
            cacheInvalidated: reconciled.invalidated, seconds: 0
        )
        // The model's features and the stored predictions, read column-wise in one pass; each
        // prediction is written only while its row still has the values it was made from.
        let read = try await warehouse.columns(featureIndices: model.featureIndices, predictions: true)
        for chunk in stride(from: 0, to: read.count, by: batchSize) {
            let rows = chunk..<min(chunk + batchSize, read.count)
            var written: [(id: String, prediction: RecordPrediction, inputs: [Double])] = []
            written.reserveCapacity(rows.count)
            for (row, probabilities) in zip(rows, model.probabilities(columns: read.features, rows: rows)) {
                guard let probabilities else { continue }
                let prediction = model.prediction(from: probabilities, at: now)
                written.append((read.ids[row], prediction, read.features.map { $0[row] }))
                if read.modelVersions[row] != prediction.modelVersion || read.predictedClasses[row] != prediction.predictedClass {
                    report.refreshed += 1
                }
            }
            try await warehouse.writePredictions(written, featureIndices: model.featureIndices)
            if fillsCache {
                try await stores.cache.store(written.map { ($0.id, $0.prediction) }, ttlSeconds: platform.configuration.cacheTTLSeconds)
                report.cached += written.count
            }
            report.rows += rows.count
            report.scored += written.count
            report.unscorable += rows.count - written.count
        }
        report.changedWhileScoring = try await rescoreChanged(since: began, in: warehouse, with: model, at: now)
        if fillsCache {
            // From this scoring's own start, not the cache's recorded position, which another
            // process may have moved past a change before this fill put its old answer back.
            _ = try await coherence.invalidate(after: began)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Scores again, as they are now, the rows whose values the change log shows changed
    /// after `position`, a page of the log at a time, until a pass finds no new change (at most
    /// 20 passes, should ingestions keep changing rows). A change after the last pass cleared
    /// the row's prediction by itself. Answers how many distinct rows.
    func rescoreChanged(since position: Int64, in warehouse: any RecordWarehouse, with model: DatasetModel, at now: Date) async throws -> Int {
        var position = position
        var changed: Set<String> = []
        for _ in 0..<20 {
            let changes = try await warehouse.changes(after: position, limit: 10_000)
            let ids = Array(Set(changes.ids))
            guard !ids.isEmpty else { break }
            changed.formUnion(ids)
            var records: [DatasetRecord] = []
            for id in ids { if let stored = try await warehouse.record(id: id) { records.append(stored.record) } }
            let predicted = zip(records, model.probabilities(records.map(\.features))).compactMap { record, probabilities in
                probabilities.map { probabilities in
                    (record.id, model.prediction(from: probabilities, at: now), model.featureIndices.map { record.features[$0] ?? .nan })
                }
            }
            try await warehouse.writePredictions(predicted, featureIndices: model.featureIndices)
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
}
