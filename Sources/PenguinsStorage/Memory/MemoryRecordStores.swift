import Foundation
import PenguinsCore

/// The lake of one dataset held in memory. Same semantics as ``SQLiteRecordLake``.
public actor MemoryRecordLake: RecordLake {
    public nonisolated let schema: DatasetSchema
    private var documents: [String: LakeDocument] = [:]

    public init(schema: DatasetSchema, documents: [String: LakeDocument] = [:]) {
        self.schema = schema
        self.documents = documents
    }

    /// The same documents, written from now on with `schema`.
    func migrated(to schema: DatasetSchema) -> MemoryRecordLake {
        MemoryRecordLake(schema: schema, documents: documents)
    }

    /// Keeps the documents of the batch as they read back from the text the other lakes store.
    public func upsert(_ batch: LakeBatch) throws {
        let bodies = try batch.records.indices.map(batch.document)
        for (record, body) in zip(batch.records, bodies) { documents[record.id] = LakeDocument(id: record.id, body: body) }
    }

    public func document(id: String) -> LakeDocument? { documents[id] }

    public func scan(after: String?, limit: Int) -> [LakeDocument] {
        documents.keys
            .filter { id in after.map { KeyOrder.precedes($0, id) } ?? true }
            .sorted(by: KeyOrder.precedes)
            .prefix(max(limit, 0))
            .map { documents[$0]! }
    }

    public func count() -> Int { documents.count }
}

