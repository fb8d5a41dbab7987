import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsDashboard
import PenguinsPipeline
@testable import PenguinsServer
import PenguinsStorage
import PenguinsTestSupport
import Synchronization
import Testing

/// Analyses of the stored rows are computed once per version of the data, shared by the
/// requests that wait for them, and computed anew, equal to a full recomputation, once the rows change.
@Suite struct AnalysisResultsTests {
    @Test func concurrentRequestsShareOneComputationAndFailuresAreNotKept() async throws {
        let results = AnalysisResults()
        let runs = Runs()
        let key = AnalysisResults.Key(dataset: "penguins", analysis: "stats")
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await results.value(key, version: 1) {
                        try await Task.sleep(for: .milliseconds(200))
                        return runs.count.withLock { count in count += 1; return count * 100 }
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers == Array(repeating: 100, count: 10))
        #expect(runs.count.withLock { $0 } == 1)
        // The next version is computed anew; a failure is not kept.
        await #expect(throws: AnalysisFailure.self) { try await results.value(key, version: 2) { () async throws -> Int in throw AnalysisFailure() } }
        #expect(try await results.value(key, version: 2) { 7 } == 7)
        #expect(try await results.value(key, version: 2) { 8 } == 7)
    }

    /// Only a computation takes a slot of the limiter: with none free, a kept result is still
    /// served and a new computation is turned away; a computation gives its slot back.
    @Test func onlyComputationsTakeALimiterSlot() async throws {
        let limiter = HeavyWorkLimiter(limit: 1)
        let results = AnalysisResults(limiter: limiter)
        let kept = AnalysisResults.Key(dataset: "penguins", analysis: "stats")
        #expect(try await results.value(kept, version: 1) { 1 } == 1)
        #expect(limiter.inFlight == 0)
        #expect(limiter.tryAcquire())
        #expect(try await results.value(kept, version: 1) { 2 } == 1)
        await #expect(throws: Problem.self) { try await results.value(kept, version: 2) { 3 } }
        limiter.release()
        #expect(try await results.value(kept, version: 2) { 3 } == 3)
        #expect(limiter.inFlight == 0)
    }

