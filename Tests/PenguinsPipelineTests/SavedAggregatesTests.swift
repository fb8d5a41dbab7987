import Foundation
import Synchronization
import PenguinsCore
import PenguinsStorage
import PenguinsTestSupport
import Testing
@testable import PenguinsPipeline

/// What `penguins stats` and `penguins regress` read of a warehouse: the aggregates saved in its
/// store, brought up to date with the rows inserted since, and saved again.
@Suite struct SavedAggregatesTests {
    @Test func statisticsAreReadFromTheSavedCopyAndAddTheInsertedRows() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let warehouse = platform.warehouse.recordWarehouse
        let schema = warehouse.schema
        guard case .aggregate(let first) = try await SavedAggregates.statistics(of: warehouse) else { Issue.record("not kept"); return }
        let version = try await warehouse.dataVersion()
        let saved = try #require(try await warehouse.savedAggregate(named: StatisticsAggregate.savedName))
        #expect(saved.version == version)
        #expect(first.rows == (try await warehouse.count()))

        // A marker no stored row has, saved at the data's version: the next read is the saved copy.
        let bill = try #require(schema.features.firstIndex { $0.name == "bill_length_mm" })
        var features = schema.features.map { _ in [Double.nan] }
        features[bill] = [99.5]
        var marked = first
        marked.add(RecordColumns(ids: ["marker"], targetClasses: [0], features: features))
        try await warehouse.saveAggregate(try AggregateCoding.encode(marked), named: StatisticsAggregate.savedName, version: version)
        guard case .aggregate(let read) = try await SavedAggregates.statistics(of: warehouse) else { Issue.record("not kept"); return }
        #expect(read.rows == first.rows + 1)
        #expect(try read.report().tables[0].variables["bill_length_mm"]?.maximum == 99.5)

        // Rows inserted since: added to the saved copy (the marker stays), which is saved again.
        let more = Scratch.directory.appendingPathComponent("more-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: more) }
        try SyntheticGenerator.fittedOnBundledData().write(rows: 200, seed: 5, toFileAt: more)
        #expect(try await Ingestor(platform: platform).ingest(file: more).stored == 200)
        guard case .aggregate(let updated) = try await SavedAggregates.statistics(of: warehouse) else { Issue.record("not kept"); return }
        #expect(updated.rows == first.rows + 1 + 200)
        #expect(try updated.report().tables[0].variables["bill_length_mm"]?.maximum == 99.5)
        #expect(try await warehouse.savedAggregate(named: StatisticsAggregate.savedName)?.version == (try await warehouse.dataVersion()))
    }

    @Test func rowsAnotherWriterUpdatedReplaceTheirValuesInTheSavedCopies() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let warehouse = platform.warehouse.recordWarehouse
        let schema = warehouse.schema
        let analysis = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"])
        _ = try await SavedAggregates.regression(analysis, of: warehouse)
        // Every seventh row edited and one new row, written straight to the warehouse.
        let stored = try await warehouse.columns(featureIndices: Array(schema.features.indices))
        let edits = RecordEdits(stored, schema: schema)
        var records = edits.rows.map { row in
            DatasetRecord(
                id: edits.edited.ids[row], targetClass: edits.edited.targetClasses[row],
                features: edits.edited.features.map { $0[row].isNaN ? nil : $0[row] })
        }
        records.append(DatasetRecord(id: "new-one", targetClass: 1, features: schema.features.map { $0.kind == .numeric ? 50 : 0 }))
        let outcome = try await warehouse.upsert(records)
        #expect(outcome.changes?.inserted == ["new-one"] && outcome.changes?.previous.count == edits.rows.count)