/// The warehouse of one dataset held in memory. Same semantics as ``SQLiteRecordWarehouse``.
public actor MemoryRecordWarehouse: RecordWarehouse {
    public nonisolated let schema: DatasetSchema
    private var rows: [String: StoredRecord] = [:]
    private var changeLog: MemoryChangeLog
    private var version: Int64

    public init(schema: DatasetSchema, rows: [String: StoredRecord] = [:]) {
        self.init(schema: schema, rows: rows, changeLog: MemoryChangeLog(), version: 1)
    }

    private init(schema: DatasetSchema, rows: [String: StoredRecord], changeLog: MemoryChangeLog, version: Int64) {
        self.schema = schema
        self.rows = rows
        self.changeLog = changeLog
        self.version = version
    }

    /// The same rows under `schema`: each feature found by name (a new one missing, a level
    /// the new schema lacks missing too), the classes by name; rows of a class it lacks are dropped.
    func migrated(to schema: DatasetSchema) -> MemoryRecordWarehouse {
        let old = self.schema
        var migrated: [String: StoredRecord] = [:]
        for (id, stored) in rows {
            guard let targetClass = schema.target.classes.firstIndex(of: old.target.classes[stored.record.targetClass]) else { continue }
            let features = schema.remapped(stored.record.features, from: old)
            migrated[id] = StoredRecord(record: DatasetRecord(id: id, targetClass: targetClass, features: features), prediction: stored.prediction)
        }
        return MemoryRecordWarehouse(schema: schema, rows: migrated, changeLog: changeLog, version: version + 1)
    }

    @discardableResult
    public func upsert(_ records: [DatasetRecord]) -> UpsertOutcome {
        let now = Date()
        let records = records.lastOfEachID(\.id)
        guard !records.isEmpty else { return UpsertOutcome(version: version, change: .none, records: 0) }
        var inserted: [String] = []
        let everyFeature = Array(schema.features.indices)
        var replaced = RecordColumns(features: everyFeature.map { _ in [] })
        for record in records {
            let stored = DatasetRecord(id: record.id, targetClass: record.targetClass, features: record.features)
            let previous = rows[record.id]
            let unchanged = previous.map { $0.record.targetClass == stored.targetClass && $0.record.features == stored.features } ?? false
            rows[record.id] = StoredRecord(record: stored, prediction: unchanged ? previous?.prediction : nil)
            if previous == nil { inserted.append(record.id) }
            if let previous, !unchanged {
                replaced.append(previous.record, featureIndices: everyFeature)
                changeLog.append(record.id, at: now)
            }
        }
        version += 1
        let change: UpsertOutcome.Change = inserted.count == records.count ? .insertedAll : inserted.isEmpty && replaced.count == 0 ? .none : .other
        return UpsertOutcome(
            version: version, change: change, records: records.count,
            changes: change == .other ? UpsertChanges(inserted: inserted, previous: replaced) : nil
        )
    }

    public func dataVersion() -> Int64 { version }

    public func latestChange() -> Int64 { changeLog.latestChange }

    public func changes(after: Int64, limit: Int) -> WarehouseChanges { changeLog.changes(after: after, limit: limit) }

    public func pruneChanges(before date: Date) { changeLog.prune(before: date) }

    public func record(id: String) -> StoredRecord? { rows[id] }

    public func scan(partition: String, after: String?, limit: Int) -> [StoredRecord] {
        rows.values
            .filter { row in
                schema.partitionValue(of: row.record) == partition && (after.map { KeyOrder.precedes($0, row.record.id) } ?? true)
            }
            .sorted { KeyOrder.precedes($0.record.id, $1.record.id) }
            .prefix(max(limit, 0))
            .map { $0 }
    }

    public func columns(featureIndices: [Int], predictions: Bool) -> RecordColumns {
        var result = RecordColumns(features: Array(repeating: [], count: featureIndices.count))
        let keyed = rows.values.map { (partition: schema.partitionValue(of: $0.record), stored: $0) }
        let ordered = keyed.sorted {
            $0.partition != $1.partition ? KeyOrder.precedes($0.partition, $1.partition) : KeyOrder.precedes($0.stored.record.id, $1.stored.record.id)
        }
        for (_, stored) in ordered {
            result.append(stored.record, featureIndices: featureIndices)
            if predictions {
                result.predictedClasses.append(stored.prediction?.predictedClass ?? -1)
                result.modelVersions.append(stored.prediction?.modelVersion ?? -1)
            }
        }
        return result
    }

    @discardableResult
    public func writePredictions(_ predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])], featureIndices: [Int]) -> Int {
        var written = 0
        for (id, prediction, inputs) in predictions {
            guard let stored = rows[id] else { continue }
            let unchanged = zip(featureIndices, inputs).allSatisfy { index, value in
                stored.record.features[index].map { $0 == value } ?? value.isNaN
            }
            guard unchanged else { continue }
            rows[id]!.prediction = prediction
            written += 1
        }
        if written > 0 { version += 1 }
        return written
    }

    public func countsByPartition() -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in rows.values { counts[schema.partitionValue(of: row.record), default: 0] += 1 }
        return counts
    }

    public func summariesByPartition() -> [PartitionSummary] {
        var summaries: [String: PartitionSummary] = [:]
        let usable = schema.usableForTraining(rows.values.map(\.record))
        for (row, isUsable) in zip(rows.values, usable) {
            let partition = schema.partitionValue(of: row.record)
            var summary = summaries[partition] ?? PartitionSummary(partition: partition, classes: schema.target.classes.count, features: schema.features.count)
            summary.count += 1
            summary.countByClass[row.record.targetClass] += 1
            if isUsable { summary.usableForTraining += 1 }
            if row.prediction != nil { summary.scored += 1 }
            for (index, feature) in schema.features.enumerated() where feature.kind == .numeric {
                guard let value = row.record.features[index] else { continue }
                summary.featureSums[index] += value
                summary.featureCounts[index] += 1
            }
            summaries[partition] = summary
        }
        return summaries.values.sorted { $0.partition < $1.partition }
    }

    public func usableAndScoredByPartition() -> [String: UsableAndScored] {
        Dictionary(uniqueKeysWithValues: summariesByPartition().map {
            ($0.partition, UsableAndScored(usable: $0.usableForTraining, scored: $0.scored))
        })
    }

    public func count() -> Int { rows.count }
}

