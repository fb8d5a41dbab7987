import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// Each dataset's descriptive statistics kept as a ``StatisticsAggregate`` at a version of its
/// data and brought up to date with the records inserted since
/// (``RecordWarehouse/insertions(after:featureIndices:)``): right after an ingestion, the
/// statistics read the new records alone. The records are read whole the first time, after an
/// update of stored records, and when the warehouse cannot tell what was inserted.
///
/// Requests that arrive while a dataset's aggregate is brought up to date wait for that one.
actor KeptStatistics {
    /// What a dataset's statistics are made from now.
    enum Source: Sendable {
        /// The kept aggregate, up to date.
        case aggregate(StatisticsAggregate)
        /// Every record, read because their values have too many distinct values to keep as
        /// counts (``StatisticsAggregate/isCompact``).
        case records(DatasetColumns)
    }

    private struct Kept: Sendable {
        var version: Int64
        var aggregate: StatisticsAggregate
    }

    /// The records counted at a time when all are read.
    static let chunk = 100_000
    private var kept: [String: Kept] = [:]
    private var updating: [String: Task<(Source, Kept?), any Error>] = [:]
    /// Told of each update: the dataset and whether the records were read whole.
    private let observe: @Sendable (_ dataset: String, _ whole: Bool) -> Void

    init(observe: @escaping @Sendable (_ dataset: String, _ whole: Bool) -> Void = { _, _ in }) {
        self.observe = observe
    }

    /// The statistics' source for `warehouse`'s records as they are now.
    func current(of warehouse: any RecordWarehouse) async throws -> Source {
        let key = warehouse.schema.name + "#" + warehouse.schema.fingerprint
        if let running = updating[key] { return try await running.value.0 }
        let (previous, observe) = (kept[key], observe)
        let task = Task { try await Self.bringUpToDate(previous, warehouse, observe: observe) }
        updating[key] = task
        do {
            let (source, next) = try await task.value
            kept[key] = next
            updating[key] = nil
            return source
        } catch {
            kept[key] = nil
            updating[key] = nil
            throw error
        }
    }

    private static func bringUpToDate(
        _ previous: Kept?, _ warehouse: any RecordWarehouse, observe: @Sendable (String, Bool) -> Void
    ) async throws -> (Source, Kept?) {
        let schema = warehouse.schema
        let features = Array(schema.features.indices)
        if let previous, let inserted = try await warehouse.insertions(after: previous.version, featureIndices: features) {
            if inserted.version == previous.version { return (.aggregate(previous.aggregate), previous) }
            var aggregate = previous.aggregate
            aggregate.add(inserted.records)
            if aggregate.isCompact {
                observe(schema.name, false)
                return (.aggregate(aggregate), Kept(version: inserted.version, aggregate: aggregate))
            }
        }
        observe(schema.name, true)
        // Counted a chunk at a time as the table is read: no more than a chunk of records is held.
        let folded = try await warehouse.foldColumns(featureIndices: features, chunk: Self.chunk, into: StatisticsAggregate(schema: schema)) {
            aggregate, records in
            aggregate.add(records)
            return aggregate.isCompact
        }
        if let folded { return (.aggregate(folded.state), Kept(version: folded.version, aggregate: folded.state)) }
        // Too many distinct values to keep as counts (or writes kept moving the version): the
        // records whole, for this request alone.
        return (.records(try await DatasetColumns.load(from: warehouse)), nil)
    }
}

extension Endpoints {
    /// What the statistics of `warehouse`'s records are made from now (``KeptStatistics``).
    func statisticsSource(of warehouse: any RecordWarehouse) async throws -> KeptStatistics.Source {
        try await store(.warehouse) { [keptStatistics] in try await keptStatistics.current(of: warehouse) }
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
}
