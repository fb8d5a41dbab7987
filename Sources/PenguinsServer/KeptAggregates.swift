import Foundation
import Logging
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// Aggregates of each dataset's records (its statistics, its regressions for a split) kept at a
/// version of its data and brought up to date with the records inserted since
/// (``SavedAggregates/bringUpToDate(_:of:savedName:make:observe:logger:)``): right after an
/// ingestion, they read the new records alone. The records are read whole the first time, after
/// an update of stored records, and when the warehouse cannot tell what was inserted.
///
/// Every aggregate made or brought up to date is saved in the warehouse's store too
/// (``RecordWarehouse/saveAggregate(_:named:version:)``, in the background, as
/// ``AggregateCoding`` writes them): a server starting again reads it from there and adds what
/// was inserted since, instead of reading every record.
///
/// Requests that arrive while an aggregate is brought up to date wait for that one.
actor KeptAggregates<Aggregate: RecordAggregate> {
    /// What an answer is made from now.
    typealias Source = AggregateSource<Aggregate>

    private struct Kept: Sendable {
        var versioned: VersionedAggregate<Aggregate>
        var used: UInt64
    }

    private typealias Update = (source: Source, kept: VersionedAggregate<Aggregate>?, unsaved: Bool)

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
        let (previous, observe, logger, dataset) = (kept[key]?.versioned, observe, logger, warehouse.schema.name)
        let savedName = Aggregate.savedName(part: name)
        let task = Task {
            try await SavedAggregates.bringUpToDate(
                previous, of: warehouse, savedName: savedName, make: make, observe: { observe(dataset, $0) }, logger: logger)
        }
        updating[key] = task
        do {
            let update = try await task.value
            clock += 1
            kept[key] = update.kept.map { Kept(versioned: $0, used: clock) }
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

    private func evictBeyondCapacity() {
        while kept.count > capacity, let oldest = kept.min(by: { $0.value.used < $1.value.used })?.key {
            kept[oldest] = nil
        }
    }

    /// Saves `kept` after the saves of the same aggregate started before, on a task of low
    /// priority: no request waits for it. A failed save is logged; the aggregate is made from the
    /// records again the next time the server starts.
    private func save(_ kept: VersionedAggregate<Aggregate>, as savedName: String, key: String, in warehouse: any RecordWarehouse) {
        let (previous, logger) = (saving[key], logger)
        saving[key] = Task.detached(priority: .background) {
            await previous?.value
            do {
                try await SavedAggregates.save(kept, as: savedName, in: warehouse)
            } catch {
                logger.warning("could not save the \(savedName) of \(warehouse.schema.name) at data version \(kept.version): \(error)")
            }
        }
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
        guard let report = try await statisticsSource(of: warehouse).report(groupBy: groupBy) else { throw PipelineError.emptyWarehouse(dataset: warehouse.schema.name) }
        return report
    }

    /// The drift sample of every record of `warehouse`, from its kept statistics: the tests read
    /// every value (as counts), the charts a uniform sample.
    func warehouseDriftSample(of warehouse: any RecordWarehouse) async throws -> DriftSample {
        guard let sample = try await statisticsSource(of: warehouse).driftSample else {
            throw PipelineError.notEnoughRows(DriftSample.emptyWarehouse(warehouse.schema))
        }
        return sample
    }

    /// The statistics report of `warehouse`'s records (nil when there is none) and the columns
    /// its scatter plots draw: a uniform sample of the records, or all of them.
    func statisticsWithSample(of warehouse: any RecordWarehouse) async throws -> (report: StatisticsReport?, columns: DatasetColumns) {
        let source = try await statisticsSource(of: warehouse)
        return (try source.report(), source.plottedColumns)
    }

    /// The fit of `analysis` on `warehouse`'s records, made once per version of the data
    /// (``AnalysisResults``) from the sums kept for its split (``KeptRegressions``); nil when
    /// there are no records.
    func regressionReport(_ analysis: RegressionAnalysis, of warehouse: any RecordWarehouse) async throws -> RegressionReport? {
        try await self.analysis(Self.key(of: analysis), of: warehouse) { [self] in
            let source = try await store(.warehouse) { [keptRegressions] in
                try await keptRegressions.current(of: warehouse, name: SavedAggregates.split(of: analysis)) {
                    RegressionAggregate(schema: $0, testFraction: analysis.testFraction, seed: analysis.seed)
                }
            }
            return try source.report(analysis)
        }
    }
}
