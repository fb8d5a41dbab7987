import Foundation
import PenguinsCore
import PenguinsStorage
import PenguinsTestSupport
import Testing
@testable import PenguinsPipeline

/// An ingestion keeps the saved statistics and default regression sums up to date as it
/// writes: from an empty warehouse, or from copies saved at the data's version, through
/// insertions and updates.
@Suite struct IngestAggregatesTests {
    @Test(arguments: ["penguins", "iris"])
    func aFirstIngestionSavesWhatAFullRecomputationGives(dataset: String) async throws {
        let platform = try temporaryPlatform()
        let file = dataset == "iris" ? BundledDataset.irisCSV : BundledDataset.rawCSV
        // Batches of 50 rows: several upserts to follow.
        let report = try await Ingestor(platform: platform, batchSize: 50).ingest(file: file, dataset: dataset)
        let warehouse = try await platform.recordWarehouse(of: try await platform.schema(ofDataset: dataset))
        #expect(report.stored == (try await warehouse.count()) && report.stored > 100)
        #expect(report.summariesSaved)
        try await expectSavedAtTheDataVersion(warehouse)
    }

    @Test func newRowsAndUpdatesMoveTheSavedCopiesOn() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let warehouse = platform.warehouse.recordWarehouse
        let generator = try SyntheticGenerator.fittedOnBundledData()

        // New rows: added to the copies saved at the data's version.
        let more = Scratch.directory.appendingPathComponent("more-\(UUID().uuidString).csv")
        try generator.write(rows: 500, seed: 3, toFileAt: more)
        #expect(try await Ingestor(platform: platform, batchSize: 100).ingest(file: more).stored == 500)
        try await expectSavedAtTheDataVersion(warehouse)

        // The same file again changes nothing: the copies follow the versions it made.
        _ = try await Ingestor(platform: platform, batchSize: 100).ingest(file: more)
        try await expectSavedAtTheDataVersion(warehouse)

