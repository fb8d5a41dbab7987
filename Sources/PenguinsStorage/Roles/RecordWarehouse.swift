import Foundation
import PenguinsCore

/// The latest batch prediction of a stored record: the predicted class and the probability of
/// each class, by the indices of the schema's `target.classes`.
public struct RecordPrediction: Hashable, Sendable {
    public var predictedClass: Int
    public var probabilities: [Double]
    public var modelVersion: Int
    public var predictedAt: Date

    public init(predictedClass: Int, probabilities: [Double], modelVersion: Int, predictedAt: Date) {
        self.predictedClass = predictedClass
        self.probabilities = probabilities
        self.modelVersion = modelVersion
        self.predictedAt = predictedAt
    }

    /// The probability of the predicted class.
    public var confidence: Double {
        probabilities.indices.contains(predictedClass) ? probabilities[predictedClass] : 0
    }
}

/// A warehouse row of a dataset: the record's analytical columns and its latest prediction.
/// Only the target and the features are kept; `otherFields` and `sourceLine` come back empty.
public struct StoredRecord: Hashable, Sendable {
    public var record: DatasetRecord
    /// Nil until scored, and again once the record's target or features change.
    public var prediction: RecordPrediction?

    public init(record: DatasetRecord, prediction: RecordPrediction?) {
        self.record = record
        self.prediction = prediction
    }
}

/// Records held column-wise: what training, statistics and drift read from a warehouse.
public struct RecordColumns: Hashable, Sendable, Codable {
    /// Ids in the warehouse's key order: by partition, then by id.
    public var ids: [String]
    /// Class indices, one per id.
    public var targetClasses: [Int]
    /// One column per requested feature, in the requested order, one value per id: the number,
    /// or the level index of a categorical feature, `nan` when missing.
    public var features: [[Double]]
    /// When the read asked for them, each record's batch prediction: its class index and model
    /// version, -1 for both when it has none. Empty otherwise.
    public var predictedClasses: [Int] = []
    public var modelVersions: [Int] = []

    public init(ids: [String] = [], targetClasses: [Int] = [], features: [[Double]]) {
        self.ids = ids
        self.targetClasses = targetClasses
        self.features = features
    }

    /// The number of records.
    public var count: Int { ids.count }

    /// Appends one record's values of `featureIndices`.
    public mutating func append(_ record: DatasetRecord, featureIndices: [Int]) {
        ids.append(record.id)
        targetClasses.append(record.targetClass)
        for (column, index) in featureIndices.enumerated() {
            features[column].append(record.features[index] ?? .nan)
        }
    }

    /// The records of `range`.
    public func slice(_ range: Range<Int>) -> RecordColumns {
        var slice = RecordColumns(ids: Array(ids[range]), targetClasses: Array(targetClasses[range]), features: features.map { Array($0[range]) })
        if !predictedClasses.isEmpty {
            slice.predictedClasses = Array(predictedClasses[range])
            slice.modelVersions = Array(modelVersions[range])
        }
        return slice
    }

    /// Removes every record, keeping the columns' storage when asked.
    public mutating func removeAll(keepingCapacity: Bool = false) {
        ids.removeAll(keepingCapacity: keepingCapacity)
        targetClasses.removeAll(keepingCapacity: keepingCapacity)
        for column in features.indices { features[column].removeAll(keepingCapacity: keepingCapacity) }
        predictedClasses.removeAll(keepingCapacity: keepingCapacity)
        modelVersions.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Appends the records of `other`, read with the same features.
    public mutating func append(contentsOf other: RecordColumns) {
        ids += other.ids
        targetClasses += other.targetClasses
        for column in features.indices { features[column] += other.features[column] }
        predictedClasses += other.predictedClasses
        modelVersions += other.modelVersions
    }
}

/// What one partition of a dataset's warehouse holds: the overview of a dataset, and the
/// penguins' counts and means by island.
public struct PartitionSummary: Hashable, Sendable {
    /// The partition column's value.
    public var partition: String
    /// The number of records.
    public var count: Int
    /// The number of records of each class, by the index of the schema's `target.classes`.
    public var countByClass: [Int]
    /// The records that have every feature the schema's models use by default.
    public var usableForTraining: Int
    /// The records with a batch prediction.
    public var scored: Int
    /// For each feature in schema order, the sum of its present values (0 for a categorical feature).
    public var featureSums: [Double]
    /// For each feature in schema order, how many records have a value (0 for a categorical feature).
    public var featureCounts: [Int]

