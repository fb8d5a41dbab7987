import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import PenguinsTestSupport
import Synchronization
import Testing

/// Writes `text` to a new temporary CSV file.
func temporaryCSV(_ name: String, _ text: String) throws -> URL {
    let file = Scratch.directory.appendingPathComponent("\(UUID().uuidString)-\(name)")
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file
}

/// The tidy header, with penguin ids.
let tidyHeader = "penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year"

@Suite struct CacheCoherenceTests {
    /// A platform with the bundled data ingested, a small model trained and every row scored,
    /// so the cache holds a prediction of each of the 342 complete penguins.
    private func scoredPlatform(_ kind: String) async throws -> Platform {
        let platform = try platform(kind)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 5, maxDepth: 4)).train()
        let score = try await Scorer(platform: platform).score()
        #expect(score.cached == 342)
        #expect(score.refreshed == 342)
        return platform
    }

    @Test(arguments: ["sqlite", "memory"])
    func reingestingNewMeasurementsDropsExactlyThoseCachedPredictions(kind: String) async throws {
        let platform = try await scoredPlatform(kind)
        let remeasured = try temporaryCSV("remeasured.csv", """
        \(tidyHeader),delta_15_n,delta_13_c
        PAL0708-Adelie-1,Adelie,Torgersen,49.5,15.9,224,5600,male,2007,NA,NA
        PAL0708-Adelie-2,Adelie,Torgersen,39.5,17.4,186,3800,female,2007,8.94956,-24.69454

        """)
        // Adelie-2 is ingested with its bundled values, its isotope ratios too: unchanged, so it stays cached.
        let report = try await Ingestor(platform: platform).ingest(file: remeasured)
        #expect(report.cacheInvalidated == 1)
        #expect(report.cacheWarning == nil)
        #expect(try await platform.cache.prediction(penguinID: "PAL0708-Adelie-1", modelVersion: 1) == nil)
        #expect(try await platform.cache.prediction(penguinID: "PAL0708-Adelie-2", modelVersion: 1) != nil)
        #expect(try await platform.cache.count() == 341)
        #expect(try await platform.warehouse.row(id: "PAL0708-Adelie-1")?.prediction == nil)

        // Scoring again refreshes that one row and caches it with the new measurements' answer.
        let score = try await Scorer(platform: platform).score()
        #expect(score.refreshed == 1)
        #expect(score.cacheInvalidated == 0)
        let refreshed = try #require(try await platform.cache.prediction(penguinID: "PAL0708-Adelie-1", modelVersion: 1))
        #expect(refreshed.species == .gentoo)
        // The same prediction (the warehouse keeps its time to the microsecond).
        let stored = try #require(try await platform.warehouse.row(id: "PAL0708-Adelie-1")?.prediction)
        #expect((stored.species, stored.modelVersion, stored.probabilities) == (refreshed.species, refreshed.modelVersion, refreshed.probabilities))
    }

    /// An ingestion re-measures a penguin while scoring is between reading its batch and
    /// writing it: the warehouse ends with the prediction of its new measurements, and the cache
    /// keeps no answer of the old ones.
    @Test func aPenguinReMeasuredWhileBeingScoredKeepsNoOldPrediction() async throws {
        let platform = try await scoredPlatform("memory")
        var remeasured = try #require(try await platform.warehouse.row(id: "PAL0708-Adelie-1")).penguin
        remeasured.measurements = Measurements(billLength: 49.5, billDepth: 15.9, flipperLength: 224, bodyMass: 5600)
        var racing = try await platform.tables(for: BundledSchemas.penguins)
        racing.warehouse = ChangingBeforeWrites(base: racing.warehouse, change: PenguinRecords.bundled.record(remeasured, otherFields: false))
        // A new model version, so that every row is scored anew (made current even if it is less accurate).
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 5, maxDepth: 4, seed: 7), force: true).train()
        let report = try await Scorer(platform: platform).score(stores: racing)
        #expect(report.changedWhileScoring == 1)
        #expect(report.scored == 342)
        let model = try await platform.currentModel()
        let stored = try #require(try await platform.warehouse.row(id: "PAL0708-Adelie-1")?.prediction)
        #expect(stored.modelVersion == 2)
        #expect(stored.probabilities == model.predict(remeasured.measurements)?.probabilities)
        #expect(stored.species == .gentoo)
        #expect(try await platform.warehouse.row(id: "PAL0708-Adelie-2")?.prediction?.modelVersion == 2)
        #expect(try await platform.cache.prediction(penguinID: "PAL0708-Adelie-1", modelVersion: 2) == nil)
        #expect(try await platform.cache.prediction(penguinID: "PAL0708-Adelie-2", modelVersion: 2) != nil)
    }

    @Test func aSecondCacheFollowsTheChangesFromItsOwnPosition() async throws {
        let platform = try await scoredPlatform("memory")
        let serverCache = PenguinPredictionCache(records: MemoryRecordPredictionCache())
        let coherence = CacheCoherence(warehouse: platform.warehouse, cache: serverCache, registry: platform.registry)
        // Never reconciled: emptied, and positioned at the newest change.
        let start = try await coherence.reconcile()
        #expect(start == CacheReconciliation(through: 0, invalidated: 0, cleared: true))

        let prediction = try #require(try await platform.cache.prediction(penguinID: "PAL0708-Adelie-3", modelVersion: 1))
        try await serverCache.store([("PAL0708-Adelie-3", prediction), ("PAL0708-Adelie-5", prediction)], ttlSeconds: 60)
        var penguin = try #require(try await platform.warehouse.row(id: "PAL0708-Adelie-3")).penguin
        penguin.measurements.bodyMass = 6000
        try await platform.warehouse.upsert([penguin])
        penguin.measurements.bodyMass = 6100
        try await platform.warehouse.upsert([penguin])

        let pass = try await coherence.reconcile()
        #expect(pass == CacheReconciliation(through: 2, invalidated: 1, cleared: false))
        #expect(try await serverCache.prediction(penguinID: "PAL0708-Adelie-3", modelVersion: 1) == nil)
        #expect(try await serverCache.prediction(penguinID: "PAL0708-Adelie-5", modelVersion: 1) == prediction)
        #expect(try await serverCache.coherentThrough() == 2)
        #expect(try await coherence.reconcile() == CacheReconciliation(through: 2, invalidated: 0, cleared: false))
    }

    @Test func tooManyChangesOrAPrunedLogEmptyTheCache() async throws {
        let platform = try await scoredPlatform("memory")
        let coherence = CacheCoherence(warehouse: platform.warehouse, cache: platform.cache, registry: platform.registry, clearThreshold: 2)
        var rows: [Penguin] = []
        try await platform.warehouse.forEachBatch(batchSize: 1_000) { page in rows += page.prefix(3).map(\.penguin) }
        let changed = rows.prefix(3).map { penguin -> Penguin in
            var heavier = penguin
            heavier.measurements.bodyMass = (penguin.measurements.bodyMass ?? 4000) + 1
            return heavier
        }
        try await platform.warehouse.upsert(Array(changed))
        #expect(try await coherence.reconcile() == CacheReconciliation(through: 3, invalidated: 0, cleared: true))
        #expect(try await platform.cache.count() == 0)

        // A position older than the pruned part of the log.
        _ = try await Scorer(platform: platform).score()
        try await platform.cache.setCoherentThrough(1)
        try await platform.warehouse.pruneChanges(before: Date().addingTimeInterval(60))
        #expect(try await coherence.reconcile() == CacheReconciliation(through: 3, invalidated: 0, cleared: true))
        #expect(try await platform.cache.count() == 0)
    }

    @Test func aCacheThatCannotBeReachedDoesNotFailTheIngestion() async throws {
        var platform = Platform.inMemory()
        platform.cache = PenguinPredictionCache(records: UnreachableCache())
        let file = try temporaryCSV("ok.csv", "\(tidyHeader)\nA1,Adelie,Torgersen,39.1,18.7,181,3750,male,2007\n")
        let report = try await Ingestor(platform: platform).ingest(file: file)
        #expect(report.stored == 1)
        #expect(report.cacheWarning?.contains("a running server or the next command corrects it") == true)
        #expect(try await platform.warehouse.count() == 1)
    }
}

