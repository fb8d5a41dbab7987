import Foundation
import Hummingbird
import PenguinsCore
import PenguinsDashboard
import PenguinsPipeline
import PenguinsStorage

extension Endpoints {
    /// The most rows one drift simulation may generate.
    static let maximumSimulatedRows = 100_000

    /// The dashboard's pages: HTML rendered by ``Pages`` from data gathered here.
    func registerDashboard(on table: inout RouteTable) {
        table.add(.get, "/", .page.limitedWhenComputing, .overviewPage) { _, _ in try await self.overviewPage() }
        table.add(.get, Layout.styleSheetPath, .api.openToAll, .styleSheet) { _, _ in Responses.styleSheet() }
        table.add(.get, "/statistics", .page.limitedWhenComputing, .statisticsPage) { request, _ in try await self.statisticsPage(FormValues(request.uri.query)) }
        table.add(.get, "/regression", .page.limitedWhenComputing, .regressionPage) { request, _ in try await self.regressionPage(FormValues(request.uri.query)) }
        table.add(.get, "/classification", .page, .classificationPage) { _, _ in try await self.classificationPage() }
        table.add(.post, "/classification/promote", .page.adminOnly, .promoteFromDashboard) { request, context in
            let form = try await Self.formBody(request)
            guard let text = form["version"], let version = Int(text), version > 0 else {
                throw Problem.invalidParameter("version", "must be a positive integer, not \"\(form["version"] ?? "")\"")
            }
            _ = try await self.promote(version: version, try PromotionRequest.from(form, caller: context.identity))
            return Responses.redirect(to: "/classification")
        }
        table.add(.get, "/drift", .page.limited, .driftPage) { request, _ in try await self.driftPage(FormValues(request.uri.query)) }
        table.add(.post, "/drift/simulate", .page.limited.adminOnly, .simulateDrift) { request, _ in
            try await self.simulateDrift(try await Self.formBody(request))
            return Responses.redirect(to: "/drift?current=simulation")
        }
        table.add(.get, "/predict", .page, .predictPage) { request, _ in self.predictPage(FormValues(request.uri.query)) }
        table.add(.get, "/datasets", .page.limited, .datasetsPage) { request, _ in try await self.datasetsPage(FormValues(request.uri.query)) }
        table.add(.get, "/datasets/{dataset}", .page.limitedWhenComputing, .datasetPage) { request, context in
            try await self.datasetPage(Self.parameter(context, "dataset"), FormValues(request.uri.query))
        }
        table.add(.post, "/datasets/{dataset}/promote", .page.adminOnly, .datasetPromoteForm) { request, context in
            let dataset = Self.parameter(context, "dataset")
            let form = try await Self.formBody(request)
            guard let text = form["version"], let version = Int(text), version > 0 else {
                throw Problem.invalidParameter("version", "must be a positive integer, not \"\(form["version"] ?? "")\"")
            }
            let promotion = try PromotionRequest.from(form, caller: context.identity)
            if Platform.isDefaultDataset(dataset) {
                _ = try await self.promote(version: version, promotion)
                return Responses.redirect(to: "/classification")
            }
            _ = try await self.promote(version: version, dataset: dataset, promotion)
            return Responses.redirect(to: "/datasets/\(dataset)/classification")
        }
        table.add(.get, "/datasets/{dataset}/classification", .page, .datasetClassificationPage) { _, context in
            let dataset = Self.parameter(context, "dataset")
            if Platform.isDefaultDataset(dataset) { return Responses.redirect(to: "/classification") }
            return try await self.datasetClassificationPage(dataset)
        }
        table.add(.get, "/datasets/{dataset}/drift", .page.limited, .datasetDriftPage) { request, context in
            let dataset = Self.parameter(context, "dataset")
            if Platform.isDefaultDataset(dataset) { return Responses.redirect(to: "/drift") }
            return try await self.datasetDriftPage(dataset, FormValues(request.uri.query))
        }
        table.add(.get, "/datasets/{dataset}/regression", .page.limitedWhenComputing, .datasetRegressionPage) { request, context in
            let dataset = Self.parameter(context, "dataset")
            if Platform.isDefaultDataset(dataset) { return Responses.redirect(to: "/regression" + (request.uri.query.map { "?" + $0 } ?? "")) }
            return try await self.datasetRegressionPage(dataset, FormValues(request.uri.query))
        }
        table.add(.get, "/benchmarks", .page, .benchmarksPage) { _, _ in Responses.html(Pages.benchmarks(results: nil, error: nil)) }
        table.add(.post, "/benchmarks", .page.limited.adminOnly, .runBenchmarks) { _, _ in await self.benchmarksPage() }
    }

