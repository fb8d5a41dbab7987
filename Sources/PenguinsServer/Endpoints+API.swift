import Foundation
import Hummingbird
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStatistics
import PenguinsStorage

extension Endpoints {
    /// The JSON API under `/api/v1`.
    func registerAPI(on table: inout RouteTable) {
        let v1 = "/api/v1"
        table.add(.get, v1 + "/predictions/{penguin_id}", .api, .getPrediction) { _, context in
            try await self.lookup(id: Self.parameter(context, "penguin_id"))
        }
        table.add(.post, v1 + "/predict", .api, .predict) { request, _ in try await self.predict(request) }
        table.add(.post, v1 + "/predict/batch", .api.heavy, .predictBatch) { request, _ in try await self.predictBatch(request) }
        table.add(.get, v1 + "/penguins/{penguin_id}", .api, .getPenguin) { _, context in
            try await self.penguin(id: Self.parameter(context, "penguin_id"))
        }
        table.add(.get, v1 + "/penguins", .api, .listPenguins) { request, _ in try await self.penguins(FormValues(request.uri.query)) }
        table.add(.get, v1 + "/stats", .api.limitedWhenComputing, .getStatistics) { request, _ in try await self.statistics(FormValues(request.uri.query)) }
        table.add(.get, v1 + "/regression", .api.limitedWhenComputing, .getRegression) { request, _ in try await self.regression(FormValues(request.uri.query)) }
        table.add(.get, v1 + "/drift", .api.limited, .getDrift) { request, _ in try await self.drift(FormValues(request.uri.query)) }
        table.add(.get, v1 + "/drift/history", .api.limited, .getDriftHistory) { request, _ in
            try await self.driftHistory(FormValues(request.uri.query), dataset: nil)
        }
        table.add(.post, v1 + "/feedback", .api, .recordFeedback) { request, _ in
            try await self.recordFeedback(request, dataset: BundledSchemas.defaultName)
        }
        table.add(.get, v1 + "/model", .api, .getModel) { _, _ in try await self.currentModelWithShadow() }
        table.add(.get, v1 + "/models", .api.heavy, .listModels) { _, _ in try await self.modelVersions() }
        table.add(.post, v1 + "/models/{version}/promote", .api.adminOnly, .promoteModel) { request, context in
            try await self.promoteVersion(
                Self.parameter(context, "version"), try PromotionRequest.from(FormValues(request.uri.query), caller: context.identity))
        }
        table.add(.get, v1 + "/jobs", .api, .listJobs) { _, _ in try Responses.json(encoding: JobList(jobs: self.jobs.all)) }
        table.add(.get, v1 + "/alerts", .api, .listAlerts) { _, _ in try Responses.json(encoding: AlertList(alerts: self.alerts.all)) }
        table.add(.get, v1 + "/datasets", .api, .listDatasets) { _, _ in try await self.datasets() }
        table.add(.get, v1 + "/datasets/{dataset}", .api, .getDataset) { _, context in
            try await self.dataset(named: Self.parameter(context, "dataset"))
        }
        table.add(.get, v1 + "/health", .api.openToAll, .getHealth) { _, _ in
            Responses.json(Array(#"{"status":"ok"}"#.utf8))
        }
        table.add(.get, v1 + "/ready", .api.openToAll, .getReadiness) { _, _ in try await self.readiness() }
        table.add(.get, v1 + "/metrics", .api, .getMetrics) { _, _ in
            var buffer = ByteBuffer()
            buffer.writeBytes(self.metrics.render())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: buffer))
        }
    }

    /// `GET /api/v1/openapi.yaml`, registered after every other route: the document describes
    /// the routes of `table` as they then stand, this one included, and every dataset the
    /// catalog holds when it is asked for.
    func registerOpenAPI(on table: inout RouteTable) {
        let path = "/api/v1/openapi.yaml"
        let document = OpenAPIDocument(operations: table.operations + [(Route("GET", path), .getOpenAPI)], components: openAPIComponents)
        table.add(.get, path, .api.openToAll, .getOpenAPI) { _, _ in
            let datasets = try await self.store(.registry) { [platform = self.platform] in try await Datasets(catalog: platform.datasets).list() }
            return Responses.text(document.yaml(datasets: datasets.map(\.schema)), contentType: "application/yaml; charset=utf-8")
        }
    }

