import Foundation
import Logging
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// A summary of a dataset's records that records added to it bring up to date.
protocol RecordAggregate: Sendable, Codable {
    /// The schema of the records it summarises.
    var schema: DatasetSchema { get }
    /// Adds `records`, read with every feature of the schema in its order.
    mutating func add(_ records: RecordColumns)
    /// Whether it is small enough to keep.
    var isCompact: Bool { get }
    /// What it is saved as in the store, with the version of its encoding.
    static var savedName: String { get }
}

extension StatisticsAggregate: RecordAggregate {
    static var savedName: String { "statistics.v1" }
}

extension RegressionAggregate: RecordAggregate {
    static var savedName: String { "regression.v1" }
}

/// How a kept aggregate was brought up to date.
enum AggregateUpdate: String, Sendable {
    /// The records inserted since it was made were added.
    case inserted
    /// Every record was read.
    case all
    /// It was read from the store, where a process saved it at the version the data is at.
    case saved
}

/// Aggregates of each dataset's records (its statistics, its regressions for a split) kept at a
/// version of its data and brought up to date with the records inserted since
/// (``RecordWarehouse/insertions(after:featureIndices:)``): right after an ingestion, they read
/// the new records alone. The records are read whole the first time, after an update of stored
/// records, and when the warehouse cannot tell what was inserted.
///
/// Every aggregate made or brought up to date is saved in the warehouse's store too
/// (``RecordWarehouse/saveAggregate(_:named:version:)``, in the background, as
/// ``AggregateCoding`` writes them): a server
/// starting again reads it from there and adds what was inserted since, instead of reading every
/// record.
///
/// Requests that arrive while an aggregate is brought up to date wait for that one.
actor KeptAggregates<Aggregate: RecordAggregate> {
    /// What an answer is made from now.
    enum Source: Sendable {
        /// The kept aggregate, up to date.
        case aggregate(Aggregate)
        /// Every record, read because the aggregate of them is too large to keep
        /// (``RecordAggregate/isCompact``).
        case records(DatasetColumns)
    }

    private struct Kept: Sendable {
        var version: Int64
        var aggregate: Aggregate
        var used: UInt64
    }

    /// What an update brought: the source of the answer, the aggregate to keep and whether the
    /// store's copy is behind it.
    private typealias Update = (source: Source, kept: Kept?, unsaved: Bool)

    /// The records added at a time when all are read.
    static var chunk: Int { 100_000 }
    /// The most aggregates kept; the one used longest ago goes first.
    let capacity: Int
    private var kept: [String: Kept] = [:]
    private var updating: [String: Task<Update, any Error>] = [:]
    /// The saves of each aggregate, one after the other.
    private var saving: [String: Task<Void, Never>] = [:]
    private var clock: UInt64 = 0
    /// Told of each update: the dataset and how the aggregate was brought up to date.
    private let observe: @Sendable (_ dataset: String, _ update: AggregateUpdate) -> Void
    private let logger: Logger

    init(
        capacity: Int = 32, logger: Logger = Logger(label: "penguins.aggregates"),
        observe: @escaping @Sendable (_ dataset: String, _ update: AggregateUpdate) -> Void = { _, _ in }
    ) {
        self.capacity = capacity
        self.logger = logger
        self.observe = observe
    }

    /// The source for `warehouse`'s records as they are now of the aggregate named `name` (one
    /// of several kept per dataset), which `make` starts for the dataset's schema.
    func current(
        of warehouse: any RecordWarehouse, name: String = "", make: @escaping @Sendable (DatasetSchema) -> Aggregate
    ) async throws -> Source {
        let key = warehouse.schema.name + "#" + warehouse.schema.fingerprint + "#" + name
        if let running = updating[key] { return try await running.value.source }
        let (previous, observe, logger) = (kept[key], observe, logger)
        let savedName = Aggregate.savedName + (name.isEmpty ? "" : "#" + name)
        let task = Task {
            try await Self.bringUpToDate(previous, warehouse, savedName: savedName, make: make, observe: observe, logger: logger)
        }
        updating[key] = task
        do {
            let update = try await task.value
            clock += 1
            kept[key] = update.kept.map { Kept(version: $0.version, aggregate: $0.aggregate, used: clock) }
            updating[key] = nil
            if update.unsaved, let next = update.kept { save(next, as: savedName, key: key, in: warehouse) }
            evictBeyondCapacity()
            return update.source
        } catch {
            kept[key] = nil
            updating[key] = nil
            throw error
        }
    }

    /// Waits for the saves started so far to end.
    func savesFinished() async {
        for save in saving.values { await save.value }
    }

    private func evictBeyondCapacity() {
        while kept.count > capacity, let oldest = kept.min(by: { $0.value.used < $1.value.used })?.key {
            kept[oldest] = nil
        }
    }

    /// Saves `kept` after the saves of the same aggregate started before, on a task of low
    /// priority: no request waits for it. A failed save is logged; the aggregate is made from the
    /// records again the next time the server starts.
    private func save(_ kept: Kept, as savedName: String, key: String, in warehouse: any RecordWarehouse) {
        let (previous, logger) = (saving[key], logger)
        saving[key] = Task.detached(priority: .background) {
            await previous?.value
            do {
                let body = try AggregateCoding.encode(kept.aggregate)
                try await warehouse.saveAggregate(body, named: savedName, version: kept.version)
            } catch {
                logger.warning("could not save the \(savedName) of \(warehouse.schema.name) at data version \(kept.version): \(error)")
            }
        }
    }

    /// The aggregate saved in the store for this schema, or nil when there is none or it cannot
    /// be read (it is then made anew).
    private static func saved(_ savedName: String, in warehouse: any RecordWarehouse, logger: Logger) async throws -> Kept? {
        guard let saved = try await warehouse.savedAggregate(named: savedName) else { return nil }
        do {
            let aggregate = try AggregateCoding.decode(Aggregate.self, from: saved.body)
            guard aggregate.schema == warehouse.schema else { return nil }
            return Kept(version: saved.version, aggregate: aggregate, used: 0)
        } catch {
            logger.warning("the saved \(savedName) of \(warehouse.schema.name) cannot be read, made anew from the records: \(error)")
            return nil
        }
    }

    private static func bringUpToDate(
        _ previous: Kept?, _ warehouse: any RecordWarehouse, savedName: String, make: @Sendable (DatasetSchema) -> Aggregate,
        observe: @Sendable (String, AggregateUpdate) -> Void, logger: Logger
    ) async throws -> Update {
        let schema = warehouse.schema
        let features = Array(schema.features.indices)
        var previous = previous
        var loaded = false
        if previous == nil, let saved = try await saved(savedName, in: warehouse, logger: logger) {
            (previous, loaded) = (saved, true)
        }
        if let previous, let inserted = try await warehouse.insertions(after: previous.version, featureIndices: features) {
            if inserted.version == previous.version {
                if loaded { observe(schema.name, .saved) }
                return (.aggregate(previous.aggregate), previous, false)
            }
            var aggregate = previous.aggregate
            aggregate.add(inserted.records)
            if aggregate.isCompact {
                observe(schema.name, .inserted)
                return (.aggregate(aggregate), Kept(version: inserted.version, aggregate: aggregate, used: 0), true)
            }
        }
        observe(schema.name, .all)
        // Added a chunk at a time as the table is read: no more than a chunk of records is held.
        let folded = try await warehouse.foldColumns(featureIndices: features, chunk: Self.chunk, into: make(schema)) {
            aggregate, records in
            aggregate.add(records)
            return aggregate.isCompact
        }
        if let folded { return (.aggregate(folded.state), Kept(version: folded.version, aggregate: folded.state, used: 0), true) }
        // Too large to keep (or writes kept moving the version): the records whole, for this
        // request alone.
        return (.records(try await DatasetColumns.load(from: warehouse)), nil, false)
    }
}