/// The prediction log of one dataset held in memory, with its ground truth. Same semantics as
/// ``SQLiteRecordPredictionLog``.
public actor MemoryRecordPredictionLog: RecordPredictionLog {
    public nonisolated let schema: DatasetSchema
    private var entries: [RecordLogEntry] = []
    /// The entry of each prediction id, by position in `entries`.
    private var positions: [String: Int] = [:]
    /// Ground truth by subject kind and reference.
    private var truths: [FeedbackKey: LabelledPrediction] = [:]

    private struct FeedbackKey: Hashable {
        var kind: String
        var reference: String
    }

    public init(schema: DatasetSchema, entries: [RecordLogEntry] = []) {
        self.init(schema: schema, entries: entries, truths: [:])
    }

    private init(schema: DatasetSchema, entries: [RecordLogEntry], truths: [FeedbackKey: LabelledPrediction]) {
        self.schema = schema
        self.entries = entries
        for (position, entry) in entries.enumerated() {
            if let id = entry.predictionID { positions[id] = position }
        }
        self.truths = truths
    }

    /// The same entries under `schema`, their features found by name (as the stored logs keep
    /// them); an entry whose predicted class the new schema lacks is dropped, and so is ground
    /// truth naming a class the new schema lacks.
    func migrated(to schema: DatasetSchema) -> MemoryRecordPredictionLog {
        let old = self.schema
        let newClass = { (index: Int) in schema.target.classes.firstIndex(of: old.target.classes[index]) }
        let kept = entries.compactMap { entry -> RecordLogEntry? in
            guard let predictedClass = newClass(entry.prediction.predictedClass) else { return nil }
            var prediction = entry.prediction
            prediction.predictedClass = predictedClass
            prediction.probabilities = schema.target.classes.map { name in
                old.target.classes.firstIndex(of: name).map { $0 < entry.prediction.probabilities.count ? entry.prediction.probabilities[$0] : 0 } ?? 0
            }
            return RecordLogEntry(features: schema.remapped(entry.features, from: old), prediction: prediction, predictionID: entry.predictionID)
        }
        let truths = truths.compactMapValues { truth -> LabelledPrediction? in
            guard let predicted = newClass(truth.predictedClass), let actual = newClass(truth.actualClass) else { return nil }
            var moved = truth
            (moved.predictedClass, moved.actualClass) = (predicted, actual)
            moved.features = schema.remapped(truth.features, from: old)
            return moved
        }
        return MemoryRecordPredictionLog(schema: schema, entries: kept, truths: truths)
    }

    public func append(_ entries: [RecordLogEntry]) {
        for entry in entries {
            if let id = entry.predictionID { positions[id] = self.entries.count }
            self.entries.append(entry)
        }
    }

    /// The newest entries first, without their prediction ids (as the stored logs read them).
    public func recent(limit: Int) -> [RecordLogEntry] {
        entries.reversed().prefix(max(limit, 0)).map { RecordLogEntry(features: $0.features, prediction: $0.prediction) }
    }

    public func count() -> Int { entries.count }

    public func record(_ feedback: [Feedback]) -> [Int] {
        let unmatched = feedback.indices.filter {
            if case .prediction(let id) = feedback[$0].subject { positions[id] == nil } else { false }
        }
        guard unmatched.isEmpty else { return unmatched }
        for item in feedback {
            let (prediction, features) = switch item.subject {
            case .prediction(let id): (entries[positions[id]!].prediction, entries[positions[id]!].features)
            case .row(_, let prediction, let features): (prediction, features)
            }
            truths[FeedbackKey(kind: item.subject.kind, reference: item.subject.reference)] = LabelledPrediction(
                features: features, predictedClass: prediction.predictedClass, actualClass: item.actualClass,
                modelVersion: prediction.modelVersion, predictedAt: prediction.predictedAt, recordedAt: item.recordedAt
            )
        }
        return []
    }

    public func labelled(since: Date?) -> [LabelledPrediction] {
        truths.sorted { ($0.value.predictedAt, $0.key.kind, $0.key.reference) < ($1.value.predictedAt, $1.key.kind, $1.key.reference) }
            .map(\.value)
            .filter { since == nil || $0.predictedAt >= since! }
    }
}