    // MARK: Predictions

    /// `GET /predictions/{penguin_id}`: cache, then warehouse, then the live model, refilling the
    /// cache unless the cache coherence watcher removed stale predictions meanwhile. A cache
    /// that fails or is down counts as a miss (the answer then counts as a cache fallback); a
    /// warehouse that fails or is down is a 503. Each store bounds its own reads by key (the Redis
    /// client's command timeout, the PostgreSQL store's read timeout).
    func lookup(id: String) async throws -> Response {
        let loaded = model.current
        let version = loaded?.version
        var cached: Prediction?
        var cacheFailed = false
        if let version {
            (cached, cacheFailed) = await cacheRead { [platform] in try await platform.cache.prediction(penguinID: id, modelVersion: version) }
        }
        var decision = PredictionLookup.afterCache(currentVersion: version, cached: cached)
        if case .answer = decision { metrics.cacheHit() } else { metrics.cacheMiss() }
        var generation: UInt64?
        if case .readWarehouse = decision {
            generation = cacheGeneration.current
            let row = try await store(.warehouse) { [platform] in try await platform.warehouse.row(id: id) }
            decision = PredictionLookup.afterWarehouse(
                currentVersion: version, row: row, coding: loaded?.model.coding ?? .bundled, reads: loaded?.model.featureIndices)
        }
        let prediction: Prediction
        let source: PredictionSource
        switch decision {
        case .answer(let answer, let from):
            prediction = answer
            source = from
        case .predictLive(let features):
            guard let loaded, let live = loaded.model.predict(row: features) else { throw Problem.noModel }
            prediction = live
            source = .model
            metrics.predicted(live.species)
        case .notFound:
            throw Problem.notFound("penguin \"\(id)\"", field: "penguin_id")
        case .notPredictable(let missing):
            throw Problem(
                status: .unprocessableContent, type: "not-predictable", title: "Missing measurement",
                detail: "penguin \"\(id)\" has no \(missing.joined(separator: ", ")), so no model can predict its species",
                errors: missing.map { FieldError(field: $0, detail: "is missing for this penguin") }
            )
        case .noModel, .readWarehouse:
            throw Problem.noModel
        }
        if source != .cache {
            metrics.fallback(source)
            if cacheFailed { metrics.cacheFallback() }
            let ttl = platform.configuration.cacheTTLSeconds
            await cacheRefill(readAt: generation, of: cacheGeneration) { [platform] in
                try await platform.cache.store([(id, prediction)], ttlSeconds: ttl)
            }
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("penguin_id"); writer.string(id)
        writer.predictionMembers(prediction)
        writer.key("predicted_at"); writer.date(prediction.predictedAt)
        writer.key("source"); writer.string(source.rawValue)
        writer.endObject()
        return Responses.json(writer)
    }

    /// `POST /predict`: one penguin's measurements → species and probabilities.
    func predict(_ request: Request) async throws -> Response {
        let body = try await Self.jsonBody(request, limit: PenguinsServer.maximumBodySize)
        var errors: [FieldError] = []
        let loaded = model.current
        guard let input = model.input(body, loaded: loaded, errors: &errors) else { throw Problem.invalidBody(errors) }
        guard let loaded, let prediction = loaded.model.predict(row: input.features) else { throw Problem.noModel }
        let id = PredictionIDs.shared.next()
        let entry = RecordLogEntry(features: input.features, prediction: loaded.model.coding.recordPrediction(prediction), predictionID: id)
        let dropped = log.append(entry, to: penguinLog)
        if dropped > 0 { logDropped(dropped) }
        metrics.predicted(prediction.species)
        var writer = JSONWriter(capacity: 200)
        writer.beginObject()
        writer.predictionMembers(prediction)
        writer.key("prediction_id"); writer.string(id)
        writer.endObject()
        return Responses.json(writer)
    }

    /// `POST /predict/batch`: `{"penguins": [...]}` → one result per penguin, in order.
    func predictBatch(_ request: Request) async throws -> Response {
        let body = try await Self.jsonBody(request, limit: PenguinsServer.maximumBatchBodySize)
        var errors: [FieldError] = []
        let items = try Self.batchItems(body, member: "penguins", noun: "penguins", errors: &errors)
        var inputs: [PenguinInput] = []
        inputs.reserveCapacity(items.count)
        let loaded = model.current
        for (index, item) in items.enumerated() {
            if let input = model.input(item, loaded: loaded, prefix: "penguins[\(index)].", errors: &errors) { inputs.append(input) }
        }
        guard errors.isEmpty else {
            let shown = Array(errors.prefix(100))
            throw Problem.invalidBody(shown)
        }
        guard let loaded else { throw Problem.noModel }
        let predictions = loaded.model.predict(features: inputs.map(\.features)).compactMap { $0 }
        let ids = record(predictions, features: inputs.map(\.features), model: loaded.model)
        var writer = JSONWriter(capacity: 64 + predictions.count * 180)
        writer.beginObject()
        writer.key("model_version"); writer.int(loaded.version)
        writer.key("count"); writer.int(predictions.count)
        writer.key("predictions")
        writer.beginArray()
        for (index, prediction) in predictions.enumerated() {
            writer.beginObject()
            writer.key("index"); writer.int(index)
            writer.key("species"); writer.string(prediction.species.rawValue)
            writer.key("probabilities")
            writer.beginObject()
            for species in Species.allCases { writer.key(species.rawValue); writer.number(prediction.probabilities[species] ?? 0) }
            writer.endObject()
            writer.key("confidence"); writer.number(prediction.confidence)
            writer.key("prediction_id"); writer.string(ids[index])
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Responses.json(writer)
    }

    // MARK: Datasets

    /// `GET /datasets`: the bundled and registered datasets with their schemas, by name.
    func datasets() async throws -> Response {
        let list = try await store(.registry) { [platform] in try await Datasets(catalog: platform.datasets).list() }
        return try Responses.json(encoding: DatasetList(datasets: list), convertingKeys: false)
    }

    /// `GET /datasets/{dataset}`: one dataset's newest schema.
    func dataset(named name: String) async throws -> Response {
        let dataset = try await store(.registry) { [platform] in try await Datasets(catalog: platform.datasets).dataset(named: name) }
        return try Responses.json(encoding: dataset, convertingKeys: false)
    }

    // MARK: Penguins

    /// `GET /penguins/{penguin_id}`: the lake document.
    func penguin(id: String) async throws -> Response {
        guard let document = try await store(.lake, { [platform] in try await platform.lake.document(id: id) }) else {
            throw Problem.notFound("penguin \"\(id)\"", field: "penguin_id")
        }
        return Responses.json(Array(document.body.jsonText.utf8))
    }

    /// `GET /penguins?island=&limit=&after=`: a page of warehouse rows ordered by island, then id.
    func penguins(_ query: FormValues) async throws -> Response {
        var island: Island?
        if let name = query["island"] {
            guard let known = Island(name: name) else {
                throw Problem.invalidParameter("island", "must be one of \(Island.known.map(\.rawValue).joined(separator: ", ")), not \"\(name)\"")
            }
            island = known
        }
        let limit = try query.int("limit") ?? 50
        guard (1...1_000).contains(limit) else { throw Problem.invalidParameter("limit", "must be between 1 and 1000, got \(limit)") }
        var cursor: PageCursor?
        if let text = query["after"], !text.isEmpty {
            guard let decoded = PageCursor(text) else { throw Problem.invalidParameter("after", "is not a cursor returned as next by this endpoint") }
            if let island, decoded.island != island {
                throw Problem.invalidParameter("after", "belongs to island \(decoded.island.rawValue), not \(island.rawValue)")
            }
            cursor = decoded
        }
        let islands = island.map { [$0] } ?? Island.known
        var rows: [WarehouseRow] = []
        var started = cursor == nil
        for candidate in islands {
            if !started {
                guard candidate == cursor?.island else { continue }
                started = true
            }
            let after = cursor?.island == candidate ? cursor?.position : nil
            let wanted = limit + 1 - rows.count
            let page = try await store(.warehouse) { [platform] in
                try await platform.warehouse.scan(island: candidate, after: after, limit: wanted)
            }
            rows += page
            if rows.count > limit { break }
        }
        var next: PageCursor?
        if rows.count > limit {
            rows.removeLast(rows.count - limit)
            let last = rows[rows.count - 1].penguin
            next = PageCursor(island: last.island, position: WarehouseCursor(species: last.species, penguinID: last.id))
        }
        var writer = JSONWriter(capacity: 64 + rows.count * 300)
        writer.beginObject()
        writer.key("island")
        if let island { writer.string(island.rawValue) } else { writer.null() }
        writer.key("limit"); writer.int(limit)
        writer.key("count"); writer.int(rows.count)
        writer.key("penguins")
        writer.beginArray()
        for row in rows { writer.warehouseRow(row) }
        writer.endArray()
        writer.key("next")
        if let next { writer.string(next.text) } else { writer.null() }
        writer.endObject()
        return Responses.json(writer)
    }

    // MARK: Analyses

    /// `GET /stats?by=`: descriptive statistics of the warehouse.
    func statistics(_ query: FormValues) async throws -> Response {
        let by = query["by"]
        let categorical = DatasetColumns.categoricalNames(of: platform.warehouse.recordWarehouse.schema)
        if let by, !categorical.contains(by) {
            throw Problem.invalidParameter("by", "must be one of \(categorical.joined(separator: ", ")), not \"\(by)\"")
        }
        let warehouse = platform.warehouse.recordWarehouse
        let report = try await analysis("stats?by=\(by ?? "")", of: warehouse) { [self] in
            try await statisticsReport(of: warehouse, groupBy: by)
        }
        return try Responses.json(encoding: report)
    }

    /// `GET /regression?target=&predictors=a,b&test_fraction=&seed=`.
    func regression(_ query: FormValues) async throws -> Response {
        let schema = platform.warehouse.recordWarehouse.schema
        let analysis = try Self.regressionAnalysis(
            target: query["target"], predictors: query.all("predictors").flatMap { $0.split(separator: ",").map(String.init) },
            testFraction: query["test_fraction"], seed: query["seed"],
            numeric: DatasetColumns.numericNames(of: schema), categorical: DatasetColumns.categoricalNames(of: schema)
        )
        guard let report = try await regressionReport(analysis, of: platform.warehouse.recordWarehouse) else { throw PipelineError.emptyWarehouse(dataset: platform.warehouse.recordWarehouse.schema.name) }
        return try Responses.json(encoding: report)
    }

    /// The canonical name of a regression with its parameters.
    static func key(of analysis: RegressionAnalysis) -> String {
        "regression?target=\(analysis.target)&predictors=\(analysis.predictors.joined(separator: ","))&test_fraction=\(analysis.testFraction)&seed=\(analysis.seed)"
    }

    /// Reads and checks the regression parameters, naming the offending one.
    /// - Parameters: numeric, categorical: the columns of the dataset.
    static func regressionAnalysis(
        target: String?, predictors: [String], testFraction: String?, seed: String?, numeric: [String], categorical: [String]
    ) throws -> RegressionAnalysis {
        guard let target, !target.isEmpty else { throw Problem.invalidParameter("target", "is required, e.g. target=\(numeric.last ?? "")") }
        guard numeric.contains(target) else {
            throw Problem.invalidParameter("target", "must be one of \(numeric.joined(separator: ", ")), not \"\(target)\"")
        }
        let predictors = predictors.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !predictors.isEmpty else { throw Problem.invalidParameter("predictors", "is required, e.g. predictors=\(numeric.first { $0 != target } ?? "")") }
        let known = numeric + categorical
        for name in predictors where !known.contains(name) {
            throw Problem.invalidParameter("predictors", "must name columns among \(known.joined(separator: ", ")), not \"\(name)\"")
        }
        if predictors.contains(target) { throw Problem.invalidParameter("predictors", "cannot include the target \(target)") }
        var fraction = RegressionAnalysis.defaultTestFraction
        if let testFraction, !testFraction.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = Double(testFraction.trimmingCharacters(in: .whitespaces)), (0..<1).contains(value) else {
                throw Problem.invalidParameter("test_fraction", "must be a number at least 0 and below 1, not \"\(testFraction)\"")
            }
            fraction = value
        }
        var seedValue = RegressionAnalysis.defaultSeed
        if let seed, !seed.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let value = UInt64(seed.trimmingCharacters(in: .whitespaces)) else {
                throw Problem.invalidParameter("seed", "must be a non-negative integer, not \"\(seed)\"")
            }
            seedValue = value
        }
        return RegressionAnalysis(target: target, predictors: predictors, testFraction: fraction, seed: seedValue)
    }

