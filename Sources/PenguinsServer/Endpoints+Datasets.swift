import Foundation
import Hummingbird
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

extension Endpoints {
    /// The data routes of every dataset, under `/api/v1/datasets/{dataset}`. The default
    /// dataset's answer as its own routes do (`/api/v1/predict`, ...); any other dataset's are
    /// read from its tables with its schema.
    func registerDatasetAPI(on table: inout RouteTable) {
        let base = "/api/v1/datasets/{dataset}"
        @Sendable func name(_ context: PenguinsRequestContext) -> String { Self.parameter(context, "dataset") }
        table.add(.post, base + "/predict", .api, .predictDatasetRow) { request, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.predict(request) }
            return try await self.predict(request, dataset: dataset)
        }
        table.add(.post, base + "/predict/batch", .api.heavy, .predictDatasetBatch) { request, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.predictBatch(request) }
            return try await self.predictBatch(request, dataset: dataset)
        }
        table.add(.get, base + "/predictions/{id}", .api, .getDatasetPrediction) { _, context in
            let (dataset, id) = (name(context), Self.parameter(context, "id"))
            if Platform.isDefaultDataset(dataset) { return try await self.lookup(id: id) }
            return try await self.lookup(id: id, dataset: dataset)
        }
        table.add(.get, base + "/rows/{id}", .api, .getDatasetRow) { _, context in
            let (dataset, id) = (name(context), Self.parameter(context, "id"))
            if Platform.isDefaultDataset(dataset) { return try await self.penguin(id: id) }
            return try await self.document(id: id, dataset: dataset)
        }
        table.add(.get, base + "/rows", .api, .listDatasetRows) { request, context in
            let dataset = name(context)
            let query = FormValues(request.uri.query)
            if Platform.isDefaultDataset(dataset) { return try await self.penguins(query.renaming("partition", to: "island")) }
            return try await self.rows(query, dataset: dataset)
        }
        table.add(.get, base + "/stats", .api.limitedWhenComputing, .getDatasetStatistics) { request, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.statistics(FormValues(request.uri.query)) }
            return try await self.statistics(FormValues(request.uri.query), dataset: dataset)
        }
        table.add(.get, base + "/regression", .api.limitedWhenComputing, .getDatasetRegression) { request, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.regression(FormValues(request.uri.query)) }
            return try await self.regression(FormValues(request.uri.query), dataset: dataset)
        }
        table.add(.get, base + "/drift", .api.limited, .getDatasetDrift) { request, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.drift(FormValues(request.uri.query)) }
            return try await self.drift(FormValues(request.uri.query), dataset: dataset)
        }
        table.add(.get, base + "/drift/history", .api.limited, .getDatasetDriftHistory) { request, context in
            let dataset = name(context)
            return try await self.driftHistory(FormValues(request.uri.query), dataset: Platform.isDefaultDataset(dataset) ? nil : dataset)
        }
        table.add(.post, base + "/feedback", .api, .recordDatasetFeedback) { request, context in
            try await self.recordFeedback(request, dataset: name(context))
        }
        table.add(.get, base + "/model", .api, .getDatasetModel) { _, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.currentModelWithShadow() }
            return try await self.currentModel(dataset: dataset)
        }
        table.add(.get, base + "/models", .api, .listDatasetModels) { _, context in
            let dataset = name(context)
            if Platform.isDefaultDataset(dataset) { return try await self.modelVersions() }
            return try await self.modelVersions(dataset: dataset)
        }
        table.add(.post, base + "/models/{version}/promote", .api.adminOnly, .promoteDatasetModel) { request, context in
            let (dataset, text) = (name(context), Self.parameter(context, "version"))
            let promotion = try PromotionRequest.from(FormValues(request.uri.query), caller: context.identity)
            if Platform.isDefaultDataset(dataset) { return try await self.promoteVersion(text, promotion) }
            guard let version = Int(text), version > 0 else { throw Problem.invalidParameter("version", "must be a positive integer, not \"\(text)\"") }
            return try await self.promote(version: version, dataset: dataset, promotion)
        }
    }

    /// The session of a dataset: a 404 for an unknown one, a 503 when its stores fail.
    func session(_ dataset: String) async throws -> DatasetSessions.Session {
        try await store("dataset stores") { [datasetSessions] in try await datasetSessions.session(dataset) }
    }

    /// The session's model, or a 503 problem saying how to train one.
    private func model(of session: DatasetSessions.Session) throws -> DatasetModel {
        guard let model = session.model else { throw PipelineError.noDatasetModel(session.schema.name) }
        return model
    }

    // MARK: Predictions

    /// `POST /datasets/{dataset}/predict`: one row's features → class and probabilities.
    func predict(_ request: Request, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let body = try await Self.jsonBody(request, limit: PenguinsServer.maximumBodySize)
        let model = try model(of: session)
        var errors: [FieldError] = []
        guard let features = Self.features(body, session: session, model: model, errors: &errors) else { throw Problem.invalidBody(errors) }
        let prediction = model.prediction(from: model.probabilities([features])[0]!, at: Date())
        let id = PredictionIDs.shared.next()
        record([RecordLogEntry(features: features, prediction: prediction, predictionID: id)], of: session)
        var writer = JSONWriter(capacity: 240)
        writer.beginObject()
        writer.datasetPredictionMembers(prediction, schema: session.schema)
        writer.key("prediction_id"); writer.string(id)
        writer.endObject()
        return Responses.json(writer)
    }

    /// `POST /datasets/{dataset}/predict/batch`: `{"rows": [...]}` → one prediction per row.
    func predictBatch(_ request: Request, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let body = try await Self.jsonBody(request, limit: PenguinsServer.maximumBatchBodySize)
        var errors: [FieldError] = []
        let items = try Self.batchItems(body, member: "rows", noun: "rows", errors: &errors)
        let model = try model(of: session)
        var rows: [[Double?]] = []
        rows.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            if let features = Self.features(item, session: session, model: model, prefix: "rows[\(index)].", errors: &errors) { rows.append(features) }
        }
        guard errors.isEmpty else { throw Problem.invalidBody(Array(errors.prefix(100))) }
        let now = Date()
        let predictions = model.probabilities(rows).map { model.prediction(from: $0!, at: now) }
        let entries = zip(rows, predictions).map { RecordLogEntry(features: $0, prediction: $1, predictionID: PredictionIDs.shared.next()) }
        record(entries, of: session)
        var writer = JSONWriter(capacity: 64 + predictions.count * 200)
        writer.beginObject()
        writer.key("dataset"); writer.string(session.schema.name)
        writer.key("model_version"); writer.int(model.version)
        writer.key("count"); writer.int(predictions.count)
        writer.key("predictions")
        writer.beginArray()
        for entry in entries {
            writer.beginObject()
            writer.datasetPredictionMembers(entry.prediction, schema: session.schema)
            writer.key("prediction_id"); writer.string(entry.predictionID!)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return Responses.json(writer)
    }

    /// `GET /datasets/{dataset}/predictions/{id}`: the prediction of a stored row by the current
    /// model, from the dataset's cache, else the warehouse's batch prediction, else the model's
    /// prediction of the row's stored features; an answer that did not come from the cache
    /// refills it (unless the row changed meanwhile, see ``CacheGeneration``).
    func lookup(id: String, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let cache = session.stores.cache
        var cached: RecordPrediction?
        var cacheFailed = false
        if let version = session.model?.version {
            (cached, cacheFailed) = await cacheRead { try await cache.prediction(id: id, modelVersion: version) }
        }
        let prediction: RecordPrediction
        let source: PredictionSource
        if let cached {
            metrics.cacheHit()
            (prediction, source) = (cached, .cache)
        } else {
            metrics.cacheMiss()
            let generation = session.generation.current
            guard let stored = try await store(.warehouse, { try await session.stores.warehouse.record(id: id) }) else {
                throw Problem.notFound("row \"\(id)\" of dataset \(dataset)", field: "id")
            }
            (prediction, source) = try self.prediction(of: stored, id: id, session: session)
            metrics.fallback(source)
            if cacheFailed { metrics.cacheFallback() }
            let ttl = platform.configuration.cacheTTLSeconds
            await cacheRefill(readAt: generation, of: session.generation) { try await cache.store([(id, prediction)], ttlSeconds: ttl) }
        }
        var writer = JSONWriter(capacity: 240)
        writer.beginObject()
        writer.key("id"); writer.string(id)
        writer.datasetPredictionMembers(prediction, schema: session.schema)
        writer.key("predicted_at"); writer.date(prediction.predictedAt)
        writer.key("source"); writer.string(source.rawValue)
        writer.endObject()
        return Responses.json(writer)
    }

    /// A lookup's read of a prediction cache: the entry, or nil on a miss; `failed` when the cache
    /// could not be read (counted, unless the cache is known to be down), which the lookup
    /// answers as a miss.
    func cacheRead<Entry: Sendable>(_ read: @escaping @Sendable () async throws -> Entry?) async -> (entry: Entry?, failed: Bool) {
        do {
            return (try await health.call(.cache, read), false)
        } catch {
            if (error as? StoreDown)?.skipped != true { metrics.cacheError() }
            return (nil, true)
        }
    }

    /// Puts a lookup's answer that did not come from the cache into it: not while the cache is
    /// down, and not when stale predictions were removed since the lookup read the warehouse
    /// (`generation` moved from `readAt`; nil, the warehouse was not read), for this answer may
    /// be one of them.
    func cacheRefill(readAt: UInt64?, of generation: CacheGeneration, _ store: @escaping @Sendable () async throws -> Void) async {
        guard health.isUp(.cache), readAt == generation.current else { return }
        do {
            try await health.call(.cache, store)
        } catch {
            if (error as? StoreDown)?.skipped != true { metrics.cacheError() }
        }
    }

    /// The current model's prediction of a stored row: its batch prediction when that model
    /// wrote it, else predicted now from its stored features.
    private func prediction(
        of stored: StoredRecord, id: String, session: DatasetSessions.Session
    ) throws -> (prediction: RecordPrediction, source: PredictionSource) {
        let model = try model(of: session)
        if let batch = stored.prediction, batch.modelVersion == model.version { return (batch, .warehouse) }
        guard let probabilities = model.probabilities([stored.record.features])[0] else {
            let missing = model.missingFeatures(stored.record.features)
            throw Problem(
                status: .unprocessableContent, type: "not-predictable", title: "Missing feature",
                detail: "row \"\(id)\" of dataset \(session.schema.name) has no \(missing.joined(separator: ", ")), which the model needs",
                errors: missing.map { FieldError(field: $0, detail: "is missing for this row") })
        }
        return (model.prediction(from: probabilities, at: Date()), .model)
    }

    // MARK: Rows

    /// `GET /datasets/{dataset}/rows/{id}`: the lake document.
    func document(id: String, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        guard let document = try await store(.lake, { try await session.stores.lake.document(id: id) }) else {
            throw Problem.notFound("row \"\(id)\" of dataset \(dataset)", field: "id")
        }
        return Responses.json(Array(document.body.jsonText.utf8))
    }

    /// `GET /datasets/{dataset}/rows?partition=&limit=&after=`: a page of warehouse rows, ordered
    /// by partition (in the order of its levels) then id; `next` is the cursor of the next page.
    func rows(_ query: FormValues, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let schema = session.schema
        let levels = schema.partitionFeatureIndex.map { schema.features[$0].levels } ?? schema.target.classes
        var partitions = levels
        if let name = query["partition"] {
            guard let level = levels.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw Problem.invalidParameter("partition", "must be one of \(levels.joined(separator: ", ")), not \"\(name)\"")
            }
            partitions = [level]
        }
        let limit = try query.int("limit") ?? 50
        guard (1...1_000).contains(limit) else { throw Problem.invalidParameter("limit", "must be between 1 and 1000, got \(limit)") }
        var start: (partition: Int, id: String)?
        if let text = query["after"], !text.isEmpty {
            guard let colon = text.firstIndex(of: ":"), let index = Int(text[..<colon]), partitions.contains(where: { levels.firstIndex(of: $0) == index })
            else { throw Problem.invalidParameter("after", "is not a cursor returned as next by this endpoint for these partitions") }
            start = (index, String(text[text.index(after: colon)...]))
        }
        var page: [StoredRecord] = []
        for partition in partitions {
            let index = levels.firstIndex(of: partition)!
            if let start, index < start.partition { continue }
            let after = start?.partition == index ? start?.id : nil
            let wanted = limit + 1 - page.count
            page += try await store(.warehouse) { try await session.stores.warehouse.scan(partition: partition, after: after, limit: wanted) }
            if page.count > limit { break }
        }
        var next: String?
        if page.count > limit {
            page.removeLast(page.count - limit)
            let last = page[page.count - 1].record
            next = "\(levels.firstIndex(of: schema.partitionValue(of: last))!):\(last.id)"
        }
        var writer = JSONWriter(capacity: 64 + page.count * 300)
        writer.beginObject()
        writer.key("dataset"); writer.string(schema.name)
        writer.key("partition")
        if partitions.count == 1, query["partition"] != nil { writer.string(partitions[0]) } else { writer.null() }
        writer.key("limit"); writer.int(limit)
        writer.key("count"); writer.int(page.count)
        writer.key("rows")
        writer.beginArray()
        for row in page { writer.storedRecord(row, schema: schema) }
        writer.endArray()
        writer.key("next")
        if let next { writer.string(next) } else { writer.null() }
        writer.endObject()
        return Responses.json(writer)
    }

    // MARK: Analyses

    /// `GET /datasets/{dataset}/stats?by=`: descriptive statistics of every numeric column,
    /// counts of every categorical one, one table per level of `by`.
    func statistics(_ query: FormValues, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let schema = session.schema
        let categorical = [schema.target.name] + schema.features.filter { $0.kind == .categorical }.map(\.name)
        if let by = query["by"], !categorical.contains(by) {
            throw Problem.invalidParameter("by", "must be one of \(categorical.joined(separator: ", ")), not \"\(by)\"")
        }
        let by = query["by"]
        let report = try await analysis("stats?by=\(by ?? "")", of: session.stores.warehouse) { [self] in
            try await statisticsReport(of: session.stores.warehouse, groupBy: by)
        }
        return try Responses.json(encoding: report)
    }

    /// `GET /datasets/{dataset}/regression?target=&predictors=a,b&test_fraction=&seed=`.
    func regression(_ query: FormValues, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let schema = session.schema
        let analysis = try Self.regressionAnalysis(
            target: query["target"], predictors: query.all("predictors").flatMap { $0.split(separator: ",").map(String.init) },
            testFraction: query["test_fraction"], seed: query["seed"],
            numeric: DatasetColumns.numericNames(of: schema), categorical: DatasetColumns.categoricalNames(of: schema))
        guard let report = try await regressionReport(analysis, of: session.stores.warehouse) else { throw PipelineError.emptyWarehouse(dataset: session.schema.name) }
        return try Responses.json(encoding: report)
    }

    /// `GET /datasets/{dataset}/drift?feature=&threshold=&current=`: the current model's
    /// training sample against the dataset's prediction log (`current=production`, the default)
    /// or every row of its warehouse (`current=warehouse`).
    func drift(_ query: FormValues, dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let threshold = try Self.driftThreshold(query)
        let current = try Self.driftCurrent(query)
        let analysis = DriftAnalysis(threshold: threshold, feature: query["feature"], dataset: session.schema, minimumRows: minimumDriftRows)
        if let feature = analysis.feature, !analysis.numericColumns.contains(feature) {
            throw Problem.invalidParameter("feature", "must be one of \(analysis.numericColumns.joined(separator: ", ")), not \"\(feature)\"")
        }
        let artifact = try model(of: session).artifact
        let sample = try await driftSample(current, of: session)
        let (report, _, _) = try Self.drift(analysis, model: artifact, current: sample, named: current.description)
        return try Responses.json(encoding: report)
    }

    /// The current sample of a dataset's drift: its prediction log (flushed first, so the latest
    /// predictions count) or its warehouse.
    func driftSample(_ source: DriftSource, of session: DatasetSessions.Session) async throws -> DriftSample {
        if source == .simulation { return try await simulations.sample(dataset: session.schema) }
        if source == .warehouse { return try await warehouseDriftSample(of: session.stores.warehouse) }
        if source == .production { _ = try? await logWriter.flush() }
        return try await store(source == .production ? .predictionLog : .warehouse) {
            try await DriftSample.load(source, stores: session.stores)
        }
    }

    /// A dataset's drift: the model's training sample against a current sample.
    static func drift(
        _ analysis: DriftAnalysis, model artifact: ModelArtifact, current: DriftSample, named name: String
    ) throws -> (report: DriftReport, reference: DriftSample, current: DriftSample) {
        let reference = DriftSample(values: artifact.referenceSample, categories: artifact.referenceCategories)
        let report = try analysis.compare(reference: reference, current: current, referenceName: "training", currentName: name)
        return (report, reference, current)
    }

    // MARK: Models

    /// `GET /datasets/{dataset}/model`: the current model's description, with its Spark part
    /// and how often the two agree once the warehouse was scored with Spark (left out when the
    /// warehouse does not answer: the description does not depend on it).
    func currentModel(dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let model = try model(of: session)
        return try Responses.json(encoding: ModelWithShadow(
            description: ModelDescription(version: model.version, artifact: model.artifact), spark: model.artifact.spark,
            shadow: await shadowComparison(of: session), production: try? await production(of: session.schema, version: model.version)))
    }

    /// How often the Spark batch predictions of the dataset's current version agree with the
    /// Swift model's (up to 20 rows that differ); nil without a Spark part, before a Spark
    /// scoring, or when the warehouse does not answer (what shows it does not depend on it).
    func shadowComparison(of session: DatasetSessions.Session) async -> DatasetShadow? {
        guard let model = session.model, model.artifact.spark != nil,
              let warehouse = session.stores.warehouse as? any SparkRecordWarehouse else { return nil }
        return try? await store(.warehouse) { try await warehouse.shadowComparison(modelVersion: model.version, limit: 20) }
    }

    /// `GET /datasets/{dataset}/models`: every version, newest first, and the audit trail.
    func modelVersions(dataset: String) async throws -> Response {
        let session = try await session(dataset)
        let versions = try await store(.registry) { [platform] in try await platform.modelVersions(ofDataset: dataset) }
        let audit = try await store(.registry) { try await session.stores.registry.audit(limit: Self.auditLimit) }
        return try Responses.json(encoding: ModelVersionList(
            current: versions.first { $0.current }?.version, versions: versions, audit: audit.map(ModelAuditRow.init)))
    }

    /// `POST /datasets/{dataset}/models/{version}/promote`: makes a version current through the
    /// gate (a worse one is a 409 unless forced).
    func promote(version: Int, dataset: String, _ request: PromotionRequest) async throws -> Response {
        let session = try await session(dataset)
        guard try await store(.registry, { try await session.stores.registry.model(version: version) }) != nil else {
            throw Problem.notFound("model version \(version) of \(dataset)", field: "version")
        }
        let gate = ModelPromotion(platform: platform, schema: session.schema, margin: request.margin)
        let outcome = try await store(.registry) { try await gate.promote(version: version, actor: request.actor, force: request.force) }
        datasetSessions.forget(dataset)
        return try Responses.json(encoding: PromotionResult(dataset: dataset, current: version, previous: outcome.previous, comparison: outcome.comparison))
    }

    // MARK: Validation

    /// One JSON object of features validated with the dataset's schema: a value for every
    /// feature of the model (others may be given, or left out), no unknown member. Errors are
    /// appended, named with `prefix`; nil when any.
    static func features(
        _ value: JSONInput, session: DatasetSessions.Session, model: DatasetModel, prefix: String = "", errors: inout [FieldError]
    ) -> [Double?]? {
        let schema = session.schema
        guard case .object(let members) = value else {
            let names = model.featureIndices.map { schema.features[$0].name }.joined(separator: ", ")
            errors.append(FieldError(field: prefix.isEmpty ? "body" : String(prefix.dropLast()), detail: "must be an object with \(names), not \(value.kind)"))
            return nil
        }
        let errorCount = errors.count
        var given = [JSONInput?](repeating: nil, count: schema.features.count)
        for (key, member) in members {
            guard let index = schema.features.firstIndex(where: { $0.name == key }) else {
                errors.append(FieldError(field: prefix + key, detail: "is not a feature of dataset \(schema.name); expected \(schema.features.map(\.name).joined(separator: ", "))"))
                continue
            }
            guard given[index] == nil else {
                errors.append(FieldError(field: prefix + key, detail: "appears more than once"))
                continue
            }
            given[index] = member
        }
        var features = [Double?](repeating: nil, count: schema.features.count)
        let needed = Set(model.featureIndices)
        for index in schema.features.indices {
            switch session.validator.value(of: given[index], feature: index) {
            case .success(let value): features[index] = value
            case .failure(let problem):
                errors.append(FieldError(field: prefix + schema.features[index].name, detail: problem.detail))
                continue
            }
            if features[index] == nil, needed.contains(index), given[index] == nil || given[index] == .null {
                errors.append(FieldError(field: prefix + schema.features[index].name, detail: "is required: model version \(model.version) uses it"))
            }
        }
        return errors.count == errorCount ? features : nil
    }

    /// The items of a batch body `{"<member>": [...]}`, at least one and at most the batch
    /// size; an envelope error is thrown as a problem, with the earlier `errors`.
    static func batchItems(_ body: JSONInput, member name: String, noun: String, errors: inout [FieldError]) throws -> [JSONInput] {
        guard case .object(let members) = body else {
            throw Problem.invalidBody([FieldError(field: "body", detail: "must be an object {\"\(name)\": [...]}, not \(body.kind)")])
        }
        for (key, _) in members where key != name {
            errors.append(FieldError(field: key, detail: "is not a known field; expected \(name)"))
        }
        guard let value = members.first(where: { $0.key == name })?.value else {
            throw Problem.invalidBody(errors + [FieldError(field: name, detail: "is required")])
        }
        guard case .array(let items) = value else {
            throw Problem.invalidBody(errors + [FieldError(field: name, detail: "must be an array, not \(value.kind)")])
        }
        guard !items.isEmpty else { throw Problem.invalidBody(errors + [FieldError(field: name, detail: "must hold at least one of the \(noun)")]) }
        guard items.count <= PenguinsServer.maximumBatchSize else {
            throw Problem.invalidBody(errors + [FieldError(
                field: name, detail: "holds \(items.count) \(noun); at most \(PenguinsServer.maximumBatchSize) per request"
            )])
        }
        return items
    }
}