        // Stored rows updated, with new ones among them: the values the updates replaced are
        // taken out, the new ones added; the copies stay equal to a full recomputation.
        let changed = Scratch.directory.appendingPathComponent("changed-\(UUID().uuidString).csv")
        try generator.write(rows: 500, seed: 4, toFileAt: changed)
        let update = try await Ingestor(platform: platform, batchSize: 100).ingest(file: changed)
        #expect(update.stored == 500 && update.summariesSaved)
        try await expectSavedAtTheDataVersion(warehouse)
        // A file that updates two rows in three and leaves the third as it is, then adds new
        // ones: a batch at the turn does all three (the generator numbers its rows the same
        // whatever the seed).
        let next = Scratch.directory.appendingPathComponent("next-\(UUID().uuidString).csv")
        try generator.write(rows: 600, seed: 5, toFileAt: next)
        let stored = try String(contentsOf: changed, encoding: .utf8).split(separator: "\n")
        let updated = try String(contentsOf: next, encoding: .utf8).split(separator: "\n")
        let lines = updated.indices.map { index in index % 3 == 0 && index < stored.count ? stored[index] : updated[index] }
        let mixed = Scratch.directory.appendingPathComponent("mixed-\(UUID().uuidString).csv")
        try (lines.joined(separator: "\n") + "\n").write(to: mixed, atomically: true, encoding: .utf8)
        let before = try await warehouse.count()
        let report = try await Ingestor(platform: platform, batchSize: 70).ingest(file: mixed)
        #expect(report.stored == 600 && report.summariesSaved)
        #expect(try await warehouse.count() == before + 100)
        try await expectSavedAtTheDataVersion(warehouse)
    }

    @Test(arguments: ["penguins", "iris"])
    func anIngestionToldNotToKeepsNone(dataset: String) async throws {
        let platform = try temporaryPlatform()
        let file = dataset == "iris" ? BundledDataset.irisCSV : BundledDataset.rawCSV
        let report = try await Ingestor(platform: platform, keepsSummaries: false).ingest(file: file, dataset: dataset)
        #expect(!report.summariesSaved && report.stored > 100)
        let warehouse = try await platform.recordWarehouse(of: try await platform.schema(ofDataset: dataset))
        #expect(try await warehouse.savedAggregateVersion(named: StatisticsAggregate.savedName) == nil)
        #expect(try await warehouse.savedAggregateVersion(named: Self.regressionName) == nil)
    }

    @Test func aStoreThatSavesNoAggregatesIsNotSaidToHaveThem() async throws {
        let report = try await Ingestor(platform: Platform.inMemory()).ingest(file: BundledDataset.rawCSV)
        #expect(report.stored > 300 && !report.summariesSaved)
    }

    @Test func aWarehouseWithRowsAndNoSavedCopyIsLeftToTheReaders() async throws {
        let platform = try temporaryPlatform()
        let warehouse = platform.warehouse.recordWarehouse
        // Rows stored by a writer that keeps no aggregates.
        try await warehouse.upsert([
            DatasetRecord(id: "one", targetClass: 0, features: warehouse.schema.features.map { $0.kind == .numeric ? 1 : 0 })
        ])
        #expect(!(try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)).summariesSaved)
        #expect(try await warehouse.savedAggregateVersion(named: StatisticsAggregate.savedName) == nil)
        #expect(try await warehouse.savedAggregateVersion(named: Self.regressionName) == nil)
    }

    static let regressionName = SavedAggregates.savedName(
        testFraction: RegressionAnalysis.defaultTestFraction, seed: RegressionAnalysis.defaultSeed)

    /// The statistics and regression sums saved for `warehouse` are of its data version, and
    /// give what a full recomputation from its rows gives.
    private func expectSavedAtTheDataVersion(_ warehouse: any RecordWarehouse, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let version = try await warehouse.dataVersion()
        let savedStatistics = try #require(try await warehouse.savedAggregate(named: StatisticsAggregate.savedName), sourceLocation: sourceLocation)
        let savedSums = try #require(try await warehouse.savedAggregate(named: Self.regressionName), sourceLocation: sourceLocation)
        #expect(savedStatistics.version == version && savedSums.version == version, sourceLocation: sourceLocation)
        let statistics = try AggregateCoding.decode(StatisticsAggregate.self, from: savedStatistics.body)
        let sums = try AggregateCoding.decode(RegressionAggregate.self, from: savedSums.body)
        let columns = try await DatasetColumns.load(from: warehouse)
        let schema = warehouse.schema
        #expect(statistics.rows == columns.count, sourceLocation: sourceLocation)
        for groupBy in [nil, schema.partition] {
            #expect(
                try disagreement(statistics.report(groupBy: groupBy), StatisticsReport.compute(columns, groupBy: groupBy)) == "",
                sourceLocation: sourceLocation)
        }
        // The partitions' counts and sums, as the warehouse counts them.
        let usable = try await warehouse.usableAndScoredByPartition()
        let counted = try await warehouse.summariesByPartition()
        let summaries = statistics.partitionSummaries(usableAndScored: usable)
        #expect(summaries.map(\.partition) == counted.map(\.partition), sourceLocation: sourceLocation)
        for (summary, reference) in zip(summaries, counted) {
            #expect(summary.count == reference.count && summary.countByClass == reference.countByClass, sourceLocation: sourceLocation)
            #expect(summary.featureCounts == reference.featureCounts, sourceLocation: sourceLocation)
            for (sum, expected) in zip(summary.featureSums, reference.featureSums) {
                #expect(abs(sum - expected) <= 1e-9 * max(1, abs(expected)), sourceLocation: sourceLocation)
            }
        }
        // The default split's regression of the first numeric column on the others.
        let numeric = DatasetColumns.numericNames(of: schema)
        let analysis = RegressionAnalysis(target: numeric[0], predictors: Array(numeric.dropFirst().prefix(2)))
        let kept = try sums.report(analysis)
        let computed = try analysis.run(columns)
        #expect(kept.trainingRows == computed.trainingRows && kept.testRows == computed.testRows, sourceLocation: sourceLocation)
        #expect(abs(kept.model.rSquared - computed.model.rSquared) <= 1e-9, sourceLocation: sourceLocation)
    }

    private func disagreement(_ a: StatisticsReport, _ b: StatisticsReport) throws -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return jsonDisagreement(try encoder.encode(a), try encoder.encode(b), relative: 1e-12)
    }
}