    /// `GET /drift?feature=&threshold=&current=`: the training sample against the prediction log,
    /// the warehouse or the simulated stream.
    func drift(_ query: FormValues) async throws -> Response {
        let threshold = try Self.driftThreshold(query)
        let analysis = DriftAnalysis(
            threshold: threshold, feature: query["feature"], dataset: platform.warehouse.recordWarehouse.schema, minimumRows: minimumDriftRows)
        if let name = analysis.feature, !analysis.numericColumns.contains(name) {
            throw Problem.invalidParameter("feature", "must be one of \(analysis.numericColumns.joined(separator: ", ")), not \"\(name)\"")
        }
        let source = try Self.driftCurrent(query)
        let (reference, current) = try await driftSamples(current: source)
        let report = try analysis.compare(reference: reference, current: current, referenceName: "training", currentName: source.description)
        return try Responses.json(encoding: report)
    }

    /// `GET /drift/history?window=&since=&threshold=&share=`: the prediction log cut into windows
    /// (`day` by default), each compared with the training sample; `dataset` nil for the penguins.
    func driftHistory(_ query: FormValues, dataset name: String?) async throws -> Response {
        let window: DriftWindow
        do {
            window = try DriftWindow(argument: query["window"] ?? "day")
        } catch {
            throw Problem.invalidParameter("window", error.description)
        }
        var since: Date?
        if let text = query["since"] {
            do {
                since = try DriftHistoryAnalysis.since(text)
            } catch {
                throw Problem.invalidParameter("since", error.description)
            }
        }
        let share = try query.double("share") ?? 0.5
        guard share > 0, share <= 1 else { throw Problem.invalidParameter("share", "must be above 0 and at most 1, got \(share)") }
        let analysis = DriftHistoryAnalysis(
            window: window, pValueThreshold: try Self.driftThreshold(query), driftShare: share, minimumRows: minimumDriftRows)
        let schema = if let name { try await session(name).schema } else { platform.warehouse.recordWarehouse.schema }
        _ = try? await logWriter.flush()
        let report = try await store(.predictionLog) { [platform, since] in try await analysis.run(dataset: schema, platform: platform, since: since) }
        return try Responses.json(encoding: report)
    }

