import Foundation
import Logging
import PenguinsCore
import PenguinsStorage

/// A summary of a dataset's records that records added to it bring up to date, and that can be
/// saved in the warehouse's store (``RecordWarehouse/saveAggregate(_:named:version:)``).
public protocol RecordAggregate: Sendable, Codable {
    /// The schema of the records it summarises.
    var schema: DatasetSchema { get }
    /// Adds `records`, read with every feature of the schema in its order.
    mutating func add(_ records: RecordColumns)
    /// Takes out `previous`, the values of records added before, and adds `current`, the same
    /// records' values now, in the same order (an update of stored records).
    mutating func replace(_ previous: RecordColumns, with current: RecordColumns)
    /// Whether it is small enough to keep.
    var isCompact: Bool { get }
    /// Whether it can still be the aggregate of records: false once it took out records it
    /// never added (the records were changed behind the store's logs); it is made anew then.
    var isConsistent: Bool { get }
    /// What it is saved as in the store, with the version of its encoding.
    static var savedName: String { get }
    /// The aggregate of every record of `warehouse` made by its store, where the records are
    /// (``RecordWarehouse/countRecords(sampleSize:cellLimit:)``), rather than read; nil when
    /// the store cannot, or the result would not be compact.
    static func counted(in warehouse: any RecordWarehouse) async throws -> VersionedAggregate<Self>?
}

extension RecordAggregate {
    /// Brings the aggregate up to date with `changes`, read with every feature of the schema.
    public mutating func apply(_ changes: RecordChanges) {
        if changes.previous.count > 0 { replace(changes.previous, with: changes.current) }
        if changes.inserted.count > 0 { add(changes.inserted) }
    }

    /// An aggregate the stores cannot make is made by reading the records.
    public static func counted(in warehouse: any RecordWarehouse) async throws -> VersionedAggregate<Self>? { nil }
}

extension StatisticsAggregate: RecordAggregate {
    public static var savedName: String { "statistics.v1" }

    public static func counted(in warehouse: any RecordWarehouse) async throws -> VersionedAggregate<Self>? {
        guard let counts = try await warehouse.countRecords(sampleSize: sampleLimit, cellLimit: distinctLimit),
              let aggregate = StatisticsAggregate(schema: warehouse.schema, counts: counts), aggregate.isCompact
        else { return nil }
        return VersionedAggregate(version: counts.version, aggregate: aggregate)
    }
}

extension RegressionAggregate: RecordAggregate {
    public static var savedName: String { "regression.v1" }
}

/// How an aggregate was brought up to date.
public enum AggregateUpdate: String, Sendable {
    /// The records inserted since it was made were added.
    case inserted
    /// The records inserted and updated since it was made were added, the values the updates
    /// replaced taken out.
    case changed
    /// Every record was read.
    case all
    /// Every record was counted by the store (``RecordAggregate/counted(in:)``).
    case counted
    /// It was read from the store, where a process saved it at the version the data is at.
    case saved
}

/// An aggregate of a warehouse's records at a data version.
public struct VersionedAggregate<Aggregate: RecordAggregate>: Sendable {
    public var version: Int64
    public var aggregate: Aggregate
}

extension RecordAggregate {
    /// What the aggregate of one part of a dataset (a regression's split; "" when there is only
    /// one) is saved as.
    public static func savedName(part: String) -> String {
        part.isEmpty ? savedName : savedName + "#" + part
    }
}

/// What an analysis of a warehouse's records is made from now: an aggregate up to date, or
/// every record when the aggregate of them is too large to keep (``RecordAggregate/isCompact``).
public enum AggregateSource<Aggregate: RecordAggregate>: Sendable {
    case aggregate(Aggregate)
    case records(DatasetColumns)
}

extension AggregateSource where Aggregate == StatisticsAggregate {
    /// The statistics report (one table per level of `groupBy` too); nil when there are no records.
    public func report(groupBy: String? = nil) throws -> StatisticsReport? {
        switch self {
        case .aggregate(let statistics): statistics.rows > 0 ? try statistics.report(groupBy: groupBy) : nil
        case .records(let columns): columns.count > 0 ? try StatisticsReport.compute(columns, groupBy: groupBy) : nil
        }
    }