    /// Ten clients asking at once, with one analysis slot: every one is answered, alike.
    @Test func tenClientsAtOnceAreAllAnswered() async throws {
        var options = testOptions()
        options.analyses = HeavyWorkLimiter(limit: 1)
        let app = try await makeApp(try await makePlatform(train: false), options: options)
        try await app.test(.live) { client in
            let answers = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String).self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let response = try await client.send(.get, "/api/v1/stats?by=sex")
                        return (response.status, response.text)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.0 == .ok })
            #expect(Set(answers.map(\.1)).count == 1)
            let metrics = try await client.send(.get, "/api/v1/metrics").text
            #expect(metrics.contains(#"penguins_analysis_requests_total{dataset="penguins",result="computed"} 1"#), "\(metrics)")
        }
    }

    /// The overview keeps its aggregates by island while the data is unchanged, and shows the
    /// rows a batch scoring (another writer) has just scored.
    @Test func theOverviewFollowsBatchPredictions() async throws {
        let platform = try await makePlatform(score: false)
        let app = try await makeApp(platform)
        try await app.test(.live) { client in
            let before = try await client.send(.get, "/").text
            #expect(try await client.send(.get, "/").text == before)
            #expect(try await PartitionAggregate.of(platform.warehouse.recordWarehouse).allSatisfy { $0.scored == 0 })
            _ = try await Scorer(platform: platform).score()
            let scored = try await PartitionAggregate.of(platform.warehouse.recordWarehouse).map(\.scored)
            #expect(scored.reduce(0, +) > 0)
            let after = try await client.send(.get, "/").text
            #expect(after != before, "the scored counts are shown anew")
            let metrics = try await client.send(.get, "/api/v1/metrics").text
            #expect(metrics.contains(#"penguins_analysis_requests_total{dataset="penguins",result="computed"} 2"#), "\(metrics)")
            #expect(metrics.contains(#"penguins_analysis_requests_total{dataset="penguins",result="reused"} 1"#))
        }
    }

    /// The datasets page keeps its row counts per data version: the same page while nothing
    /// is written, the new count once an ingest (another writer) stores a row.
    @Test func theDatasetsPageCountsNewRows() async throws {
        let platform = try await makePlatform(train: false)
        let app = try await makeApp(platform)
        let file = Scratch.directory.appendingPathComponent("one-\(UUID().uuidString).csv")
        try "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nAdelie,Dream,39.1,18.7,181,3750,male,2007\n"
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try await app.test(.live) { client in
            let before = try await client.send(.get, "/datasets").text
            #expect(before.contains(">344<"), "\(before)")
            #expect(try await client.send(.get, "/datasets").text == before)
            #expect(try await Ingestor(platform: platform).ingest(file: file).stored == 1)
            let after = try await client.send(.get, "/datasets").text
            #expect(after.contains(">345<"), "\(after)")
        }
    }

    @Test func statisticsAndRegressionsFollowTheDataVersion() async throws {
        let platform = try await makePlatform(train: false)
        let app = try await makeApp(platform)
        let warehouse = platform.warehouse.recordWarehouse
        let regression = "/api/v1/regression?target=body_mass_g&predictors=flipper_length_mm,sex&test_fraction=0.25&seed=7"
        try await app.test(.live) { client in
            let first = try await client.send(.get, "/api/v1/stats?by=island").text
            #expect(try await client.send(.get, "/api/v1/stats?by=island").text == first)
            let fit = try await client.send(.get, regression).text
            #expect(try await client.send(.get, regression).text == fit)
            let page = try await client.send(.get, "/statistics?x=bill_depth_mm&y=body_mass_g&colour=island").text
            #expect(try await client.send(.get, "/statistics?x=bill_depth_mm&y=body_mass_g&colour=island").text == page)
            let metrics = try await client.send(.get, "/api/v1/metrics").text
            #expect(metrics.contains(#"penguins_analysis_requests_total{dataset="penguins",result="computed"} 3"#), "\(metrics)")
            #expect(metrics.contains(#"penguins_analysis_requests_total{dataset="penguins",result="reused"} 3"#))

            // Rows changed by another writer (as an ingest in another process would): the next
            // answers are computed anew, and are what a full recomputation gives.
            let columns = try await warehouse.columns(featureIndices: Array(warehouse.schema.features.indices))
            let copies = (0..<40).map { index in
                var features = (0..<columns.features.count).map { column -> Double? in
                    let value = columns.features[column][index]
                    return value.isNaN ? nil : value
                }
                if let mass = warehouse.schema.features.firstIndex(where: { $0.name == "body_mass_g" }) { features[mass] = 6_000 + Double(index) }
                return DatasetRecord(id: "copy-\(index)", targetClass: columns.targetClasses[index], features: features)
            }
            try await warehouse.upsert(copies)
            let fresh = try await DatasetColumns.load(from: warehouse)
            let second = try await client.send(.get, "/api/v1/stats?by=island").text
            #expect(second != first)
            // Statistics kept as counts: the numbers of a full recomputation (moments up to the
            // rounding of another summation order).
            let recomputed = try StatisticsReport.compute(fresh, groupBy: "island")
            #expect(jsonDisagreement(Data(second.utf8), try Responses.encoded(recomputed), relative: 1e-12) == "")
            let refit = try await client.send(.get, regression).text
            #expect(refit != fit)
            let analysis = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"], testFraction: 0.25, seed: 7)
            try expectRecomputation(refit, try analysis.run(fresh))
            let newPage = try await client.send(.get, "/statistics?x=bill_depth_mm&y=body_mass_g&colour=island").text
            #expect(newPage != page)
            let all = try StatisticsReport.compute(fresh).tables[0]
            #expect(newPage.contains("All penguins (384 rows)"))
            for (name, summary) in all.variables {
                for shown in [summary.mean, summary.standardDeviation, summary.q1, summary.median, summary.q3] {
                    #expect(newPage.contains(">\(Format.fixed(shown, 2))<"), "\(name): \(Format.fixed(shown, 2))")
                }
            }
            // The kept statistics were the copy the ingestion saved, and read the 40 new rows alone.
            let updates = try await client.send(.get, "/api/v1/metrics").text
            #expect(updates.contains(#"penguins_statistics_updates_total{dataset="penguins",read="saved"} 1"#), "\(updates)")
            #expect(updates.contains(#"penguins_statistics_updates_total{dataset="penguins",read="inserted"} 1"#))
            #expect(!updates.contains(#"penguins_statistics_updates_total{dataset="penguins",read="all"}"#))

            // A stored row updated: its old values are taken out of the counts and its new ones
            // added, reading that row alone; the answer is still the full recomputation's.
            var changed = copies[0]
            changed.features[warehouse.schema.features.firstIndex { $0.name == "bill_depth_mm" }!] = 25.5
            try await warehouse.upsert([changed])
            let third = try await client.send(.get, "/api/v1/stats?by=species").text
            let again = try StatisticsReport.compute(try await DatasetColumns.load(from: warehouse), groupBy: "species")
            #expect(jsonDisagreement(Data(third.utf8), try Responses.encoded(again), relative: 1e-12) == "")
            // The regression too: kept as sums that the 40 rows added to, and the update moved.
            try expectRecomputation(try await client.send(.get, regression).text, try analysis.run(try await DatasetColumns.load(from: warehouse)))
            let counted = try await client.send(.get, "/api/v1/metrics").text
            #expect(counted.contains(#"penguins_statistics_updates_total{dataset="penguins",read="changed"} 1"#), "\(counted)")
            #expect(!counted.contains(#"penguins_statistics_updates_total{dataset="penguins",read="all"}"#))
            #expect(counted.contains(#"penguins_regression_updates_total{dataset="penguins",read="all"} 1"#), "\(counted)")
            #expect(counted.contains(#"penguins_regression_updates_total{dataset="penguins",read="inserted"} 1"#))
            #expect(counted.contains(#"penguins_regression_updates_total{dataset="penguins",read="changed"} 1"#))
        }
    }
}