    /// The `current` parameter of the drift routes: `production` (the prediction log, the
    /// default), `warehouse` (every stored row) or `simulation` (the dashboard's simulated stream).
    static func driftCurrent(_ query: FormValues) throws -> DriftSource {
        switch query["current"] {
        case nil, "production": .production
        case "warehouse": .warehouse
        case "simulation": .simulation
        case let other?: throw Problem.invalidParameter("current", "must be production, warehouse or simulation, not \"\(other)\"")
        }
    }

    /// The `threshold` parameter of the drift routes: between 0 and 1, 0.05 when absent.
    static func driftThreshold(_ query: FormValues) throws -> Double {
        let threshold = try query.double("threshold") ?? 0.05
        guard threshold > 0, threshold < 1 else { throw Problem.invalidParameter("threshold", "must be between 0 and 1, got \(threshold)") }
        return threshold
    }

    /// The current model's training sample and the prediction log (flushed first, so the
    /// latest predictions count), or the warehouse.
    func driftSamples(current source: DriftSource = .production) async throws -> (reference: DriftSample, current: DriftSample) {
        let reference = try await store(.registry) { [platform] in try await DriftSample.load(.training, platform: platform) }
        if source == .simulation { return (reference, try await simulations.sample(dataset: platform.warehouse.recordWarehouse.schema)) }
        if source == .warehouse { return (reference, try await warehouseDriftSample(of: platform.warehouse.recordWarehouse)) }
        guard source == .production else {
            return (reference, try await store(.warehouse) { [platform] in try await DriftSample.load(source, platform: platform) })
        }
        _ = try? await logWriter.flush()
        let current = try await store(.predictionLog) { [platform] in try await DriftSample.load(.production, platform: platform) }
        return (reference, current)
    }

