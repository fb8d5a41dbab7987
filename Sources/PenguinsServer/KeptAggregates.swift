import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// A summary of a dataset's records that records added to it bring up to date.
protocol RecordAggregate: Sendable {
    /// Adds `records`, read with every feature of the schema in its order.
    mutating func add(_ records: RecordColumns)
    /// Whether it is small enough to keep.
    var isCompact: Bool { get }
}

extension StatisticsAggregate: RecordAggregate {}
extension RegressionAggregate: RecordAggregate {}

/// Aggregates of each dataset's records (its statistics, its regressions for a split) kept at a
/// version of its data and brought up to date with the records inserted since
/// (``RecordWarehouse/insertions(after:featureIndices:)``): right after an ingestion, they read
/// the new records alone. The records are read whole the first time, after an update of stored
/// records, and when the warehouse cannot tell what was inserted.
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

    /// The records added at a time when all are read.
    static var chunk: Int { 100_000 }
    /// The most aggregates kept; the one used longest ago goes first.
    let capacity: Int
    private var kept: [String: Kept] = [:]
    private var updating: [String: Task<(Source, Kept?), any Error>] = [:]
    private var clock: UInt64 = 0
    /// Told of each update: the dataset and whether the records were read whole.
    private let observe: @Sendable (_ dataset: String, _ whole: Bool) -> Void

    init(capacity: Int = 32, observe: @escaping @Sendable (_ dataset: String, _ whole: Bool) -> Void = { _, _ in }) {
        self.capacity = capacity
        self.observe = observe
    }

    /// The source for `warehouse`'s records as they are now of the aggregate named `name` (one
    /// of several kept per dataset), which `make` starts for the dataset's schema.
    func current(
        of warehouse: any RecordWarehouse, name: String = "", make: @escaping @Sendable (DatasetSchema) -> Aggregate
    ) async throws -> Source {
        let key = warehouse.schema.name + "#" + warehouse.schema.fingerprint + "#" + name
        if let running = updating[key] { return try await running.value.0 }
        let (previous, observe) = (kept[key], observe)
        let task = Task { try await Self.bringUpToDate(previous, warehouse, make: make, observe: observe) }
        updating[key] = task
        do {
            let (source, next) = try await task.value
            clock += 1
            kept[key] = next.map { Kept(version: $0.version, aggregate: $0.aggregate, used: clock) }
            updating[key] = nil
            evictBeyondCapacity()
            return source
        } catch {
            kept[key] = nil
            updating[key] = nil
            throw error
        }
    }

    private func evictBeyondCapacity() {
        while kept.count > capacity, let oldest = kept.min(by: { $0.value.used < $1.value.used })?.key {
            kept[oldest] = nil
        }
    }

    private static func bringUpToDate(
        _ previous: Kept?, _ warehouse: any RecordWarehouse, make: @Sendable (DatasetSchema) -> Aggregate,
        observe: @Sendable (String, Bool) -> Void
    ) async throws -> (Source, Kept?) {
        let schema = warehouse.schema
        let features = Array(schema.features.indices)
        if let previous, let inserted = try await warehouse.insertions(after: previous.version, featureIndices: features) {
            if inserted.version == previous.version { return (.aggregate(previous.aggregate), previous) }
            var aggregate = previous.aggregate
            aggregate.add(inserted.records)
            if aggregate.isCompact {
                observe(schema.name, false)
                return (.aggregate(aggregate), Kept(version: inserted.version, aggregate: aggregate, used: 0))
            }
        }
        observe(schema.name, true)
        // Added a chunk at a time as the table is read: no more than a chunk of records is held.
        let folded = try await warehouse.foldColumns(featureIndices: features, chunk: Self.chunk, into: make(schema)) {
            aggregate, records in
            aggregate.add(records)
            return aggregate.isCompact
        }
        if let folded { return (.aggregate(folded.state), Kept(version: folded.version, aggregate: folded.state, used: 0)) }
        // Too large to keep (or writes kept moving the version): the records whole, for this
        // request alone.
        return (.records(try await DatasetColumns.load(from: warehouse)), nil)
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
