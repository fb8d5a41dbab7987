import Foundation
import PenguinsCore
import PenguinsStorage

/// The saved aggregates of a warehouse that an ingestion keeps up to date as it writes: the
/// statistics and the regression sums of the default split, which the dashboard's first pages,
/// `penguins stats` and `penguins regress` read. Each batch the warehouse stored is added on a
/// thread of low priority (``BackgroundThreads``) while the next batch is written, and at the
/// end they are saved at the data version the ingestion left: right after a bulk load, nothing
/// has to read the warehouse again to summarise it.
///
/// They are followed only from a known start (a copy saved at the data's version, or an empty
/// warehouse) and only while each upsert is the next write of the warehouse (no other process
/// wrote in between) and tells what it changed (the records it inserted, the values its updates
/// replaced, which are taken out). Anything else stops the following; readers then bring the
/// aggregates up to date as before (``SavedAggregates``).
actor IngestAggregates {
    /// The aggregates and the data version they are of, changed by one fold at a time.
    private final class Followed: @unchecked Sendable {
        var version: Int64
        var statistics: StatisticsAggregate?
        var regression: RegressionAggregate?

        init(version: Int64, statistics: StatisticsAggregate?, regression: RegressionAggregate?) {
            self.version = version
            self.statistics = statistics
            self.regression = regression
        }
    }

    private let warehouse: any RecordWarehouse
    private let followed: Followed
    /// The folds of the batches handed over and not known to be done, oldest first; each waits
    /// for the one before and answers false once the following stopped. Nil after ``finish()``.
    private var folding: [Task<Bool, Never>]? = []
    /// The most batches waiting to be added before the writes wait for the fold: enough that a
    /// fold of low priority takes what the writes leave of the processor without holding them
    /// up, few enough that memory stays flat.
    static let waitingLimit = 8

    /// The split whose regression sums are followed: the one the regression pages and
    /// `penguins regress` take unless asked for another.
    private static let testFraction = RegressionAnalysis.defaultTestFraction
    private static let seed = RegressionAnalysis.defaultSeed
    private static let regressionName = SavedAggregates.savedName(testFraction: testFraction, seed: seed)

    private init(warehouse: any RecordWarehouse, followed: Followed) {
        self.warehouse = warehouse
        self.followed = followed
    }

    /// The aggregates of `warehouse` to follow from now, or nil when none is known at the data's
    /// current version (none saved there and the warehouse not empty).
    static func start(_ warehouse: any RecordWarehouse) async throws -> IngestAggregates? {
        let version = try await warehouse.dataVersion()
        let schema = warehouse.schema
        // Only a copy at the data's version is read: an older one cannot be followed.
        func saved<Aggregate: RecordAggregate>(_ type: Aggregate.Type, _ name: String) async throws -> Aggregate? {
            guard try await warehouse.savedAggregateVersion(named: name) == version,
                  let copy = try await SavedAggregates.saved(type, name, in: warehouse, logger: nil), copy.version == version
            else { return nil }
            return copy.aggregate
        }
        var statistics = try await saved(StatisticsAggregate.self, StatisticsAggregate.savedName)
        var regression = try await saved(RegressionAggregate.self, regressionName)
        if statistics == nil || regression == nil {
            // A copy counts the rows; without one, the warehouse does. An empty one is summarised
            // by empty aggregates.
            let rows = if let statistics { statistics.rows } else if let regression { regression.rows } else { try await warehouse.count() }
            if rows == 0 {
                statistics = StatisticsAggregate(schema: schema)
                regression = RegressionAggregate(schema: schema, testFraction: testFraction, seed: seed)
            }
        }
        guard statistics != nil || regression != nil else { return nil }
        let followed = Followed(version: version, statistics: statistics, regression: regression)
        return IngestAggregates(warehouse: warehouse, followed: followed)
    }

    /// Adds `records`, which the warehouse's upsert stored with `outcome`, once the batches
    /// before are added. Waits while more than ``waitingLimit`` batches wait.
    func stored(_ records: [DatasetRecord], _ outcome: UpsertOutcome) async {
        guard var folds = folding else { return }
        let (previous, followed) = (folds.last, followed)
        folds.append(Task {
            guard await previous?.value ?? true else { return false }
            return (try? await BackgroundThreads.shared.run { Self.add(records, outcome, to: followed) }) ?? false
        })
        while folds.count > Self.waitingLimit { _ = await folds.removeFirst().value }
        folding = folds
    }

    /// Saves the aggregates when they are still followed, at the data version of the last upsert.
    /// Answers whether the store keeps them at that version now (a store that saves no
    /// aggregates does not).
    @discardableResult
    func finish() async throws -> Bool {
        guard let folds = folding else { return false }
        folding = nil
        guard await folds.last?.value ?? true else { return false }
        if let statistics = followed.statistics {
            try await SavedAggregates.save(
                VersionedAggregate(version: followed.version, aggregate: statistics), as: StatisticsAggregate.savedName, in: warehouse)
        }
        if let regression = followed.regression {
            try await SavedAggregates.save(
                VersionedAggregate(version: followed.version, aggregate: regression),
                as: Self.regressionName, in: warehouse)
        }
        let name = followed.statistics != nil ? StatisticsAggregate.savedName : Self.regressionName
        return try await warehouse.savedAggregateVersion(named: name) == followed.version
    }

    /// Adds one upsert's records to `followed`; false when they can no longer be followed.
    private static func add(_ records: [DatasetRecord], _ outcome: UpsertOutcome, to followed: Followed) -> Bool {
        guard outcome.version == followed.version + 1 else { return false }
        let features = Array(followed.statistics?.schema.features.indices ?? followed.regression!.schema.features.indices)
        // The upsert kept the last record of each id; a batch without repeated ids is whole.
        let kept = outcome.records == records.count ? records : records.lastOfEachID(\.id)
        var changes = RecordChanges.none(at: outcome.version, features: features.count)
        switch outcome.change {
        case .none: break
        case .insertedAll:
            for record in kept { changes.inserted.append(record, featureIndices: features) }
        case .other:
            guard let told = outcome.changes else { return false }
            // The records not inserted were updated (those `previous` names) or left as they were.
            let inserted = Set(told.inserted)
            var current: [String: DatasetRecord] = [:]
            for record in kept {
                if inserted.contains(record.id) {
                    changes.inserted.append(record, featureIndices: features)
                } else {
                    current[record.id] = record
                }
            }
            changes.previous = told.previous
            for id in told.previous.ids {
                guard let record = current[id] else { return false }
                changes.current.append(record, featureIndices: features)
            }
        }
        followed.statistics?.apply(changes)
        followed.regression?.apply(changes)
        if followed.statistics.map({ !$0.isCompact || !$0.isConsistent }) == true { followed.statistics = nil }
        if followed.regression.map({ !$0.isCompact || !$0.isConsistent }) == true { followed.regression = nil }
        if followed.statistics == nil && followed.regression == nil { return false }
        followed.version = outcome.version
        return true
    }
}

extension RecordWarehouse {
    /// Upserts `records`, then hands them to `aggregates` with what the upsert did.
    func upsert(_ records: [DatasetRecord], following aggregates: IngestAggregates?) async throws {
        let outcome = try await upsert(records)
        if let aggregates, !records.isEmpty { await aggregates.stored(records, outcome) }
    }
}