    /// The counts that scan the lake and the warehouse are kept per version of the data (and
    /// saved in the store, ``savedAnalysis(_:of:compute:)``), and made from the kept statistics
    /// (``KeptStatistics``) when there are some.
    func overviewPage() async throws -> Response {
        let stored: @Sendable () async throws -> PlatformSummary.StoredCounts = { [self] in
            let warehouse = platform.warehouse.recordWarehouse
            return try await savedAnalysis("stored-counts", of: warehouse) { [self] in
                switch try await statisticsSource(of: warehouse) {
                case .aggregate(let statistics): return try await PlatformSummary.StoredCounts.collect(platform, statistics: statistics)
                case .records: return try await PlatformSummary.StoredCounts.collect(platform)
                }
            }
        }
        let summary = try await store("platform stores") { [platform] in try await PlatformSummary.collect(platform, stored: stored) }
        let counts = metrics.cacheCounts
        return Responses.html(Pages.overview(summary: summary, cacheHits: counts.hits, cacheMisses: counts.misses, jobs: jobs.all))
    }

    /// Its content (tables and charts, the same for every reader) is kept per version of the data.
    func statisticsPage(_ query: FormValues) async throws -> Response {
        let warehouse = platform.warehouse.recordWarehouse
        let (x, y, colour) = (query["x"], query["y"], query["colour"])
        let name = "statistics-page?x=\(x ?? "")&y=\(y ?? "")&colour=\(colour ?? "")"
        let content = try await analysis(name, of: warehouse) { [self] in
            let statistics = try await statisticsWithSample(of: warehouse)
            return Pages.statisticsContent(report: statistics.report, columns: statistics.columns, x: x, y: y, colour: colour, schema: warehouse.schema)
        }
        return Responses.html(Pages.statistics(content: content))
    }

    /// The regression lab: with no query, the form's defaults are fitted, so the page opens with a result.
    func regressionPage(_ query: FormValues) async throws -> Response {
        let schema = platform.warehouse.recordWarehouse.schema
        return try await regressionLab(
            query, defaults: RegressionRequest(defaultOf: schema), numeric: DatasetColumns.numericNames(of: schema),
            categorical: DatasetColumns.categoricalNames(of: schema),
            emptyMessage: "no data yet: run penguins ingest", page: { Pages.regression(request: $0, report: $1, error: $2) },
            warehouse: platform.warehouse.recordWarehouse
        )
    }

    /// The regression lab over `warehouse`'s records: the request from the query (else `defaults`), its
    /// parameter errors as a 422 page, an empty table as a note, the fit or the error of the fit.
    private func regressionLab(
        _ query: FormValues, defaults: RegressionRequest, numeric: [String], categorical: [String], emptyMessage: String,
        page: (RegressionRequest, RegressionReport?, String?) -> String, warehouse: any RecordWarehouse
    ) async throws -> Response {
        var request = defaults
        if !query.isEmpty {
            request = RegressionRequest(
                target: query["target"] ?? "", predictors: query.all("predictors"),
                testFraction: query["test_fraction"] ?? request.testFraction, seed: query["seed"] ?? request.seed
            )
        }
        let analysis: RegressionAnalysis
        do {
            analysis = try Self.regressionAnalysis(
                target: request.target, predictors: request.predictors, testFraction: request.testFraction, seed: request.seed,
                numeric: numeric, categorical: categorical
            )
        } catch let problem as Problem {
            return Responses.html(page(request, nil, problem.detail), status: .unprocessableContent)
        }
        do {
            // Nil when there are no rows yet.
            let report = try await regressionReport(analysis, of: warehouse)
            return Responses.html(page(request, report, report == nil ? emptyMessage : nil))
        } catch {
            let problem = Problem.from(error)
            return Responses.html(page(request, nil, problem.detail), status: problem.status)
        }
    }

    func classificationPage() async throws -> Response {
        let versions = try await store(.registry) { [platform] in try await platform.registry.versions() }
        let shadow = await shadowComparison(of: model.current?.model)
        var production: ProductionReport?
        if let version = model.current?.version { production = try? await self.production(of: penguinLog.schema, version: version) }
        let audit = (try? await store(.registry) { [platform] in try await platform.registry.audit(limit: Self.auditLimit) }) ?? []
        return Responses.html(Pages.classification(
            current: model.current?.model, versions: versions, shadow: shadow, production: production, audit: audit))
    }