extension DatasetSchema {
    /// The values of a row read under `old`, found by feature name for this schema: a feature
    /// `old` lacks (or of another kind) is missing, and so is a level this schema lacks.
    func remapped(_ values: [Double?], from old: DatasetSchema) -> [Double?] {
        features.map { feature -> Double? in
            guard let index = old.features.firstIndex(where: { $0.name == feature.name }), old.features[index].kind == feature.kind,
                  index < values.count, let value = values[index] else { return nil }
            guard feature.kind == .categorical else { return value }
            return feature.levels.firstIndex(of: old.features[index].levels[Int(value)]).map(Double.init)
        }
    }
}

/// The tables of every dataset of a ``MemoryStore``: made on first use, kept by dataset name.
/// A lake or warehouse asked for with a changed schema keeps its rows, read under the new schema
/// (as the SQLite and PostgreSQL stores migrate theirs).
public actor MemoryDatasetTables: DatasetTablesProvider {
    private var lakes: [String: MemoryRecordLake] = [:]
    private var warehouses: [String: MemoryRecordWarehouse] = [:]
    private var quarantines: [String: MemoryQuarantine] = [:]
    private var registries: [String: MemoryModelRegistry] = [:]
    private var predictionLogs: [String: MemoryRecordPredictionLog] = [:]

    /// Tables holding `lakes`, `warehouses` and `predictionLogs` (by their schema's dataset),
    /// and `quarantines` and `registries` (by dataset name) from the start.
    public init(
        lakes: [MemoryRecordLake] = [], warehouses: [MemoryRecordWarehouse] = [], predictionLogs: [MemoryRecordPredictionLog] = [],
        quarantines: [String: MemoryQuarantine] = [:], registries: [String: MemoryModelRegistry] = [:]
    ) {
        for lake in lakes { self.lakes[lake.schema.name] = lake }
        for warehouse in warehouses { self.warehouses[warehouse.schema.name] = warehouse }
        for log in predictionLogs { self.predictionLogs[log.schema.name] = log }
        self.quarantines = quarantines
        self.registries = registries
    }

    public func lake(for schema: DatasetSchema) async -> any RecordLake {
        let existing = lakes[schema.name]
        if let existing, existing.schema == schema { return existing }
        let lake = await existing?.migrated(to: schema) ?? MemoryRecordLake(schema: schema)
        lakes[schema.name] = lake
        return lake
    }

    public func warehouse(for schema: DatasetSchema) async -> any RecordWarehouse {
        let existing = warehouses[schema.name]
        if let existing, existing.schema == schema { return existing }
        let warehouse = await existing?.migrated(to: schema) ?? MemoryRecordWarehouse(schema: schema)
        warehouses[schema.name] = warehouse
        return warehouse
    }

    public func quarantine(for schema: DatasetSchema) -> any Quarantine {
        if let quarantine = quarantines[schema.name] { return quarantine }
        let quarantine = MemoryQuarantine()
        quarantines[schema.name] = quarantine
        return quarantine
    }

    public func registry(for schema: DatasetSchema) -> any ModelRegistry {
        if let registry = registries[schema.name] { return registry }
        let registry = MemoryModelRegistry()
        registries[schema.name] = registry
        return registry
    }

    public func predictionLog(for schema: DatasetSchema) async -> any RecordPredictionLog {
        let existing = predictionLogs[schema.name]
        if let existing, existing.schema == schema { return existing }
        let log = await existing?.migrated(to: schema) ?? MemoryRecordPredictionLog(schema: schema)
        predictionLogs[schema.name] = log
        return log
    }
}