extension JSONWriter {
    /// `prediction`, `probabilities` (by class name), `confidence`, `model_version`.
    mutating func datasetPredictionMembers(_ prediction: RecordPrediction, schema: DatasetSchema) {
        key("prediction"); string(schema.target.classes[prediction.predictedClass])
        key("probabilities")
        beginObject()
        for (index, name) in schema.target.classes.enumerated() {
            key(name); number(index < prediction.probabilities.count ? prediction.probabilities[index] : 0)
        }
        endObject()
        key("confidence"); number(prediction.confidence)
        key("model_version"); int(prediction.modelVersion)
    }

    /// A warehouse row of a dataset: its id, class and features by name, and its prediction.
    mutating func storedRecord(_ stored: StoredRecord, schema: DatasetSchema) {
        beginObject()
        key(schema.idColumnName); string(stored.record.id)
        key(schema.target.name); string(schema.target.classes[stored.record.targetClass])
        for index in schema.features.indices {
            key(schema.features[index].name)
            switch schema.valueText(of: stored.record, feature: index) {
            case .number(let value): number(value)
            case .string(let text): string(text)
            default: null()
            }
        }
        key("prediction")
        if let prediction = stored.prediction {
            beginObject()
            datasetPredictionMembers(prediction, schema: schema)
            key("predicted_at"); date(prediction.predictedAt)
            endObject()
        } else {
            null()
        }
        endObject()
    }
}