    /// The training sample against production (the prediction log), or against the simulated
    /// stream with `?current=simulation`.
    func driftPage(_ query: FormValues) async throws -> Response {
        let schema = platform.warehouse.recordWarehouse.schema
        let shiftable = DatasetColumns.numericNames(of: schema)
        let simulatedRows = await simulations.count(dataset: schema.name)
        var history: DriftHistoryReport?
        func page(_ report: DriftReport?, _ reference: DriftSample?, _ current: DriftSample?, _ message: String?) -> Response {
            Responses.html(Pages.drift(
                report: report, reference: reference, current: current, message: message, shiftable: shiftable, simulatedRows: simulatedRows,
                history: history))
        }
        let source: DriftSource = switch query["current"] {
        case nil, "production": .production
        case "simulation": .simulation
        case let other?: throw Problem.invalidParameter("current", "must be production or simulation, not \"\(other)\"")
        }
        guard model.current != nil else { return page(nil, nil, nil, "no model yet: run penguins ingest and penguins train") }
        let reference = try await store(.registry) { [platform] in try await DriftSample.load(.training, platform: platform) }
        let current: DriftSample
        if source == .production {
            // One read of the log serves both the timeline and today's distributions (its newest predictions).
            _ = try? await logWriter.flush()
            let log = try await store(.predictionLog) { [platform] in
                try await platform.predictionLog.columns(limit: DriftHistoryAnalysis.defaultLogWindow)
            }
            guard log.count > 0 else {
                return page(nil, reference, nil, "the prediction log is empty: no real prediction has been logged yet (predictions through the API and `penguins predict FILE --log` are)")
            }
            current = DriftSample(log: log, positions: max(0, log.count - DriftSample.productionWindow)..<log.count, schema: schema)
            let window = (try? DriftWindow(argument: query["window"] ?? "day")) ?? .day
            history = try? DriftHistoryAnalysis(window: window, minimumRows: minimumDriftRows).run(reference: reference, log: log, schema: schema)
        } else {
            do {
                current = try await simulations.sample(dataset: schema)
            } catch PipelineError.notEnoughRows(let reason) {
                return page(nil, reference, nil, reason)
            }
        }
        do {
            let report = try DriftAnalysis(dataset: schema, minimumRows: minimumDriftRows)
                .compare(reference: reference, current: current, referenceName: "training", currentName: source.description)
            return page(report, reference, current, nil)
        } catch let error as PipelineError {
            return page(nil, reference, current, error.description)
        }
    }