    // MARK: Models

    /// `GET /models`: every version, newest first, and the audit trail of promotions.
    func modelVersions() async throws -> Response {
        let listed = try await store(.registry) { [platform] in try await platform.modelVersions() }
        let audit = try await store(.registry) { [platform] in try await platform.registry.audit(limit: Self.auditLimit) }
        return try Responses.json(encoding: ModelVersionList(
            current: listed.first(where: \.current)?.version, versions: listed, audit: audit.map(ModelAuditRow.init)))
    }

    /// The most audit entries `GET /models` and the classification pages show.
    static let auditLimit = 100

    /// `POST /models/{version}/promote[?force=true&margin=0.01]`.
    func promoteVersion(_ text: String, _ request: PromotionRequest) async throws -> Response {
        guard let version = Int(text), version > 0 else { throw Problem.invalidParameter("version", "must be a positive integer, not \"\(text)\"") }
        let outcome = try await promote(version: version, request)
        return try Responses.json(encoding: PromotionResult(
            dataset: penguinLog.schema.name, current: version, previous: outcome.previous, comparison: outcome.comparison))
    }

    // MARK: Health

    /// `GET /ready`: every role probed at once (each within the point timeout, the outcome
    /// feeding its circuit breaker), then ``Readiness/verdict(modelLoaded:failing:)``: 200
    /// `ready`, 200 `degraded` naming the failing roles, or 503 without a model.
    func readiness() async throws -> Response {
        let failures = await withTaskGroup(of: StoreDown?.self) { group in
            for role in StoreRole.allCases {
                group.addTask { [health, platform] in await health.check(role, platform.probe(role)) }
            }
            var failures: [StoreDown] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures.sorted { StoreRole.allCases.firstIndex(of: $0.role)! < StoreRole.allCases.firstIndex(of: $1.role)! }
        }
        let verdict = Readiness.verdict(modelLoaded: model.current != nil, failing: failures.map(\.role))
        let status: String
        switch verdict {
        case .notReady:
            var errors = [FieldError(field: "model", detail: "no model is loaded: run penguins ingest and penguins train")]
            errors += failures.map { FieldError(field: $0.role.apiName, detail: "does not answer: \($0.reason)") }
            throw Problem(status: .serviceUnavailable, type: "not-ready", title: "Not ready",
                          detail: errors.map { "\($0.field) \($0.detail)" }.joined(separator: "; "), errors: errors)
        case .ready: status = "ready"
        case .degraded: status = "degraded"
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("status"); writer.string(status)
        writer.key("model_version"); writer.int(model.version ?? 0)
        writer.key("buffered_log_entries"); writer.int(log.count)
        writer.key("stores")
        writer.beginObject()
        for role in StoreRole.allCases {
            writer.key(role.apiName); writer.string(failures.contains { $0.role == role } ? "down" : "up")
        }
        writer.endObject()
        writer.key("failing")
        writer.beginArray()
        for failure in failures {
            writer.beginObject()
            writer.key("role"); writer.string(failure.role.apiName)
            writer.key("detail"); writer.string(failure.reason)
            writer.key("impact"); writer.string(Readiness.impact(of: failure.role))
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Responses.json(writer)
    }
}

// MARK: - Response shapes

/// A position in `GET /penguins`: the island and the row's id, as an opaque URL-safe text (with
/// the row's species too, which pages ordered by id no longer need, so cursors keep their form).
struct PageCursor: Equatable {
    var island: Island
    var position: WarehouseCursor

    init(island: Island, position: WarehouseCursor) {
        self.island = island
        self.position = position
    }

    init?(_ text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "\u{1F}", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let island = Island(name: String(parts[0])), let species = Species(rawValue: String(parts[1])) else { return nil }
        self.island = island
        self.position = WarehouseCursor(species: species, penguinID: String(parts[2]))
    }

    var text: String {
        Data("\(island.rawValue)\u{1F}\(position.species.rawValue)\u{1F}\(position.penguinID)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension JSONWriter {
    /// A warehouse row: the penguin's columns and its batch prediction (or null).
    mutating func warehouseRow(_ row: WarehouseRow) {
        let penguin = row.penguin
        beginObject()
        key("penguin_id"); string(penguin.id)
        key("species"); string(penguin.species.rawValue)
        key("island"); string(penguin.island.rawValue)
        for feature in Feature.allCases {
            key(feature.rawValue)
            if let value = penguin.measurements[feature] { number(value) } else { null() }
        }
        key("sex")
        if let sex = penguin.sex { string(sex.rawValue) } else { null() }
        key("year"); int(penguin.year)
        key("usable_for_training"); bool(penguin.isUsableForTraining)
        key("prediction")
        if let prediction = row.prediction {
            beginObject()
            predictionMembers(prediction)
            key("predicted_at"); date(prediction.predictedAt)
            endObject()
        } else {
            null()
        }
        endObject()
    }
}

/// `GET /model`: the live model's version, parameters, metrics and importances.
struct ModelDescription: Encodable {
    struct ClassMetrics: Encodable {
        var precision: Double
        var recall: Double
        var f1: Double
        var support: Int
    }

    struct ConfusionMatrix: Encodable {
        /// Row i, column j: penguins of species `labels[i]` predicted as `labels[j]`.
        var labels: [String]
        var counts: [[Int]]
    }

    var version: Int
    var createdAt: Date
    var engine: String
    var featureNames: [String]
    var classLabels: [String]
    var parameters: RandomForestClassifier
    var accuracy: Double
    var macroF1: Double
    var weightedF1: Double
    var perClass: [String: ClassMetrics]
    var confusionMatrix: ConfusionMatrix
    var featureImportances: [String: Double]
    var trainingRows: Int
    var testRows: Int
    var testFraction: Double
    var trainingFingerprint: String

    init(_ model: SpeciesModel) {
        self.init(version: model.version, artifact: model.artifact)
    }

    init(version: Int, artifact: ModelArtifact) {
        let metrics = artifact.metrics
        self.version = version
        createdAt = artifact.createdAt
        engine = artifact.engine
        featureNames = artifact.featureNames
        classLabels = artifact.classLabels
        parameters = artifact.parameters
        accuracy = metrics.accuracy
        macroF1 = metrics.macroF1
        weightedF1 = metrics.weightedF1
        var perClass: [String: ClassMetrics] = [:]
        for (index, label) in artifact.classLabels.enumerated() where index < metrics.classCount {
            perClass[label] = ClassMetrics(precision: metrics.precision[index], recall: metrics.recall[index],
                                           f1: metrics.f1[index], support: metrics.support[index])
        }
        self.perClass = perClass
        confusionMatrix = ConfusionMatrix(labels: artifact.classLabels, counts: metrics.confusionMatrix)
        featureImportances = Dictionary(uniqueKeysWithValues: zip(artifact.featureNames, artifact.forest.featureImportances))
        trainingRows = artifact.trainingRows
        testRows = artifact.testRows
        testFraction = artifact.testFraction
        trainingFingerprint = artifact.trainingFingerprint
    }
}

/// `GET /models`: the versions and the audit trail of promotions.
struct ModelVersionList: Encodable {
    var current: Int?
    var versions: [ModelVersionDescription]
    /// Every promotion and rollback, newest first.
    var audit: [ModelAuditRow]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // An explicit null when there is no current version, rather than a missing key.
        try container.encode(current, forKey: .current)
        try container.encode(versions, forKey: .versions)
        try container.encode(audit, forKey: .audit)
    }

    private enum CodingKeys: String, CodingKey { case current, versions, audit }
}

/// `GET /alerts`.
struct AlertList: Encodable {
    var alerts: [AlertStatus]
}

/// `GET /jobs`.
struct JobList: Encodable {
    var jobs: [JobStatus]
}

/// `GET /datasets`.
struct DatasetList: Encodable {
    var datasets: [DatasetDescription]
}