    public init(partition: String, count: Int, countByClass: [Int], usableForTraining: Int, scored: Int, featureSums: [Double], featureCounts: [Int]) {
        self.partition = partition
        self.count = count
        self.countByClass = countByClass
        self.usableForTraining = usableForTraining
        self.scored = scored
        self.featureSums = featureSums
        self.featureCounts = featureCounts
    }

    /// An empty summary of `partition` for a schema of `classes` classes and `features` features.
    public init(partition: String, classes: Int, features: Int) {
        self.init(
            partition: partition, count: 0, countByClass: Array(repeating: 0, count: classes), usableForTraining: 0, scored: 0,
            featureSums: Array(repeating: 0, count: features), featureCounts: Array(repeating: 0, count: features)
        )
    }

    /// The mean of numeric feature `index` over the records that have it, or nil when none has.
    public func mean(ofFeature index: Int) -> Double? {
        featureCounts[index] > 0 ? featureSums[index] / Double(featureCounts[index]) : nil
    }
}

/// How many records of a partition are usable for training, and how many have a batch prediction.
public struct UsableAndScored: Hashable, Sendable {
    public var usable: Int
    public var scored: Int

    public init(usable: Int, scored: Int) {
        self.usable = usable
        self.scored = scored
    }
}

/// The analytical warehouse of one dataset: a table whose columns come from the dataset's
/// schema, partitioned by its partition column and keyed (partition, id).
///
/// Categorical values are stored as their level names and the target as its class name, so the
/// table reads as the data does; records speak of them by index.
///
/// Every upsert that changes a stored record's target or features (and so clears its
/// prediction) logs the record's id in the warehouse's change log (``ChangeLog``), in the same
/// transaction, for the dataset's prediction cache to follow.
public protocol RecordWarehouse: ChangeLog {
    /// The schema the table was made from.
    var schema: DatasetSchema { get }
    /// Inserts or updates records by id (a record that changes partition moves). The prediction
    /// survives an upsert that leaves the target and features unchanged and is cleared otherwise.
    /// Within a batch, the last record of an id wins. Answers the data version the upsert made
    /// and what it did to the stored records.
    @discardableResult
    func upsert(_ records: [DatasetRecord]) async throws -> UpsertOutcome
    /// The stored record of `id`, or nil.
    func record(id: String) async throws -> StoredRecord?
    /// One partition's records ordered by id, after `after`, at most `limit`.
    func scan(partition: String, after: String?, limit: Int) async throws -> [StoredRecord]
    /// Every record's id, class and the features of `featureIndices`, in key order (by
    /// partition, then by id: the order the table is stored in); with
    /// `predictions`, each record's predicted class and model version too.
    func columns(featureIndices: [Int], predictions: Bool) async throws -> RecordColumns
    /// Writes batch predictions by id, each only while the record's values of `featureIndices`
    /// are still `inputs`, the values the prediction was computed from (as
    /// ``columns(featureIndices:)`` reads them: NaN when missing). A record that an ingestion
    /// changed in between keeps no prediction of its old values; unknown ids are ignored.
    /// Answers the number of predictions written.
    @discardableResult
    func writePredictions(
        _ predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])], featureIndices: [Int]
    ) async throws -> Int
    /// The number of records in each partition that has any.
    func countsByPartition() async throws -> [String: Int]
    /// A summary of each partition that has records, ordered by partition value.
    func summariesByPartition() async throws -> [PartitionSummary]
    /// Of each partition that has records, the records usable for training and those with a
    /// batch prediction: the parts of ``PartitionSummary`` that writes of predictions change,
    /// read in one pass in key order.
    func usableAndScoredByPartition() async throws -> [String: UsableAndScored]
    /// The number of records.
    func count() async throws -> Int
    /// The version of the records' data: a number that grows with every upsert and every write
    /// of batch predictions, whichever process writes, kept in the store. What is computed from
    /// the records (statistics, a regression, the summaries by partition) stays valid while it
    /// does not change.
    func dataVersion() async throws -> Int64
    /// Folds every record's columns into `initial`, `chunk` records at a time (as
    /// ``columns(featureIndices:)`` reads them, so that no more than a chunk is held at once),
    /// and answers the result with the data version it is of; nil when writes kept moving the
    /// version, or when `fold` answered false to stop.
    func foldColumns<State: Sendable>(
        featureIndices: [Int], chunk: Int, into initial: State,
        _ fold: @escaping @Sendable (inout State, RecordColumns) -> Bool
    ) async throws -> (version: Int64, state: State)?
    /// What changed in the records after data version `version`, with the version it brings
    /// its reader to: the records inserted since, and the records stored then and updated
    /// since with their values then and now. What an analysis kept at `version` takes out and
    /// adds to be up to date without reading the other records. Nil when the store no longer
    /// knows (or keeps no such log), or when more than `limit` records changed (reading them
    /// by id would hold more at once than reading them all a chunk at a time): the analysis is
    /// then made anew from ``foldColumns(featureIndices:chunk:into:_:)``.
    func changes(after version: Int64, featureIndices: [Int], limit: Int) async throws -> RecordChanges?
    /// The aggregate of the records saved under `name` for this schema (its fingerprint) by
    /// ``saveAggregate(_:named:version:)``, with the data version it is of; nil when none is.
    func savedAggregate(named name: String) async throws -> SavedAggregate?
    /// The data version of the aggregate saved under `name` for this schema, nil when none is:
    /// whether a saved copy is newer than one kept in memory, without reading its body.
    func savedAggregateVersion(named name: String) async throws -> Int64?
    /// Saves `body`, an aggregate of the records at data version `version` (statistics kept as
    /// counts, a regression's sums), under `name`, unless the one saved under it is of a later
    /// version: a process starting again brings it up to date with
    /// ``changes(after:featureIndices:limit:)`` instead of reading every record.
    func saveAggregate(_ body: Data, named name: String, version: Int64) async throws
    /// The records counted where they are stored (``RecordCounts``), with a uniform sample of
    /// `sampleSize` of them: what a statistics summary is made of without reading every
    /// record into the process. Nil when the store cannot count them so (then the records are
    /// folded: ``foldColumns(featureIndices:chunk:into:_:)``), when the counts would have more
    /// than `cellLimit` cells (the values are too many to keep as counts), or when writes
    /// kept moving the data version.
    func countRecords(sampleSize: Int, cellLimit: Int) async throws -> RecordCounts?
}