/// Each dataset's descriptive statistics, kept as counts.
typealias KeptStatistics = KeptAggregates<StatisticsAggregate>
/// Each dataset's regressions, kept as sums of cross products per split.
typealias KeptRegressions = KeptAggregates<RegressionAggregate>

extension Endpoints {
    /// What the statistics of `warehouse`'s records are made from now (``KeptStatistics``).
    func statisticsSource(of warehouse: any RecordWarehouse) async throws -> KeptStatistics.Source {
        try await store(.warehouse) { [keptStatistics] in
            try await keptStatistics.current(of: warehouse) { StatisticsAggregate(schema: $0) }
        }
    }

    /// The statistics report of `warehouse`'s records (one table per level of `groupBy` too);
    /// a 409 when there is none.
    func statisticsReport(of warehouse: any RecordWarehouse, groupBy: String?) async throws -> StatisticsReport {
        switch try await statisticsSource(of: warehouse) {
        case .aggregate(let aggregate):
            guard aggregate.rows > 0 else { throw PipelineError.emptyWarehouse }
            return try aggregate.report(groupBy: groupBy)
        case .records(let columns):
            guard columns.count > 0 else { throw PipelineError.emptyWarehouse }
            return try StatisticsReport.compute(columns, groupBy: groupBy)
        }
    }

    /// The drift sample of every record of `warehouse`, from its kept statistics: the tests read
    /// every value (as counts), the charts a uniform sample.
    func warehouseDriftSample(of warehouse: any RecordWarehouse) async throws -> DriftSample {
        switch try await statisticsSource(of: warehouse) {
        case .aggregate(let statistics):
            guard statistics.rows > 0 else { throw PipelineError.notEnoughRows(DriftSample.emptyWarehouse(warehouse.schema)) }
            return DriftSample(statistics: statistics)
        case .records(let columns):
            guard columns.count > 0 else { throw PipelineError.notEnoughRows(DriftSample.emptyWarehouse(warehouse.schema)) }
            return DriftSample(columns: columns)
        }
    }

    /// The statistics report of `warehouse`'s records (nil when there is none) and the columns
    /// its scatter plots draw: a uniform sample of the records, or all of them.
    func statisticsWithSample(of warehouse: any RecordWarehouse) async throws -> (report: StatisticsReport?, columns: DatasetColumns) {
        switch try await statisticsSource(of: warehouse) {
        case .aggregate(let aggregate):
            return (aggregate.rows > 0 ? try aggregate.report() : nil, aggregate.sampleColumns)
        case .records(let columns):
            return (columns.count > 0 ? try StatisticsReport.compute(columns) : nil, columns)
        }
    }

    /// The fit of `analysis` on `warehouse`'s records, made once per version of the data
    /// (``AnalysisResults``) from the sums kept for its split (``KeptRegressions``); nil when
    /// there are no records.
    func regressionReport(_ analysis: RegressionAnalysis, of warehouse: any RecordWarehouse) async throws -> RegressionReport? {
        try await self.analysis(Self.key(of: analysis), of: warehouse) { [self] in
            let source = try await store(.warehouse) { [keptRegressions] in
                try await keptRegressions.current(of: warehouse, name: "test_fraction=\(analysis.testFraction)&seed=\(analysis.seed)") {
                    RegressionAggregate(schema: $0, testFraction: analysis.testFraction, seed: analysis.seed)
                }
            }
            switch source {
            case .aggregate(let aggregate): return aggregate.rows > 0 ? try aggregate.report(analysis) : nil
            case .records(let columns): return columns.count > 0 ? try analysis.run(columns) : nil
            }
        }
    }
}