/// A cache whose every call fails, as a Redis server that is down.
struct UnreachableCache: RecordPredictionCache {
    struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
    func prediction(id: String, modelVersion: Int) async throws -> RecordPrediction? { throw Down() }
    func store(_ predictions: [(id: String, prediction: RecordPrediction)], ttlSeconds: Int) async throws { throw Down() }
    func remove(ids: [String], modelVersions: [Int]) async throws { throw Down() }
    func removeAll() async throws { throw Down() }
    func count() async throws -> Int { throw Down() }
    func coherentThrough() async throws -> Int64? { throw Down() }
    func setCoherentThrough(_ sequence: Int64) async throws { throw Down() }
}

@Suite struct QuarantineReleaseTests {
    @Test(arguments: ["sqlite", "memory"])
    func aRepairedFileEmptiesItsQuarantine(kind: String) async throws {
        let platform = try platform(kind)
        let good = (1...6).map { "G\($0),Adelie,Torgersen,39.\($0),18.7,181,3750,male,2007" }
        let bad = (1...4).map { "B\($0),Emperor,Torgersen,39.1,18.7,181,3750,male,2007" }
        let fixed = (1...4).map { "B\($0),Adelie,Torgersen,39.1,18.7,181,3750,male,2007" }
        let url = try temporaryCSV("field-sheet.csv", ([tidyHeader] + good + bad).joined(separator: "\n") + "\n")
        let ingestor = Ingestor(platform: platform)

        let first = try await ingestor.ingest(file: url)
        #expect((first.read, first.stored, first.quarantined, first.releasedFromQuarantine) == (10, 6, 4, 0))
        #expect(try await platform.quarantine.count() == 4)

        // Two rows repaired in place, one still bad for another reason, one still bad as it was.
        let partly = [fixed[0], fixed[1], "B3,Adelie,Torgersen,39.1,18.7,181,99999,male,2007", bad[3]]
        try ([tidyHeader] + good + partly).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        let second = try await ingestor.ingest(file: url)
        #expect((second.read, second.stored, second.quarantined, second.releasedFromQuarantine) == (10, 8, 2, 2))
        let rows = try await platform.quarantine.rows(limit: 10)
        #expect(Set(rows.map(\.line)) == [10, 11])
        #expect(rows.first { $0.line == 10 }?.reason.hasPrefix("body_mass_g: 99999 is outside the plausible range") == true)

        // Everything repaired: the quarantine is empty and the summary agrees with the stores.
        try ([tidyHeader] + good + fixed).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        let third = try await ingestor.ingest(file: url)
        #expect((third.read, third.stored, third.quarantined, third.releasedFromQuarantine) == (10, 10, 0, 2))
        #expect(try await platform.quarantine.count() == 0)
        let summary = try await PlatformSummary.collect(platform)
        #expect((summary.lakeDocuments, summary.warehouseRows, summary.quarantinedRows) == (10, 10, 0))
    }