/// What an upsert did: the data version it made, one more than the version it started from (a
/// writer that knows the version before its upsert knows whether another write came between),
/// and how it changed the stored records.
public struct UpsertOutcome: Sendable, Equatable {
    /// How an upsert changed the stored records.
    public enum Change: Sendable, Equatable {
        /// Every record given (the last of each id) was new and is now stored.
        case insertedAll
        /// No stored record changed: every record given was stored already, as it is.
        case none
        /// Some stored records were updated, or some records given were new and others unchanged.
        case other
    }

    /// The data version the upsert made.
    public var version: Int64
    public var change: Change
    /// The records the upsert wrote or found as they were: the last of each id given.
    public var records: Int
    /// For ``Change/other``, which records it inserted and what it updated, when the store
    /// tells (nil otherwise).
    public var changes: UpsertChanges?

    public init(version: Int64, change: Change, records: Int, changes: UpsertChanges? = nil) {
        self.version = version
        self.change = change
        self.records = records
        self.changes = changes
    }
}

/// What an upsert that did more than insert changed: what an aggregate of the records takes
/// out and adds to follow it.
public struct UpsertChanges: Sendable, Equatable {
    /// The ids of the records given that were new, in the order given.
    public var inserted: [String]
    /// The stored records it updated, as they were before, with every feature of the schema
    /// (in any order).
    public var previous: RecordColumns

    public init(inserted: [String], previous: RecordColumns) {
        self.inserted = inserted
        self.previous = previous
    }
}

/// An aggregate of a warehouse's records as saved in its store, and the data version it is of.
public struct SavedAggregate: Sendable, Equatable {
    public var version: Int64
    public var body: Data

    public init(version: Int64, body: Data) {
        self.version = version
        self.body = body
    }
}

/// What changed in a warehouse's records after a data version (``RecordWarehouse/changes(after:featureIndices:limit:)``).
public struct RecordChanges: Sendable {
    /// The data version the changes bring their reader to.
    public var version: Int64
    /// The records inserted since, as they are now.
    public var inserted: RecordColumns
    /// The records stored at the earlier version and updated since, as they were then...
    public var previous: RecordColumns
    /// ...and as they are now, in the same order.
    public var current: RecordColumns