    /// The columns a scatter plot draws: a uniform sample of the records, or all of them.
    public var plottedColumns: DatasetColumns {
        switch self {
        case .aggregate(let statistics): statistics.sampleColumns
        case .records(let columns): columns
        }
    }

    /// The drift sample of every record (``DriftSample/init(statistics:)``); nil when there are none.
    public var driftSample: DriftSample? {
        switch self {
        case .aggregate(let statistics): statistics.rows > 0 ? DriftSample(statistics: statistics) : nil
        case .records(let columns): columns.count > 0 ? DriftSample(columns: columns) : nil
        }
    }
}

extension AggregateSource where Aggregate == RegressionAggregate {
    /// The fit of `analysis`, whose split the sums are of; nil when there are no records.
    public func report(_ analysis: RegressionAnalysis) throws -> RegressionReport? {
        switch self {
        case .aggregate(let sums): sums.rows > 0 ? try sums.report(analysis) : nil
        case .records(let columns): columns.count > 0 ? try analysis.run(columns) : nil
        }
    }
}

/// Aggregates brought up to date with the least reading: from one kept in memory or saved in the
/// store, adding the records inserted and updated since and taking out the values the updates
/// replaced (``RecordWarehouse/changes(after:featureIndices:limit:)``); every record is counted by the
/// store or read, a chunk at a time, only the first time, or when the store cannot tell what
/// changed.
public enum SavedAggregates {
    /// The records added at a time when all are read.
    public static let chunk = 100_000
    /// The most changed records read by id to bring an aggregate up to date (the values the
    /// updates replaced counting too): beyond, every record is read a chunk at a time, which
    /// holds less at once.
    public static let changeLimit = 2 * chunk

    /// `previous` (nil when none is kept: the copy saved in the store is read then) brought up
    /// to date with `warehouse`'s records; `make` starts one for the schema. Answers the source
    /// of an answer, the aggregate to keep, and whether the store's copy is behind it.
    public static func bringUpToDate<Aggregate: RecordAggregate>(
        _ previous: VersionedAggregate<Aggregate>?, of warehouse: any RecordWarehouse, savedName: String,
        make: @Sendable (DatasetSchema) -> Aggregate, observe: @Sendable (AggregateUpdate) -> Void = { _ in },
        logger: Logger? = nil
    ) async throws -> (source: AggregateSource<Aggregate>, kept: VersionedAggregate<Aggregate>?, unsaved: Bool) {
        let schema = warehouse.schema
        let features = Array(schema.features.indices)
        var previous = previous
        var loaded = false
        // The store's copy, when there is no other or it is newer than the one given (an
        // ingestion, ``IngestAggregates``, or another process saved it since).
        if let kept = previous?.version, let newer = try await warehouse.savedAggregateVersion(named: savedName), newer > kept,
           let saved = try await saved(Aggregate.self, savedName, in: warehouse, logger: logger), saved.version > kept {
            (previous, loaded) = (saved, true)
        } else if previous == nil, let saved = try await saved(Aggregate.self, savedName, in: warehouse, logger: logger) {
            (previous, loaded) = (saved, true)
        }
        if let previous, let changes = try await warehouse.changes(after: previous.version, featureIndices: features, limit: changeLimit) {
            if changes.version == previous.version {
                if loaded { observe(.saved) }
                return (.aggregate(previous.aggregate), previous, false)
            }
            var aggregate = previous.aggregate
            aggregate.apply(changes)
            if !aggregate.isConsistent {
                logger?.warning("the kept \(savedName) of \(schema.name) took out values it never counted, made anew from the records")
            }
            if aggregate.isCompact && aggregate.isConsistent {
                observe(changes.previous.count > 0 ? .changed : .inserted)
                return (.aggregate(aggregate), VersionedAggregate(version: changes.version, aggregate: aggregate), true)
            }
        }
        if let counted = try await Aggregate.counted(in: warehouse) {
            observe(.counted)
            return (.aggregate(counted.aggregate), counted, true)
        }
        observe(.all)
        // Added a chunk at a time as the table is read: no more than a chunk of records is held.
        let folded = try await warehouse.foldColumns(featureIndices: features, chunk: chunk, into: make(schema)) { aggregate, records in
            aggregate.add(records)
            return aggregate.isCompact
        }
        if let folded { return (.aggregate(folded.state), VersionedAggregate(version: folded.version, aggregate: folded.state), true) }
        // Too large to keep (or writes kept moving the version): the records whole, for this
        // answer alone.
        return (.records(try await DatasetColumns.load(from: warehouse)), nil, false)
    }