    @Test func anotherFilesQuarantineIsLeftAlone() async throws {
        let platform = Platform.inMemory()
        let ingestor = Ingestor(platform: platform)
        let other = try temporaryCSV("other.csv", "\(tidyHeader)\nX1,Emperor,Dream,39.1,18.7,181,3750,male,2007\n")
        let mine = try temporaryCSV("mine.csv", "\(tidyHeader)\nX2,Emperor,Dream,39.1,18.7,181,3750,male,2007\n")
        _ = try await ingestor.ingest(file: other)
        _ = try await ingestor.ingest(file: mine)
        try "\(tidyHeader)\nX2,Adelie,Dream,39.1,18.7,181,3750,male,2007\n".write(to: mine, atomically: true, encoding: .utf8)
        let report = try await ingestor.ingest(file: mine)
        #expect(report.releasedFromQuarantine == 1)
        #expect(try await platform.quarantine.rows(limit: 10).map(\.file) == [other.lastPathComponent])
    }
}

/// A warehouse that stores `change` (as an ingestion in another process would) just before the
/// first prediction write, then behaves as `base`.
private final class ChangingBeforeWrites: RecordWarehouse {
    let base: any RecordWarehouse
    let change: DatasetRecord
    private let changed = Mutex(false)

    init(base: any RecordWarehouse, change: DatasetRecord) {
        self.base = base
        self.change = change
    }

    var schema: DatasetSchema { base.schema }

    func writePredictions(
        _ predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])], featureIndices: [Int]
    ) async throws -> Int {
        if changed.withLock({ done in defer { done = true }; return !done }) {
            try await base.upsert([change])
        }
        return try await base.writePredictions(predictions, featureIndices: featureIndices)
    }

    func upsert(_ records: [DatasetRecord]) async throws -> UpsertOutcome { try await base.upsert(records) }
    func record(id: String) async throws -> StoredRecord? { try await base.record(id: id) }
    func scan(partition: String, after: String?, limit: Int) async throws -> [StoredRecord] {
        try await base.scan(partition: partition, after: after, limit: limit)
    }
    func columns(featureIndices: [Int], predictions: Bool) async throws -> RecordColumns {
        try await base.columns(featureIndices: featureIndices, predictions: predictions)
    }
    func countsByPartition() async throws -> [String: Int] { try await base.countsByPartition() }
    func summariesByPartition() async throws -> [PartitionSummary] { try await base.summariesByPartition() }
    func usableAndScoredByPartition() async throws -> [String: UsableAndScored] { try await base.usableAndScoredByPartition() }
    func count() async throws -> Int { try await base.count() }
    func dataVersion() async throws -> Int64 { try await base.dataVersion() }
    func latestChange() async throws -> Int64 { try await base.latestChange() }
    func changes(after: Int64, limit: Int) async throws -> WarehouseChanges { try await base.changes(after: after, limit: limit) }
    func pruneChanges(before date: Date) async throws { try await base.pruneChanges(before: date) }
}
