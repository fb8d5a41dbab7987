import Foundation
import Hummingbird
import Logging
import NIOCore
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// The state every handler shares: the platform, the live model, the prediction log buffer
/// and the metrics. Handlers live in extensions (`Endpoints+API`, `Endpoints+Dashboard`).
final class Endpoints: Sendable {
    let platform: Platform
    let model: LiveModel
    let log: PredictionLogBuffer
    /// Where the penguins' live predictions are logged.
    let penguinLog: PredictionLogDestination
    let logWriter: PredictionLogWriter
    let metrics: ServerMetrics
    /// The circuit breakers and last errors of the store roles.
    let health: StoreHealth
    /// Moves when stale predictions are removed from the cache; a lookup refills only if it has not moved since its read.
    let cacheGeneration: CacheGeneration
    let logger: Logger
    /// The written components of the OpenAPI document (``OpenAPIDocument``), read once.
    let openAPIComponents: String
    /// The Spark/Swift shadow comparison of `GET /model` and the Classification page, reused briefly.
    let shadowCache = ShadowComparisonCache()
    /// The production quality of `GET /model`, reused briefly.
    let productionCache = ProductionReportCache()
    /// Statistics and regressions of the stored rows, kept per version of the data.
    let analyses: AnalysisResults
    /// Each dataset's statistics as counts, brought up to date with the records inserted since.
    let keptStatistics: KeptStatistics
    let keptRegressions: KeptRegressions
    /// The schemas, stores and models of the datasets other than the penguins.
    let datasetSessions: DatasetSessions
    /// The API keys in force and how the server treats callers without one.
    let access: AccessControl
    /// The dashboard's simulated streams, apart from the prediction log.
    let simulations = SimulatedStreams()
    /// The fewest current rows a drift verdict is given on.
    let minimumDriftRows: Int
    /// The scheduled jobs and their last runs.
    let jobs: JobBoard
    /// The alert rules' states.
    let alerts: AlertBoard

    init(
        platform: Platform, model: LiveModel, log: PredictionLogBuffer, logWriter: PredictionLogWriter, metrics: ServerMetrics,
        health: StoreHealth, cacheGeneration: CacheGeneration, access: AccessControl = AccessControl(),
        analysisLimiter: HeavyWorkLimiter = HeavyWorkLimiter(limit: HeavyWorkLimiter.defaultLimit),
        minimumDriftRows: Int = ServerOptions.defaultMinimumDriftRows, jobs: JobBoard = JobBoard(schedules: []),
        alerts: AlertBoard = AlertBoard(rules: []), logger: Logger
    ) {
        self.platform = platform
        self.model = model
        self.log = log
        penguinLog = PredictionLogDestination(schema: model.reader.schema)
        self.logWriter = logWriter
        self.metrics = metrics
        analyses = AnalysisResults(limiter: analysisLimiter) { [metrics] dataset, reused in
            metrics.analysisRequested(dataset: dataset, reused: reused)
        }
        keptStatistics = KeptStatistics(logger: logger) { [metrics] dataset, update in
            metrics.keptAggregateUpdated("statistics", dataset: dataset, update: update)
        }
        keptRegressions = KeptRegressions(capacity: 16, logger: logger) { [metrics] dataset, update in
            metrics.keptAggregateUpdated("regression", dataset: dataset, update: update)
        }
        self.health = health
        self.cacheGeneration = cacheGeneration
        self.access = access
        self.minimumDriftRows = minimumDriftRows
        self.jobs = jobs
        self.alerts = alerts
        self.logger = logger
        self.datasetSessions = DatasetSessions(platform: platform)
        self.openAPIComponents = (try? OpenAPIDocument.writtenComponents()) ?? "components:\n  schemas:\n"
    }

    /// Registers every route on `table`: the JSON API, the datasets' routes, the dashboard,
    /// and last the OpenAPI document, which describes all of them.
    func register(on table: inout RouteTable) {
        registerAPI(on: &table)
        registerDatasetAPI(on: &table)
        registerDashboard(on: &table)
        registerAccess(on: &table)
        registerOpenAPI(on: &table)
    }