    /// Saves `kept` in `warehouse`'s store under `savedName` (``AggregateCoding``).
    public static func save<Aggregate: RecordAggregate>(
        _ kept: VersionedAggregate<Aggregate>, as savedName: String, in warehouse: any RecordWarehouse
    ) async throws {
        try await warehouse.saveAggregate(try AggregateCoding.encode(kept.aggregate), named: savedName, version: kept.version)
    }

    /// The aggregate saved in the store for this schema, or nil when there is none or it cannot
    /// be read (it is then made anew).
    static func saved<Aggregate: RecordAggregate>(
        _ type: Aggregate.Type, _ savedName: String, in warehouse: any RecordWarehouse, logger: Logger?
    ) async throws -> VersionedAggregate<Aggregate>? {
        guard let saved = try await warehouse.savedAggregate(named: savedName) else { return nil }
        do {
            let aggregate = try AggregateCoding.decode(Aggregate.self, from: saved.body)
            guard aggregate.schema == warehouse.schema else { return nil }
            return VersionedAggregate(version: saved.version, aggregate: aggregate)
        } catch {
            logger?.warning("the saved \(savedName) of \(warehouse.schema.name) cannot be read, made anew from the records: \(error)")
            return nil
        }
    }

    /// The statistics of `warehouse`'s records brought up to date from the copy saved in its
    /// store, which is then saved again: what `penguins stats` reads.
    public static func statistics(of warehouse: any RecordWarehouse) async throws -> AggregateSource<StatisticsAggregate> {
        try await current(StatisticsAggregate.savedName, of: warehouse) { StatisticsAggregate(schema: $0) }
    }

    /// The regression sums of `analysis`'s split of `warehouse`'s records, brought up to date
    /// the same way: what `penguins regress` reads.
    public static func regression(_ analysis: RegressionAnalysis, of warehouse: any RecordWarehouse) async throws -> AggregateSource<RegressionAggregate> {
        try await current(savedName(regression: analysis), of: warehouse) {
            RegressionAggregate(schema: $0, testFraction: analysis.testFraction, seed: analysis.seed)
        }
    }

    /// The name the sums of `analysis`'s split are saved under.
    public static func savedName(regression analysis: RegressionAnalysis) -> String {
        savedName(testFraction: analysis.testFraction, seed: analysis.seed)
    }

    /// The name the sums of the split of `testFraction` and `seed` are saved under.
    public static func savedName(testFraction: Double, seed: UInt64) -> String {
        RegressionAggregate.savedName(part: split(testFraction: testFraction, seed: seed))
    }

    /// `analysis`'s split, which names its sums among a dataset's.
    public static func split(of analysis: RegressionAnalysis) -> String {
        split(testFraction: analysis.testFraction, seed: analysis.seed)
    }

    private static func split(testFraction: Double, seed: UInt64) -> String {
        "test_fraction=\(testFraction)&seed=\(seed)"
    }

    private static func current<Aggregate: RecordAggregate>(
        _ savedName: String, of warehouse: any RecordWarehouse, make: @Sendable (DatasetSchema) -> Aggregate
    ) async throws -> AggregateSource<Aggregate> {
        let update = try await bringUpToDate(nil, of: warehouse, savedName: savedName, make: make)
        if update.unsaved, let kept = update.kept { try await save(kept, as: savedName, in: warehouse) }
        return update.source
    }
}