    /// Generates `rows` synthetic penguins fitted per species on the stored ones, with numeric
    /// `feature` shifted by `delta`, predicts them with the live model and appends them to the
    /// prediction log: a production stream with drift. Every feature of the schema is generated,
    /// so a model of the island, the sex or the isotope ratios predicts them as well.
    func simulateDrift(_ form: FormValues) async throws {
        let warehouse = platform.warehouse.recordWarehouse
        let schema = warehouse.schema
        let shiftable = DatasetColumns.numericNames(of: schema)
        guard let feature = form["feature"], shiftable.contains(feature) else {
            throw Problem.invalidParameter("feature", "must be one of \(shiftable.joined(separator: ", ")), not \"\(form["feature"] ?? "")\"")
        }
        let delta = try form.double("delta") ?? 0
        let rows = try form.int("rows") ?? 1_000
        guard (1...Self.maximumSimulatedRows).contains(rows) else {
            throw Problem.invalidParameter("rows", "must be between 1 and \(Self.maximumSimulatedRows), got \(rows)")
        }
        guard let loaded = model.current else { throw Problem.noModel }
        let columns = try await store(.warehouse) { try await warehouse.columns(featureIndices: Array(schema.features.indices)) }
        let generator: DatasetGenerator
        do {
            generator = try DatasetGenerator(schema: schema, classes: columns.targetClasses, features: columns.features)
        } catch {
            throw Problem(status: .conflict, type: "not-enough-data", title: "Not enough data", detail: error.description)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("penguins-simulated-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw Problem(status: .internalServerError, type: "internal", title: "Internal error", detail: "cannot write the simulated rows to \(file.path)")
        }
        let handle = try FileHandle(forWritingTo: file)
        try generator.write(rows: rows, seed: UInt64.random(in: 0...UInt64(UInt32.max)), shift: [feature: delta], to: handle)
        try handle.close()
        let simulations = self.simulations
        try await loaded.model.bound.predict(file: file) { _, entries in
            await simulations.append(entries, dataset: schema.name)
        }
    }

    /// The predict form of the live model's features (the four measurements without a model),
    /// and its answer.
    func predictPage(_ query: FormValues) -> Response {
        let loaded = model.current
        let schema = model.reader.schema
        let fields = loaded.map { $0.model.featureIndices.map { schema.features[$0] } } ?? PredictInput.measurementFields
        var values: [String: String] = [:]
        for feature in schema.features { if let value = query[feature.name] { values[feature.name] = value } }
        let input = PredictInput(fields: fields, values: values)
        guard !values.isEmpty else { return Responses.html(Pages.predict(input: input, prediction: nil, error: nil)) }
        switch model.reader.parse(form: values, required: loaded?.required ?? model.reader.defaultRequired) {
        case .failure(let errors):
            return Responses.html(Pages.predict(input: input, prediction: nil, error: errors.description), status: .unprocessableContent)
        case .success(let penguin):
            guard let loaded, let prediction = loaded.model.predict(row: penguin.features) else {
                return Responses.html(Pages.predict(input: input, prediction: nil, error: Problem.noModel.detail), status: .serviceUnavailable)
            }
            record([prediction], features: [penguin.features], model: loaded.model)
            return Responses.html(Pages.predict(input: input, prediction: prediction, error: nil))
        }
    }

    func benchmarksPage() async -> Response {
        do {
            let results = try await StoreBenchmark(platform: platform).run()
            return Responses.html(Pages.benchmarks(results: results, error: nil))
        } catch {
            let problem = Problem.from(error)
            let message = error is PipelineError ? "no data yet: run penguins ingest" : problem.detail
            return Responses.html(Pages.benchmarks(results: nil, error: message), status: problem.status)
        }
    }

    /// Every dataset, with its stored rows.
    /// Every dataset; `?open=NAME&page=PAGE` (the navigation bar's switcher) opens that page of
    /// dataset NAME instead.
    func datasetsPage(_ query: FormValues) async throws -> Response {
        if let name = query["open"] {
            _ = try await session(name)
            let page = query["page"].flatMap(DashboardPage.init(rawValue:)) ?? .overview
            return Responses.redirect(to: (page == .datasets || page == .benchmarks ? DashboardPage.overview : page).path(dataset: name))
        }
        var datasets = try await store(.registry) { [platform] in try await Datasets(catalog: platform.datasets).list() }
        for index in datasets.indices {
            let dataset = datasets[index]
            let warehouse: any RecordWarehouse = Platform.isDefaultDataset(dataset.name)
                ? platform.warehouse.recordWarehouse : try await store("dataset stores") { [platform] in try await platform.tables(for: dataset.schema).warehouse }
            datasets[index].stored = try await storedData(of: dataset, warehouse: warehouse)
        }
        return Responses.html(Pages.datasets(datasets))
    }

    /// What is stored of `dataset`: the counts that scan its lake and warehouse kept per version
    /// of the data (and saved in the store, ``savedAnalysis(_:of:compute:)``), the quarantine
    /// (which an ingestion may write alone) counted each time.
    func storedData(of dataset: DatasetDescription, warehouse: any RecordWarehouse) async throws -> StoredData {
        var stored = try await savedAnalysis("stored-data", of: warehouse) { [self] in
            try await store("dataset stores") { [platform] in try await platform.describeStoredData(of: dataset) }
        }
        stored.quarantined = try await store(.quarantine) { [platform] in try await platform.quarantinedRows(of: dataset) }
        return stored
    }

    /// The regression lab of a dataset other than the penguins (theirs is `/regression`). With
    /// no query it fits the schema's default regression, so the page opens with a result.
    func datasetRegressionPage(_ name: String, _ query: FormValues) async throws -> Response {
        let session = try await session(name)
        let schema = session.schema
        let numeric = DatasetColumns.numericNames(of: schema)
        let categorical = DatasetColumns.categoricalNames(of: schema)
        return try await regressionLab(
            query, defaults: RegressionRequest(defaultOf: schema),
            numeric: numeric, categorical: categorical, emptyMessage: "no data yet: run penguins ingest FILE\(Platform.datasetOption(schema.name))",
            page: { Pages.regression(dataset: schema.name, numeric: numeric, categorical: categorical, request: $0, report: $1, error: $2) },
            warehouse: session.stores.warehouse
        )
    }

    /// The classification page of a dataset other than the penguins (theirs is `/classification`).
    func datasetClassificationPage(_ name: String) async throws -> Response {
        let session = try await session(name)
        let versions = try await store(.registry) { try await session.stores.registry.versions() }
        var production: ProductionReport?
        if let version = session.model?.version { production = try? await self.production(of: session.schema, version: version) }
        return Responses.html(Pages.datasetClassification(
            dataset: session.schema, model: session.model.map { ($0.version, $0.artifact) }, versions: versions,
            shadow: await shadowComparison(of: session), production: production,
            audit: (try? await store(.registry) { try await session.stores.registry.audit(limit: Self.auditLimit) }) ?? []))
    }

    /// The drift page of a dataset other than the penguins (theirs is `/drift`): the training
    /// sample against `?current=production` (the default once a prediction is logged) or
    /// `warehouse` (the default before).
    func datasetDriftPage(_ name: String, _ query: FormValues) async throws -> Response {
        let session = try await session(name)
        _ = try? await logWriter.flush()
        let logged = try await store(.predictionLog) { try await session.stores.predictionLog.count() }
        let source = query["current"] == nil ? (logged > 0 ? DriftSource.production : .warehouse) : try Self.driftCurrent(query)
        func page(_ drift: (report: DriftReport, reference: DriftSample, current: DriftSample)?, _ message: String?) -> Response {
            Responses.html(Pages.datasetDrift(dataset: session.schema, current: source.description, logged: logged, drift: drift, message: message))
        }
        guard let model = session.model else { return page(nil, "No model yet: run penguins train --dataset \(name).") }
        do {
            let sample = try await driftSample(source, of: session)
            let analysis = DriftAnalysis(dataset: session.schema, minimumRows: minimumDriftRows)
            return page(try Self.drift(analysis, model: model.artifact, current: sample, named: source.description), nil)
        } catch let error as PipelineError {
            return page(nil, error.description)
        }
    }

    /// One dataset's page; the penguins' is the overview. The query chooses the scatter plot's
    /// `x`, `y` and `colour`, and `f_<feature>` fields submit the predict form.
    func datasetPage(_ name: String, _ query: FormValues) async throws -> Response {
        if Platform.isDefaultDataset(name) { return Responses.redirect(to: "/") }
        let session = try await session(name)
        var dataset = try await store(.registry) { [platform] in try await Datasets(catalog: platform.datasets).dataset(named: name) }
        dataset.stored = try await storedData(of: dataset, warehouse: session.stores.warehouse)
        // The statistics as counts that an ingestion adds to (``KeptStatistics``).
        let statistics = try await analysis("statistics-with-sample", of: session.stores.warehouse) { [self] in
            try await statisticsWithSample(of: session.stores.warehouse)
        }
        var view = DatasetView(
            dataset: dataset, columns: statistics.columns, statistics: statistics.report,
            model: session.model.map { ($0.version, $0.artifact) }, x: query["x"], y: query["y"], colour: query["colour"])
        var form: [String: String] = [:]
        for pair in query.pairs where pair.name.hasPrefix("f_") { form[String(pair.name.dropFirst(2))] = pair.value }
        view.form = form
        var status: HTTPResponse.Status = .ok
        if !form.isEmpty, let model = session.model {
            let schema = session.schema
            var features = [Double?](repeating: nil, count: schema.features.count)
            var problems: [String] = []
            for index in model.featureIndices {
                let feature = schema.features[index]
                let text = form[feature.name]?.trimmingCharacters(in: .whitespaces) ?? ""
                guard !text.isEmpty else { problems.append("\(feature.name) is required"); continue }
                do { features[index] = try session.validator.value(.text(text), feature: index) } catch { problems.append("\(feature.name) \(error.detail)") }
            }
            if problems.isEmpty, let probabilities = model.probabilities([features])[0] {
                let prediction = model.prediction(from: probabilities, at: Date())
                record([RecordLogEntry(features: features, prediction: prediction, predictionID: PredictionIDs.shared.next())], of: session)
                view.prediction = (schema.target.classes[prediction.predictedClass], Array(zip(schema.target.classes, probabilities)))
            } else {
                view.formError = problems.joined(separator: "; ")
                status = .unprocessableContent
            }
        }
        return Responses.html(Pages.dataset(view), status: status)
    }
}