    /// Runs a store call of `role` through its circuit breaker (at once a 503 while the role
    /// is down), turning a failure into a 503 problem naming the store. With a `timeout`, a call
    /// still waiting then is a 503 too. Workflow errors (no model, not enough data), not-found
    /// answers and problems pass through unchanged.
    func store<T: Sendable>(_ role: StoreRole, timeout: Duration? = nil, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await health.call(role, timeout: timeout, body)
        } catch let down as StoreDown {
            throw Problem.storeUnavailable(down.role.displayName, down, field: down.role.apiName)
        }
    }

    /// ``store(_:timeout:_:)`` for a call that spans several roles (`what` names them): a
    /// failure is a 503, without a circuit breaker.
    func store<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error where StoreHealth.isStoreFailure(error) {
            throw Problem.storeUnavailable(what, error, field: what.replacingOccurrences(of: " ", with: "_"))
        }
    }

    /// Promotes a version of the penguins' registry through the gate (``ModelPromotion``) and
    /// swaps the live model to it. Returns the version the live model replaced and the comparison. A version the
    /// penguins' schema cannot serve is not promoted; a worse one is refused (409) unless `request.force`.
    func promote(version: Int, _ request: PromotionRequest) async throws -> PromotionOutcome {
        guard let registered = try await store(.registry, { [platform] in try await platform.registry.model(version: version) }) else {
            throw Problem.notFound("model version \(version)", field: "version")
        }
        let bound = try model.bind(version: version, artifact: try ModelArtifact.decode(registered.artifact))
        let gate = ModelPromotion(platform: platform, schema: penguinLog.schema, margin: request.margin)
        var outcome = try await store(.registry) { try await gate.promote(version: version, actor: request.actor, force: request.force) }
        // The version this server served before, which another process may have replaced in the registry meanwhile.
        outcome.previous = model.swap(to: bound)
        return outcome
    }

    /// Appends live predictions of the penguins' `model` to the log buffer, each with the row of
    /// features (by schema index) it was made from, and counts them by species.
    /// Returns the prediction ids they are logged with, in order.
    @discardableResult
    func record(_ predictions: [Prediction], features: [[Double?]], model: SpeciesModel) -> [String] {
        let coding = model.coding
        let entries = zip(features, predictions).map {
            RecordLogEntry(features: $0, prediction: coding.recordPrediction($1), predictionID: PredictionIDs.shared.next())
        }
        let dropped = log.append(contentsOf: entries, to: penguinLog)
        if dropped > 0 { logDropped(dropped) }
        var counts: [Species: Int] = [:]
        for prediction in predictions { counts[prediction.species, default: 0] += 1 }
        for (species, count) in counts { metrics.predicted(species, count: count) }
        return entries.map { $0.predictionID! }
    }

    /// Appends live predictions of a dataset's model to the log buffer and counts them by class.
    func record(_ entries: [RecordLogEntry], of session: DatasetSessions.Session) {
        let schema = session.schema
        let dropped = log.append(contentsOf: entries, to: session.log)
        if dropped > 0 { logDropped(dropped) }
        var counts: [Int: Int] = [:]
        for entry in entries { counts[entry.prediction.predictedClass, default: 0] += 1 }
        for (index, count) in counts { metrics.predicted(dataset: schema.name, class: schema.target.classes[index], count: count) }
    }
}

extension Endpoints {
    /// Counts and reports entries the full prediction log buffer dropped.
    func logDropped(_ count: Int) {
        metrics.logDropped(count)
        logger.error("prediction log buffer full (\(log.capacity) entries) while the log cannot be written: dropped the \(count) oldest")
    }
}

// MARK: - Reading request bodies

extension Endpoints {
    /// The body of a JSON request, parsed: 415 unless it is `application/json`, 413 above
    /// `limit` bytes, 400 when it is not JSON.
    static func jsonBody(_ request: Request, limit: Int) async throws -> JSONInput {
        let contentType = request.headers[.contentType]
        guard let contentType, isJSON(contentType) else {
            throw Problem.unsupportedMediaType(contentType, expected: "application/json")
        }
        let buffer = try await body(request, limit: limit)
        do {
            return try buffer.withUnsafeReadableBytes { try JSONInputParser.parse($0) }
        } catch let error as JSONSyntaxError {
            throw Problem.malformedJSON(error.description)
        }
    }

    /// The raw body, at most `limit` bytes (413 beyond, checked on Content-Length first).
    static func body(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.bodyTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.bodyTooLarge(limit: limit)
        }
    }

    /// The fields of a form post (`application/x-www-form-urlencoded`, or no body).
    static func formBody(_ request: Request) async throws -> FormValues {
        if let contentType = request.headers[.contentType],
           !contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            throw Problem.unsupportedMediaType(contentType, expected: "application/x-www-form-urlencoded")
        }
        let buffer = try await body(request, limit: 64 * 1024)
        return FormValues(String(buffer: buffer))
    }

    static func isJSON(_ contentType: String) -> Bool {
        // The common spellings first: the general parse below goes through Foundation.
        if contentType == "application/json" || contentType == "application/json; charset=utf-8" { return true }
        let type = contentType.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces).lowercased()
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
    }

    /// A path parameter, percent-decoded.
    static func parameter(_ context: PenguinsRequestContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }
}
