import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage
import Testing
@testable import PenguinsDashboard

/// Checks shared by every page: a complete document with the navigation bar, the current page highlighted.
func expectPage(_ html: String, current: DashboardPage?, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(html.hasPrefix("<!doctype html>"), sourceLocation: sourceLocation)
    #expect(html.hasSuffix("</html>\n"), sourceLocation: sourceLocation)
    #expect(html.contains("<nav id=\"site-nav\""), sourceLocation: sourceLocation)
    for page in DashboardPage.allCases {
        #expect(html.contains("href=\"\(page.path)\""), "link to \(page.path)", sourceLocation: sourceLocation)
    }
    #expect(html.contains("href=\"/api/v1/openapi.yaml\""), sourceLocation: sourceLocation)
    #expect(occurrences(of: "aria-current=\"page\"", in: html) == (current == nil ? 0 : 1), sourceLocation: sourceLocation)
    if let current {
        #expect(html.contains("aria-current=\"page\" href=\"\(current.path)\""), sourceLocation: sourceLocation)
    }
    for tag in html.components(separatedBy: "<svg ").dropFirst().map({ rootTag("<svg " + $0) }) {
        #expect(tag.contains("role=\"img\"") && tag.contains("aria-label=\""), "\(tag)", sourceLocation: sourceLocation)
        #expect(tag.contains("data-chart=\"") || tag.contains("data-chart-empty=\""), "\(tag)", sourceLocation: sourceLocation)
    }
    #expect(!html.contains("<script"), sourceLocation: sourceLocation)
    #expect(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"), sourceLocation: sourceLocation)
    #expect(!html.contains("https://"), "nothing fetched from elsewhere", sourceLocation: sourceLocation)
}

@Suite struct EmptyStorePageTests {
    @Test func overviewSaysThereIsNoDataYet() async throws {
        let html = Pages.overview(summary: try await emptySummary(), cacheHits: 0, cacheMisses: 0)
        expectPage(html, current: .overview)
        #expect(html.contains("No data yet: run <code>penguins ingest</code>"))
        #expect(html.contains("<dd>-</dd>")) // no cache lookups yet, no accuracy
        #expect(html.contains("<dd>none</dd>"))
        #expect(chartCount(html) == 0)
    }

    @Test func statisticsSaysThereIsNoDataYet() {
        let none = DatasetColumns(schema: BundledSchemas.penguins, records: RecordColumns(features: BundledSchemas.penguins.features.map { _ in [] }))
        let html = Pages.statistics(report: nil, columns: none)
        expectPage(html, current: .statistics)
        #expect(html.contains("No data yet"))
        #expect(chartCount(html) == 0)
        let computed = Pages.statistics(report: try? StatisticsReport.compute(none), columns: none)
        #expect(computed.contains("No data yet"))
    }

    @Test func regressionShowsTheFormAndTheError() {
        let html = Pages.regression(request: RegressionRequest(defaultOf: BundledSchemas.penguins), report: nil,
                                    error: "only 0 complete training rows for 2 predictors; ingest more data or use fewer predictors")
        expectPage(html, current: .regression)
        #expect(html.contains("<form class=\"panel\" method=\"get\" action=\"/regression\">"))
        #expect(html.contains("class=\"alert\" role=\"alert\""))
        #expect(html.contains("only 0 complete training rows"))
        #expect(chartCount(html) == 0)
        let fresh = Pages.regression(request: RegressionRequest(defaultOf: BundledSchemas.penguins), report: nil, error: nil)
        #expect(!fresh.contains("role=\"alert\""))
    }

    @Test func classificationWithoutAModelSaysSo() {
        let html = Pages.classification(current: nil, versions: [])
        expectPage(html, current: .classification)
        #expect(html.contains("No model yet"))
        #expect(html.contains("No model version is registered yet"))
        #expect(chartCount(html) == 0)
    }