    public init(version: Int64, inserted: RecordColumns, previous: RecordColumns, current: RecordColumns) {
        self.version = version
        self.inserted = inserted
        self.previous = previous
        self.current = current
    }

    /// No change, at `version`, with `features` columns.
    public static func none(at version: Int64, features: Int) -> RecordChanges {
        let empty = RecordColumns(features: Array(repeating: [], count: features))
        return RecordChanges(version: version, inserted: empty, previous: empty, current: empty)
    }

    /// Whether nothing changed.
    public var isEmpty: Bool { inserted.count == 0 && previous.count == 0 }

    /// Of the values updates replaced after a version (`replaced`, in the order they were
    /// logged), each record's first: its values at that version. Records `inserted` after it
    /// had none then and are left out.
    static func valuesAtStart(of replaced: RecordColumns, inserted: [String]) -> RecordColumns {
        var skipped = Set(inserted)
        var rows: [Int] = []
        for (row, id) in replaced.ids.enumerated() where skipped.insert(id).inserted { rows.append(row) }
        return rows.count == replaced.count ? replaced : replaced.rows(rows)
    }
}

extension RecordColumns {
    /// The records at `rows`, in that order.
    public func rows(_ rows: [Int]) -> RecordColumns {
        var picked = RecordColumns(
            ids: rows.map { ids[$0] }, targetClasses: rows.map { targetClasses[$0] },
            features: features.map { column in rows.map { column[$0] } }
        )
        if !predictedClasses.isEmpty {
            picked.predictedClasses = rows.map { predictedClasses[$0] }
            picked.modelVersions = rows.map { modelVersions[$0] }
        }
        return picked
    }

    /// The records of `order`'s ids, in that order (each id once among the records).
    func ordered(as order: [String]) -> RecordColumns {
        guard ids != order else { return self }
        let row = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return rows(order.compactMap { row[$0] })
    }
}

extension RecordWarehouse {
    /// Every record's id, class and the features of `featureIndices`, in key order.
    public func columns(featureIndices: [Int]) async throws -> RecordColumns {
        try await columns(featureIndices: featureIndices, predictions: false)
    }

    /// For a store that cannot read the version within the read of the columns: `read` run
    /// between two reads of the version, whose result is of that version when both agree (the
    /// version grows with every write), tried three times. Nil when `read` answers nil, or when
    /// writes kept moving the version.
    public func atOneVersion<Result: Sendable>(_ read: () async throws -> Result?) async throws -> (version: Int64, state: Result)? {
        for _ in 0..<3 {
            let before = try await dataVersion()
            guard let result = try await read() else { return nil }
            if try await dataVersion() == before { return (before, result) }
        }
        return nil
    }

    /// For a store that reads its columns whole: the columns, folded a chunk at a time.
    public func foldColumns<State: Sendable>(
        featureIndices: [Int], chunk: Int, into initial: State,
        _ fold: @escaping @Sendable (inout State, RecordColumns) -> Bool
    ) async throws -> (version: Int64, state: State)? {
        try await atOneVersion {
            let records = try await columns(featureIndices: featureIndices)
            var state = initial
            for start in stride(from: 0, to: records.count, by: max(1, chunk)) {
                guard fold(&state, records.slice(start..<min(start + chunk, records.count))) else { return nil }
            }
            return state
        }
    }

    /// A store that saves no aggregates has none.
    public func savedAggregate(named name: String) async throws -> SavedAggregate? { nil }

    /// A store that saves no aggregates has none.
    public func savedAggregateVersion(named name: String) async throws -> Int64? { nil }

    /// A store that saves no aggregates forgets them.
    public func saveAggregate(_ body: Data, named name: String, version: Int64) async throws {}

    /// A store that reads its records as fast as it could count them folds them instead.
    public func countRecords(sampleSize: Int, cellLimit: Int) async throws -> RecordCounts? { nil }

    /// A store without an insertion log can only tell that nothing changed.
    public func changes(after version: Int64, featureIndices: [Int], limit: Int) async throws -> RecordChanges? {
        guard try await dataVersion() == version else { return nil }
        return .none(at: version, features: featureIndices.count)
    }
}