        let updates = Mutex<[AggregateUpdate]>([])
        let observe: @Sendable (AggregateUpdate) -> Void = { update in updates.withLock { $0.append(update) } }
        let statistics = try await SavedAggregates.bringUpToDate(
            nil, of: warehouse, savedName: StatisticsAggregate.savedName, make: { StatisticsAggregate(schema: $0) }, observe: observe)
        let sums = try await SavedAggregates.bringUpToDate(
            nil, of: warehouse, savedName: SavedAggregates.savedName(regression: analysis),
            make: { RegressionAggregate(schema: $0, testFraction: analysis.testFraction, seed: analysis.seed) }, observe: observe)
        #expect(updates.withLock { $0 } == [.changed, .changed], "the saved copies took the changes, no row was read again")
        let columns = try await DatasetColumns.load(from: warehouse)
        let report = try #require(try statistics.source.report(groupBy: "island"))
        try StatisticsAggregateTests.expectSame(report, try StatisticsReport.compute(columns, groupBy: "island"), "after the updates")
        let fit = try #require(try sums.source.report(analysis))
        let computed = try analysis.run(columns)
        #expect(fit.trainingRows == computed.trainingRows && fit.testRows == computed.testRows)
        #expect(abs(fit.model.rSquared - computed.model.rSquared) <= 1e-9)
        #expect(zip(fit.model.terms, computed.model.terms).allSatisfy { abs($0.estimate - $1.estimate) <= 1e-8 * abs($1.estimate) })
    }

    @Test func aSavedCopyThatDisagreesWithTheRecordsIsMadeAnew() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let warehouse = platform.warehouse.recordWarehouse
        let schema = warehouse.schema
        let bill = try #require(schema.features.firstIndex { $0.name == "bill_length_mm" })
        var stored = try #require(try await warehouse.record(id: try await warehouse.columns(featureIndices: []).ids[0])).record
        stored.features[bill] = 123.45
        try await warehouse.upsert([stored])
        // A copy saved at the data's version that counted another value for that row, as if
        // the row had been changed behind the store's logs.
        var columns = try await warehouse.columns(featureIndices: Array(schema.features.indices))
        columns.features[bill][try #require(columns.ids.firstIndex(of: stored.id))] = 39.1
        let version = try await warehouse.dataVersion()
        try await warehouse.saveAggregate(
            try AggregateCoding.encode(StatisticsAggregate(schema: schema, records: columns)), named: StatisticsAggregate.savedName, version: version)
        // The row updated: its value before (123.45) is not in the copy's counts.
        stored.features[bill] = 50
        try await warehouse.upsert([stored])
        let updates = Mutex<[AggregateUpdate]>([])
        let statistics = try await SavedAggregates.bringUpToDate(
            nil, of: warehouse, savedName: StatisticsAggregate.savedName, make: { StatisticsAggregate(schema: $0) },
            observe: { update in updates.withLock { $0.append(update) } })
        #expect(updates.withLock { $0 } == [.all], "made anew from every record")
        let report = try #require(try statistics.source.report())
        try StatisticsAggregateTests.expectSame(report, try StatisticsReport.compute(try await DatasetColumns.load(from: warehouse)), "made anew")
    }

    @Test func regressionSumsAreSavedPerSplit() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let warehouse = platform.warehouse.recordWarehouse
        let analysis = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"], testFraction: 0.3, seed: 9)
        guard case .aggregate(let sums) = try await SavedAggregates.regression(analysis, of: warehouse) else { Issue.record("not kept"); return }
        let columns = try await DatasetColumns.load(from: warehouse)
        let computed = try analysis.run(columns)
        let kept = try sums.report(analysis)
        #expect(kept.trainingRows == computed.trainingRows && kept.testRows == computed.testRows)
        #expect(abs(kept.model.rSquared - computed.model.rSquared) <= 1e-10)
        #expect(SavedAggregates.savedName(regression: analysis) == "regression.v1#test_fraction=0.3&seed=9")
        #expect(try await warehouse.savedAggregate(named: SavedAggregates.savedName(regression: analysis))?.version == (try await warehouse.dataVersion()))
        let other = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm"], testFraction: 0.2, seed: 9)
        #expect(try await warehouse.savedAggregate(named: SavedAggregates.savedName(regression: other)) == nil, "another split is saved apart")
    }
}