    @Test func driftWithoutAReportShowsTheMessageAndTheSimulation() {
        let message = "the prediction log of penguins is empty; log a production sample with `penguins predict FILE --log` first"
        let html = Pages.drift(report: nil, reference: nil, current: nil, message: message)
        expectPage(html, current: .drift)
        #expect(html.contains("the prediction log of penguins is empty; log a production sample with <code>penguins predict FILE --log</code> first"))
        #expect(html.contains("<form class=\"panel\" method=\"post\" action=\"/drift/simulate\">"))
        #expect(html.contains("name=\"rows\" min=\"1\" step=\"1\" value=\"1000\""))
        #expect(html.contains("name=\"delta\""))
        for feature in Feature.allCases { #expect(html.contains("<option value=\"\(feature.rawValue)\"")) }
        #expect(!html.contains("DRIFT DETECTED"))
        #expect(chartCount(html) == 0)
        #expect(Pages.drift(report: nil, reference: nil, current: nil, message: nil).contains("Nothing to compare yet"))
    }

    @Test func predictShowsTheEmptyForm() {
        let html = Pages.predict(input: PredictInput(), prediction: nil, error: nil)
        expectPage(html, current: .predict)
        #expect(html.contains("<form class=\"panel\" method=\"get\" action=\"/predict\">"))
        for feature in Feature.allCases { #expect(html.contains("name=\"\(feature.rawValue)\"")) }
        #expect(chartCount(html) == 0)
    }

    @Test func benchmarksShowsTheRunButton() {
        let html = Pages.benchmarks(results: nil, error: nil)
        expectPage(html, current: .benchmarks)
        #expect(html.contains("<form class=\"panel\" method=\"post\" action=\"/benchmarks\"><input type=\"hidden\" name=\"csrf_token\" value=\"\"><button type=\"submit\">"))
        #expect(html.contains("No results yet"))
        let failed = Pages.benchmarks(results: nil, error: "the warehouse is empty; run `penguins ingest` first")
        #expect(failed.contains("role=\"alert\""))
        #expect(chartCount(failed) == 0)
    }

    @Test func errorPageKeepsTheNavigationBar() {
        let html = Pages.error(status: 404, title: "Not found", detail: "no page at /nowhere")
        expectPage(html, current: nil)
        #expect(html.contains("data-page=\"error\""))
        #expect(html.contains("404 · Not found"))
        #expect(html.contains("no page at /nowhere"))
    }
}

@Suite struct DataPageTests {
    @Test func overviewShowsEveryStoreTheModelAndTheCache() async throws {
        let fixture = try await DashboardFixture.shared
        let html = Pages.overview(summary: fixture.summary, cacheHits: 30, cacheMisses: 10)
        expectPage(html, current: .overview)
        #expect(!html.contains("No data yet"))
        #expect(html.contains("<dt>Lake documents</dt><dd>344</dd>"))
        #expect(html.contains("<dt>Warehouse rows</dt><dd>344</dd>"))
        #expect(html.contains("<dt>Current model</dt><dd>version 2</dd>"))
        #expect(html.contains("<dt>Cache hit ratio</dt><dd>75.0 %</dd>"))
        for island in ["Biscoe", "Dream", "Torgersen"] { #expect(html.contains("<th scope=\"row\">\(island)</th>")) }
        #expect(chartCount(html) == 1)
        // The partitions and classes by the schema: islands and species, the model's features' means.
        #expect(html.contains("<h2>By island</h2>"))
        #expect(html.contains("Rows by island and species"))
        #expect(html.contains("Rows, species and feature means per island"))
        for header in ["Adelie", "Chinstrap", "Gentoo", "mean bill_length_mm", "mean body_mass_g"] { #expect(html.contains("<th scope=\"col\">\(header)</th>"), "\(header)") }
        let biscoe = try #require(fixture.summary.partitions.first { $0.partition == "Biscoe" })
        #expect(biscoe.countByClass == ["Adelie": 44, "Gentoo": 124])
        #expect(biscoe.count == 168 && biscoe.usableForTraining == 167)
    }

    @Test func statisticsShowsTheTableTheCountsAndBothScatterPlots() async throws {
        let fixture = try await DashboardFixture.shared
        let html = Pages.statistics(report: fixture.statistics, columns: fixture.columns)
        expectPage(html, current: .statistics)
        // Every numeric column of the penguins' schema, the isotope ratios among them.
        for name in DatasetColumns.numericNames(of: BundledSchemas.penguins) { #expect(html.contains("<th scope=\"row\">\(name)</th>")) }
        #expect(html.contains("<th scope=\"row\">delta_15_n</th>"))
        for header in ["count", "missing", "mean", "std", "min", "25 %", "median", "75 %", "max"] {
            #expect(html.contains("<th scope=\"col\">\(header)</th>"))
        }
        // By island and sex, and by every other categorical column: the species.
        #expect(occurrences(of: "data-chart=\"bar\"", in: html) == 3)
        #expect(html.contains("Penguins by species"))
        // The two seed plots and the reader's own (bill length against flipper length by island until chosen).
        #expect(occurrences(of: "data-chart=\"scatter\"", in: html) == 3)
        #expect(chartCount(html) == 6)
        #expect(html.contains("bill_length_mm vs flipper_length_mm, by island"))
        #expect(html.contains("Bill length vs bill depth, by species"))
        #expect(html.contains("Flipper length vs body mass, by sex"))
        // 342 penguins have both bill measurements: one mark each (plus three legend swatches).
        let bills = html.components(separatedBy: "data-chart=\"scatter\"")[1]
        #expect(occurrences(of: "<circle", in: bills.components(separatedBy: "</svg>")[0]) == 342 + 3)
    }

    @Test func statisticsOfAMillionRowsStaysSmall() async throws {
        let fixture = try await DashboardFixture.shared
        let schema = BundledSchemas.penguins
        var records = RecordColumns(features: schema.features.map { _ in [] })
        var penguins: [Penguin] = []
        for index in 0..<200_000 {
            penguins.append(Penguin(id: "P\(index)", species: Species.allCases[index % 3], island: .biscoe,
                                    measurements: Measurements(billLength: 40 + Double(index % 17), billDepth: 15 + Double(index % 7),
                                                               flipperLength: 190 + Double(index % 29), bodyMass: 4000 + Double(index % 1000)),
                                    sex: index % 2 == 0 ? .female : .male, year: 2008))
        }
        for penguin in penguins { records.append(PenguinRecords.bundled.record(penguin), featureIndices: Array(schema.features.indices)) }
        let html = Pages.statistics(report: fixture.statistics, columns: DatasetColumns(schema: schema, records: records))
        #expect(chartCount(html) == 6)
        #expect(html.contains("2,000 of 200,000 points shown"))
        #expect(html.utf8.count < 1_500_000)
    }

    @Test func regressionShowsTheCoefficientsTheFitAndThePlots() async throws {
        let fixture = try await DashboardFixture.shared
        let request = RegressionRequest(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"], testFraction: "0.2", seed: "42")
        let html = Pages.regression(request: request, report: fixture.regression, error: nil)
        expectPage(html, current: .regression)
        #expect(html.contains("<option value=\"body_mass_g\" selected>"))
        #expect(html.contains("name=\"predictors\" value=\"flipper_length_mm\" checked"))
        #expect(html.contains("name=\"predictors\" value=\"sex\" checked"))
        #expect(html.contains("name=\"predictors\" value=\"island\">"))
        #expect(html.contains("name=\"test_fraction\"") && html.contains("name=\"seed\""))
        for term in fixture.regression.model.terms { #expect(html.contains("<th scope=\"row\">\(term.name)</th>")) }
        for header in ["estimate", "std. error", "t", "p-value", "95 % interval"] { #expect(html.contains(">\(header)</th>")) }
        #expect(html.contains("<dt>R²</dt><dd>\(Format.fixed(fixture.regression.model.rSquared, 4))</dd>"))
        #expect(html.contains("adjusted R²"))
        #expect(html.contains(Format.fixed(fixture.regression.testRMSE, 3)))
        #expect(occurrences(of: "data-chart=\"predicted-actual\"", in: html) == 1)
        #expect(occurrences(of: "data-chart=\"residuals\"", in: html) == 1)
        #expect(chartCount(html) == 2)
    }

    @Test func classificationShowsTheModelTheHeatMapAndPromoteButtons() async throws {
        let fixture = try await DashboardFixture.shared
        let html = Pages.classification(current: fixture.model, versions: fixture.versions)
        expectPage(html, current: .classification)
        #expect(html.contains("Current model: version 2"))
        #expect(html.contains("<th scope=\"row\">numTrees</th><td>10</td>"))
        #expect(html.contains("<th scope=\"row\">maxDepth</th><td>4</td>"))
        #expect(html.contains("<th scope=\"row\">maxBins</th><td>32</td>"))
        #expect(html.contains("<th scope=\"row\">seed</th><td>42</td>"))
        #expect(html.contains("<dt>accuracy</dt>"))
        #expect(html.contains("<dt>macro F1</dt>"))
        for species in Species.allCases { #expect(html.contains("<th scope=\"row\">\(species.rawValue)</th>")) }
        #expect(occurrences(of: "data-chart=\"heatmap\"", in: html) == 1)
        #expect(occurrences(of: "data-chart=\"bar\"", in: html) == 1)
        #expect(chartCount(html) == 2)
        // Version 1 can be promoted; version 2 is current.
        #expect(occurrences(of: "action=\"/classification/promote\"", in: html) == 1)
        #expect(html.contains("<input type=\"hidden\" name=\"version\" value=\"1\">"))
        #expect(html.contains("<form class=\"inline\" method=\"post\" action=\"/classification/promote\">"))
        #expect(html.contains(">current</span>"))
    }

    @Test func driftShowsATimelineOfEachColumnAboveTheDistributions() async throws {
        let fixture = try await DashboardFixture.shared
        let schema = BundledSchemas.penguins
        let mass = schema.features.firstIndex { $0.name == "body_mass_g" }!
        // Two days of the reference's own body masses, the second 900 g heavier, with the
        // reference's species.
        let masses = try #require(fixture.reference.values["body_mass_g"])
        let species = try #require(fixture.reference.categories["species"]).flatMap { level, count in
            Array(repeating: schema.target.classes.firstIndex(of: level)!, count: count)
        }.sorted()
        let days = masses.count
        let entries = (0..<2 * days).map { i in
            var features = [Double?](repeating: nil, count: schema.features.count)
            features[mass] = masses[i % days] + (i >= days ? 900 : 0)
            return RecordLogEntry(features: features, prediction: RecordPrediction(
                predictedClass: species[i % species.count], probabilities: [0.5, 0.3, 0.2], modelVersion: 1,
                predictedAt: Date(timeIntervalSince1970: 1_793_577_600 + Double(i / days) * 86_400 + Double(i % days) * 10)))
        }
        let history = try DriftHistoryAnalysis(window: .day).run(reference: fixture.reference, entries: entries, schema: schema)
        let html = Pages.drift(report: fixture.drift, reference: fixture.reference, current: fixture.current, message: nil, history: history)
        #expect(html.contains("<h2>Over time</h2>"))
        #expect(html.contains("2 windows, 1 drifted"))
        #expect(html.contains("aria-label=\"body_mass_g over time\""))
        #expect(html.contains("<strong>day</strong>") && html.contains("<a href=\"/drift?window=hour\">hour</a>"))
        #expect(html.range(of: "<h2>Over time</h2>")!.lowerBound < html.range(of: "<h2>Measurements</h2>")!.lowerBound)
        #expect(!Pages.drift(report: fixture.drift, reference: fixture.reference, current: fixture.current, message: nil).contains("Over time"))
    }

    @Test func aReaderSeesNoButtonThatChangesThings() async throws {
        let fixture = try await DashboardFixture.shared
        let reader = Navigation(datasets: [], viewer: Viewer(csrfToken: "t0k3n", name: "grafana", role: .reader, mayAdminister: false))
        let admin = Navigation(datasets: [], viewer: Viewer(csrfToken: "t0k3n", name: "ops", role: .admin, mayAdminister: true))
        for (navigation, mayAdminister) in [(reader, false), (admin, true)] {
            Navigation.$current.withValue(navigation) {
                let classification = Pages.classification(current: fixture.model, versions: fixture.versions)
                #expect(classification.contains(">Promote</button>") == mayAdminister)
                #expect(classification.contains("promoting needs an admin key") == !mayAdminister)
                let drift = Pages.drift(report: fixture.drift, reference: fixture.reference, current: fixture.current, message: nil)
                #expect(drift.contains("action=\"/drift/simulate\"") == mayAdminister)
                #expect(Pages.benchmarks(results: nil, error: nil).contains(">Run the benchmark</button>") == mayAdminister)
                // Whoever is signed in, the navigation says so and offers to sign out, with the form token.
                #expect(classification.contains("<span>\(navigation.viewer.name!) (\(navigation.viewer.role!.rawValue))</span>"))
                #expect(classification.contains("action=\"/logout\"><input type=\"hidden\" name=\"csrf_token\" value=\"t0k3n\">"))
            }
        }
    }

    @Test func driftShowsEachFeatureWithItsTestsAndTheBadge() async throws {
        let fixture = try await DashboardFixture.shared
        let html = Pages.drift(report: fixture.drift, reference: fixture.reference, current: fixture.current, message: nil)
        expectPage(html, current: .drift)
        let billLength = try #require(fixture.drift.features.first { $0.feature == "bill_length_mm" })
        #expect(billLength.drift)
        #expect(html.contains("<span class=\"badge badge-bad\">DRIFT DETECTED</span>"))
        #expect(html.contains("<span class=\"badge badge-good\">no drift</span>")) // the unshifted features
        #expect(html.contains(Format.fixed(billLength.ks.statistic, 4)))
        #expect(html.contains(Format.fixed(billLength.psi.value, 4)))
        #expect(html.contains("significant shift"))
        #expect(occurrences(of: "data-chart=\"histogram\"", in: html) == 4)
        #expect(occurrences(of: "data-chart=\"ecdf\"", in: html) == 4)
        #expect(chartCount(html) == 8)
        #expect(html.contains("<th scope=\"row\">species</th>")) // the chi-squared row
        #expect(html.contains("action=\"/drift/simulate\""))
    }

    @Test func driftWithoutProductionShowsTheTrainingDistributions() async throws {
        let fixture = try await DashboardFixture.shared
        let html = Pages.drift(report: nil, reference: fixture.reference, current: nil, message: "the prediction log is empty")
        #expect(html.contains("the prediction log is empty"))
        #expect(occurrences(of: "data-chart=\"histogram\"", in: html) == 4)
        #expect(!html.contains("DRIFT DETECTED"))
    }

    @Test func predictShowsTheSpeciesAndItsProbabilities() async throws {
        let fixture = try await DashboardFixture.shared
        let input = PredictInput(values: ["bill_length_mm": "45", "bill_depth_mm": "17", "flipper_length_mm": "200", "body_mass_g": "4200"])
        let html = Pages.predict(input: input, prediction: fixture.prediction, error: nil)
        expectPage(html, current: .predict)
        #expect(html.contains("name=\"bill_length_mm\" step=\"any\" required value=\"45\""))
        #expect(html.contains("name=\"body_mass_g\" step=\"any\" required value=\"4200\""))
        #expect(html.contains("Species: <strong>\(fixture.prediction.species.rawValue)</strong>"))
        #expect(html.contains(Format.percent(fixture.prediction.confidence)))
        #expect(occurrences(of: "data-chart=\"bar\"", in: html) == 1)
        let failed = Pages.predict(input: PredictInput(values: ["bill_length_mm": "abc"]), prediction: nil, error: "bill_length_mm must be a number")
        #expect(failed.contains("role=\"alert\""))
        #expect(failed.contains("value=\"abc\""))
    }

    @Test func benchmarksShowsTheTableAndTheLatencyChart() {
        let results = [
            StoreLatency(store: "cache", backend: "MemoryPredictionCache", durations: Array(repeating: 0.000002, count: 1_000)),
            StoreLatency(store: "lake", backend: "SQLiteRecordLake", durations: Array(repeating: 0.00004, count: 1_000)),
            StoreLatency(store: "warehouse", backend: "SQLiteWarehouse", durations: Array(repeating: 0.00003, count: 1_000)),
        ]
        let html = Pages.benchmarks(results: results, error: nil)
        expectPage(html, current: .benchmarks)
        for header in ["store", "backend", "reads", "mean (ms)", "p50 (ms)", "p99 (ms)", "reads/s"] { #expect(html.contains(">\(header)</th>")) }
        #expect(html.contains("<th scope=\"row\">lake</th><td>SQLiteRecordLake</td><td class=\"num\">1,000</td><td class=\"num\">0.0400</td>"))
        #expect(html.contains("<td class=\"num\">25,000</td>"))
        #expect(occurrences(of: "data-chart=\"bar\"", in: html) == 1)
    }

    @Test func pagesAreDeterministic() async throws {
        let fixture = try await DashboardFixture.shared
        #expect(Pages.statistics(report: fixture.statistics, columns: fixture.columns) == Pages.statistics(report: fixture.statistics, columns: fixture.columns))
        #expect(Pages.drift(report: fixture.drift, reference: fixture.reference, current: fixture.current, message: nil)
            == Pages.drift(report: fixture.drift, reference: fixture.reference, current: fixture.current, message: nil))
    }
}