extension AnalysisResultsTests {
    /// A server started on a store reads the statistics and default regression the ingestion
    /// saved, and those the previous server saved; adds the rows another writer inserted since,
    /// and answers what a full recomputation gives; a saved copy it cannot read is made anew
    /// from the rows.
    @Test func aServerStartedAgainReadsTheSavedAggregates() async throws {
        let platform = try await makePlatform(train: false)
        let warehouse = platform.warehouse.recordWarehouse
        let regression = "/api/v1/regression?target=body_mass_g&predictors=flipper_length_mm,sex"
        let analysis = RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"])
        let saved = [StatisticsAggregate.savedName, RegressionAggregate.savedName + "#test_fraction=0.2&seed=42"]
        #expect(analysis.testFraction == 0.2 && analysis.seed == 42, "the split the API uses by default")
        /// The metrics' count of `what`'s updates that read `read`.
        func updates(_ metrics: String, _ what: String, _ read: String) -> Bool {
            metrics.contains("penguins_\(what)_updates_total{dataset=\"penguins\",read=\"\(read)\"} 1")
        }
        /// Answers of a server started on the platform, and its metrics after them.
        func answersOfANewServer() async throws -> (stats: String, fit: String, metrics: String) {
            let answers = try await makeApp(platform).test(.live) { client in
                (
                    try await client.send(.get, "/api/v1/stats?by=island").text, try await client.send(.get, regression).text,
                    try await client.send(.get, "/api/v1/metrics").text
                )
            }
            // Saved in the background: at most a few seconds later.
            let version = try await warehouse.dataVersion()
            for _ in 0..<200 {
                var versions: [Int64?] = []
                for name in saved { versions.append(try await warehouse.savedAggregate(named: name)?.version) }
                if versions.allSatisfy({ $0 == version }) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            return answers
        }
        func expectRecomputed(_ answers: (stats: String, fit: String, metrics: String)) async throws {
            let columns = try await DatasetColumns.load(from: warehouse)
            let recomputed = try StatisticsReport.compute(columns, groupBy: "island")
            #expect(jsonDisagreement(Data(answers.stats.utf8), try Responses.encoded(recomputed), relative: 1e-12) == "")
            try expectRecomputation(answers.fit, try analysis.run(columns))
        }

        // Saved by the ingestion: no row is read.
        for name in saved { #expect(try await warehouse.savedAggregate(named: name)?.version == (try await warehouse.dataVersion()), "\(name)") }
        let first = try await answersOfANewServer()
        #expect(updates(first.metrics, "statistics", "saved") && updates(first.metrics, "regression", "saved"), "\(first.metrics)")
        #expect(!first.metrics.contains("read=\"all\""))
        try await expectRecomputed(first)
        for name in saved { #expect(try await warehouse.savedAggregate(named: name)?.version == (try await warehouse.dataVersion()), "\(name)") }

        // Started again on unchanged data: no row is read.
        let again = try await answersOfANewServer()
        #expect(updates(again.metrics, "statistics", "saved") && updates(again.metrics, "regression", "saved"), "\(again.metrics)")
        #expect(!again.metrics.contains("read=\"all\""))
        try await expectRecomputed(again)

        // Rows ingested while no server ran: the ingestion brought the saved copies up to date.
        try SyntheticGenerator.fittedOnBundledData().write(rows: 300, seed: 11, toFileAt: platform.configuration.dataDirectory.appendingPathComponent("more.csv"))
        #expect(try await Ingestor(platform: platform).ingest(file: platform.configuration.dataDirectory.appendingPathComponent("more.csv")).stored == 300)
        let afterIngest = try await answersOfANewServer()
        #expect(afterIngest.stats != again.stats)
        #expect(updates(afterIngest.metrics, "statistics", "saved") && updates(afterIngest.metrics, "regression", "saved"), "\(afterIngest.metrics)")
        #expect(!afterIngest.metrics.contains("read=\"all\""))
        try await expectRecomputed(afterIngest)

        // Rows inserted by a writer that keeps no aggregates: the saved copies add them alone.
        let columns = try await warehouse.columns(featureIndices: Array(warehouse.schema.features.indices))
        try await warehouse.upsert((0..<25).map { index in
            DatasetRecord(
                id: "direct-\(index)", targetClass: columns.targetClasses[index],
                features: columns.features.map { $0[index].isNaN ? nil : $0[index] })
        })
        let afterInsert = try await answersOfANewServer()
        #expect(afterInsert.stats != afterIngest.stats)
        #expect(updates(afterInsert.metrics, "statistics", "inserted") && updates(afterInsert.metrics, "regression", "inserted"), "\(afterInsert.metrics)")
        #expect(!afterInsert.metrics.contains("read=\"all\""))
        try await expectRecomputed(afterInsert)

        // A saved copy that cannot be read is made anew from the rows.
        try await warehouse.saveAggregate(Data("{}".utf8), named: saved[0], version: try await warehouse.dataVersion())
        let unreadable = try await answersOfANewServer()
        #expect(updates(unreadable.metrics, "statistics", "all"), "\(unreadable.metrics)")
        try await expectRecomputed(unreadable)
    }
}

extension AnalysisResultsTests {
    /// The overview's and the datasets page's counts are saved with the data version they are
    /// of: a server started again on unchanged data shows them without counting again, and
    /// counts anew once the data moved on.
    @Test func countsSavedWithTheirVersionServeAServerStartedAgain() async throws {
        let platform = try await makePlatform(train: false)
        let warehouse = platform.warehouse.recordWarehouse
        let names = ["result.v1.stored-counts", "result.v1.stored-data"]
        func pagesOfANewServer() async throws -> (overview: String, datasets: String) {
            try await makeApp(platform).test(.live) { client in
                (try await client.send(.get, "/").text, try await client.send(.get, "/datasets").text)
            }
        }
        let first = try await pagesOfANewServer()
        #expect(first.overview.contains(Format.integer(try await platform.lake.count())))
        let version = try await warehouse.dataVersion()
        var saved: [SavedAggregate] = []
        for _ in 0..<200 {
            saved = []
            for name in names { if let copy = try await warehouse.savedAggregate(named: name) { saved.append(copy) } }
            if saved.count == names.count { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(saved.map(\.version) == [version, version])

        // Counts that no scan would give, saved at the data's version, are what a new server shows.
        var counts = try AggregateCoding.decode(PlatformSummary.StoredCounts.self, from: try #require(saved.first).body)
        counts.lakeDocuments = 987_654
        try await warehouse.saveAggregate(try AggregateCoding.encode(counts), named: names[0], version: version)
        var data = try AggregateCoding.decode(StoredData.self, from: try #require(saved.last).body)
        data.rows = 876_543
        try await warehouse.saveAggregate(try AggregateCoding.encode(data), named: names[1], version: version)
        let again = try await pagesOfANewServer()
        #expect(again.overview.contains("987,654"))
        #expect(again.datasets.contains("876,543"))

        // Data written since: counted again.
        let columns = try await warehouse.columns(featureIndices: Array(warehouse.schema.features.indices))
        let copy = columns.features.map { $0[0].isNaN ? nil : $0[0] }
        try await warehouse.upsert([DatasetRecord(id: "one-more", targetClass: columns.targetClasses[0], features: copy)])
        let moved = try await pagesOfANewServer()
        #expect(!moved.overview.contains("987,654") && !moved.datasets.contains("876,543"))
        #expect(moved.datasets.contains(Format.integer(try await warehouse.count())))
    }
}

private struct AnalysisFailure: Error {}

private final class Runs: Sendable {
    let count = Mutex(0)
}

/// The kept statistics on PostgreSQL (enabled by `PENGUINS_TEST_POSTGRES`): the rows an
/// ingestion inserts are added to them, and the answers are a full recomputation's.
@Suite(TestService.postgres.gate("PostgreSQL statistics tests"))
struct PostgresStatisticsTests {
    @Test func statisticsAddTheInsertedRows() async throws {
        let schema = "t_stats_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let postgres = (TestService.postgres.value ?? "") + "&schema=\(schema)"
        let configuration = PlatformConfiguration(
            dataDirectory: URL(fileURLWithPath: "/nonexistent"), locations: [.lake: postgres, .warehouse: postgres, .cache: "memory://"])
        let platform = try await Platform.connect(configuration)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        // A stored row corrected (and moved to another island) by a writer that keeps no
        // aggregates: the server's first statistics take its old values out of the copies the
        // ingestion saved.
        let warehouse = platform.warehouse.recordWarehouse
        let stored = try #require(try await warehouse.record(id: (try await warehouse.columns(featureIndices: []).ids[0])))
        var corrected = stored.record
        corrected.features[try #require(warehouse.schema.features.firstIndex { $0.name == "body_mass_g" })] = 4_321
        // On another island too: the row moves to another partition.
        let island = try #require(warehouse.schema.features.firstIndex { $0.name == "island" })
        corrected.features[island] = Double((Int(try #require(corrected.features[island])) + 1) % 3)
        try await warehouse.upsert([corrected])
        let app = try await makeApp(platform)
        let more = Scratch.directory.appendingPathComponent("more-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: more) }
        try await app.test(.live) { client in
            let first = try await client.send(.get, "/api/v1/stats?by=sex").text
            let regression = "/api/v1/regression?target=bill_depth_mm&predictors=bill_length_mm,species,island"
            let analysis = RegressionAnalysis(target: "bill_depth_mm", predictors: ["bill_length_mm", "species", "island"])
            let fit = try await client.send(.get, regression).text
            /// Whether the answers are a full recomputation's.
            func expectRecomputed(_ stats: String, _ fit: String) async throws {
                let columns = try await DatasetColumns.load(from: warehouse)
                let recomputed = try StatisticsReport.compute(columns, groupBy: "sex")
                #expect(jsonDisagreement(Data(stats.utf8), try Responses.encoded(recomputed), relative: 1e-12) == "")
                try expectRecomputation(fit, try analysis.run(columns))
            }
            try await expectRecomputed(first, fit)
            // The first statistics and regression move the saved copies by the corrected row,
            // neither counted by PostgreSQL nor read row by row.
            let metrics = try await client.send(.get, "/api/v1/metrics").text
            #expect(metrics.contains(#"penguins_statistics_updates_total{dataset="penguins",read="changed"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"penguins_regression_updates_total{dataset="penguins",read="changed"} 1"#), "\(metrics)")
            #expect(!metrics.contains(#"read="counted""#) && !metrics.contains(#"read="all""#))

            // Once the server saved them (in the background), an ingestion follows them and saves
            // them again: the server reads the store's newer copies, not the 500 rows.
            let names = [StatisticsAggregate.savedName, SavedAggregates.savedName(regression: analysis)]
            for _ in 0..<200 {
                var versions: [Int64?] = []
                for name in names { versions.append(try await warehouse.savedAggregateVersion(named: name)) }
                if versions.allSatisfy({ $0 == 3 }) { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await warehouse.dataVersion() == 3, "the ingestion and the correction")
            try SyntheticGenerator.fittedOnBundledData().write(rows: 500, seed: 3, toFileAt: more)
            #expect(try await Ingestor(platform: platform).ingest(file: more).stored == 500)
            let second = try await client.send(.get, "/api/v1/stats?by=sex").text
            let refit = try await client.send(.get, regression).text
            #expect(second != first && refit != fit)
            try await expectRecomputed(second, refit)
            let followed = try await client.send(.get, "/api/v1/metrics").text
            #expect(followed.contains(#"penguins_statistics_updates_total{dataset="penguins",read="saved"} 1"#), "\(followed)")
            #expect(followed.contains(#"penguins_regression_updates_total{dataset="penguins",read="saved"} 1"#))

            // Rows inserted by a writer that keeps no aggregates: added to the kept ones.
            let columns = try await warehouse.columns(featureIndices: Array(warehouse.schema.features.indices))
            try await warehouse.upsert((0..<30).map { index in
                DatasetRecord(
                    id: "direct-\(index)", targetClass: columns.targetClasses[index],
                    features: columns.features.map { $0[index].isNaN ? nil : $0[index] })
            })
            let third = try await client.send(.get, "/api/v1/stats?by=sex").text
            let thirdFit = try await client.send(.get, regression).text
            try await expectRecomputed(third, thirdFit)
            let inserted = try await client.send(.get, "/api/v1/metrics").text
            #expect(inserted.contains(#"penguins_statistics_updates_total{dataset="penguins",read="inserted"} 1"#), "\(inserted)")
            #expect(inserted.contains(#"penguins_regression_updates_total{dataset="penguins",read="inserted"} 1"#))
        }
        if case .postgres(let location) = try configuration.location(of: .lake) {
            let store = try PostgresStore(location: location)
            try await store.dropSchema()
            await store.shutdown()
        }
        await platform.shutdown()
    }
}

/// The regression `served` is the full recomputation's: every number to 1e-8 relative (two
/// solvers' rounding), and the plot's points the same records' (in another order: drawn from
/// a sample that holds them all, at this size).
func expectRecomputation(_ served: String, _ computed: RegressionReport, sourceLocation: SourceLocation = #_sourceLocation) throws {
    var report = try #require(try JSONSerialization.jsonObject(with: Data(served.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    var reference = try #require(try JSONSerialization.jsonObject(with: try Responses.encoded(computed)) as? [String: Any], sourceLocation: sourceLocation)
    let points = { (report: [String: Any]) in
        zip(report["actual"] as? [Double] ?? [], report["predicted"] as? [Double] ?? []).map { [$0, $1] }.sorted { $0.lexicographicallyPrecedes($1) }
    }
    let (plotted, expected) = (points(report), points(reference))
    for key in ["actual", "predicted"] { (report[key], reference[key]) = (nil, nil) }
    let disagreement = jsonDisagreement(
        try JSONSerialization.data(withJSONObject: report), try JSONSerialization.data(withJSONObject: reference), relative: 1e-8)
    #expect(disagreement == "", sourceLocation: sourceLocation)
    #expect(plotted.count == expected.count && !plotted.isEmpty, sourceLocation: sourceLocation)
    for (point, reference) in zip(plotted, expected) {
        #expect(point[0] == reference[0] && abs(point[1] - reference[1]) <= 1e-9 * abs(reference[1]), sourceLocation: sourceLocation)
    }
}

