import Foundation
import PenguinsPipeline
import PenguinsCore
import PenguinsStorage
import Prometheus
import Synchronization

/// The server's Prometheus metrics, all created up front so recording is an atomic add or a
/// short lock: request counts and latency histograms per route, cache hits, misses, errors
/// fallbacks and invalidations, predictions per species, the prediction log's writes, and each store
/// role's errors and up/down state.
public final class ServerMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry: PrometheusCollectorRegistry

    private let cacheHitCounter: Counter
    private let cacheMissCounter: Counter
    private let cacheErrorCounter: Counter
    private let fallbackCounters: [PredictionSource: Counter]
    private let speciesCounters: [Species: Counter]
    /// Live predictions of other datasets' models, by dataset and class, made on first use.
    private let classCounters = Mutex<[String: Counter]>([:])
    private let logWrittenCounter: Counter
    private let logFailureCounter: Counter
    private let logDroppedCounter: Counter
    private let logBufferedGauge: Gauge
    private let cacheFallbackCounter: Counter
    private let cacheInvalidationCounter: Counter
    private let cacheClearCounter: Counter
    private let storeErrorCounters: [StoreRole: Counter]
    private let storeUpGauges: [StoreRole: Gauge]
    /// Cache hits and misses, also kept as plain atomics for the dashboard's overview.
    private let hits = Atomic<Int>(0)
    private let misses = Atomic<Int>(0)

    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        func counter(_ name: String, _ help: String, _ labels: [(String, String)] = []) -> Counter {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(namespace: "penguins", metricName: name, unitName: "total", helpText: help),
                labels: labels
            )
        }
        cacheHitCounter = counter("cache_hits", "Prediction lookups answered by the cache.")
        cacheMissCounter = counter("cache_misses", "Prediction lookups the cache could not answer (including cache errors).")
        cacheErrorCounter = counter("cache_errors", "Prediction cache reads or writes that failed (a failed read counts as a miss).")
        fallbackCounters = Dictionary(uniqueKeysWithValues: [PredictionSource.warehouse, .model].map {
            ($0, counter("lookup_fallbacks", "Prediction lookups answered after a cache miss, by source.", [("source", $0.rawValue)]))
        })
        speciesCounters = Dictionary(uniqueKeysWithValues: Species.allCases.map {
            ($0, counter("predictions", "Live predictions by predicted species.", [("species", $0.rawValue)]))
        })
        logWrittenCounter = counter("prediction_log_written", "Prediction log entries written to the store.")
        logFailureCounter = counter("prediction_log_write_failures", "Prediction log batch writes that failed and were kept for retry.")
        logDroppedCounter = counter(
            "prediction_log_dropped", "Prediction log entries dropped, oldest first, because the buffer was full while the log could not be written."
        )
        logBufferedGauge = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "penguins", metricName: "prediction_log_buffered", unitName: "", helpText: "Prediction log entries waiting in memory to be written."
            ),
            labels: []
        )
        cacheFallbackCounter = counter(
            "cache_fallbacks", "Prediction lookups answered without the cache because it failed or was down."
        )
        cacheInvalidationCounter = counter(
            "cache_invalidations", "Penguins whose cached predictions were removed because their measurements changed in the warehouse."
        )
        cacheClearCounter = counter(
            "cache_clears", "Times the whole prediction cache was emptied to stay coherent with the warehouse (too many changes at once)."
        )
        storeErrorCounters = Dictionary(uniqueKeysWithValues: StoreRole.allCases.map {
            ($0, counter("store_errors", "Store calls that failed or timed out, by role.", [("role", $0.apiName)]))
        })
        storeUpGauges = Dictionary(uniqueKeysWithValues: StoreRole.allCases.map {
            ($0, registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "penguins", metricName: "store_up", unitName: "", helpText: "1 while the role's store answers, 0 while it is down and skipped."
                ),
                labels: [("role", $0.apiName)]
            ))
        })
    }

    /// The metrics of one route, to be captured by its handler.
    func route(_ method: String, _ path: String) -> RouteMetrics {
        RouteMetrics(registry: registry, method: method, path: path)
    }

    func cacheHit() {
        cacheHitCounter.increment()
        hits.add(1, ordering: .relaxed)
    }

    func cacheMiss() {
        cacheMissCounter.increment()
        misses.add(1, ordering: .relaxed)
    }

    func cacheError() { cacheErrorCounter.increment() }

    func fallback(_ source: PredictionSource) { fallbackCounters[source]?.increment() }

    func predicted(_ species: Species, count: Int = 1) { speciesCounters[species]?.increment(by: Int64(count)) }

    /// Counts live predictions of class `name` by the model of `dataset` (not the penguins).
    func predicted(dataset: String, class name: String, count: Int = 1) {
        let counter = classCounters.withLock { counters in
            let key = dataset + "\u{0}" + name
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "penguins", metricName: "dataset_predictions", unitName: "total",
                    helpText: "Live predictions of datasets other than the penguins, by dataset and predicted class."
                ),
                labels: [("dataset", dataset), ("class", name)]
            )
            counters[key] = counter
            return counter
        }
        counter.increment(by: Int64(count))
    }

    /// Sets the production quality of `dataset`'s current model, from its predictions with
    /// ground truth (`penguins_production_accuracy`, `penguins_production_macro_f1`,
    /// `penguins_production_rows`); without any, the two ratios are left as they were.
    func production(dataset: String, _ metrics: ProductionMetrics) {
        func gauge(_ name: String, _ help: String) -> Gauge {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "penguins", metricName: name, unitName: "", helpText: help),
                labels: [("dataset", dataset)]
            )
        }
        gauge("production_rows", "Predictions of the current model with ground truth, by dataset.").set(Int64(metrics.rows))
        guard let accuracy = metrics.accuracy, let macroF1 = metrics.macroF1 else { return }
        gauge("production_accuracy", "Accuracy of the current model on predictions with ground truth, by dataset.").set(accuracy)
        gauge("production_macro_f1", "Macro-F1 of the current model on predictions with ground truth, by dataset.").set(macroF1)
    }

    /// Sets the drift gauges of a dataset's newest window: `penguins_drift_share` (the share of
    /// its columns that drifted; left as it was when the window has too few rows) and
    /// `penguins_feature_drift` (1 for a column that drifted, 0 for one that did not).
    func drift(_ result: ScheduledDrift) {
        if let share = result.driftedShare {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "penguins", metricName: "drift_share", unitName: "",
                    helpText: "Share of the columns that drifted in the newest day of the prediction log, by dataset."),
                labels: [("dataset", result.dataset)]
            ).set(share)
        }
        for column in result.columns {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(
                    namespace: "penguins", metricName: "feature_drift", unitName: "",
                    helpText: "1 when the column drifted in the newest day of the prediction log, else 0, by dataset and column."),
                labels: [("dataset", result.dataset), ("feature", column.name)]
            ).set(Int64(column.drift ? 1 : 0))
        }
    }

    /// Counts ground truth recorded for `dataset`'s predictions.
    func feedbackRecorded(dataset: String, count: Int) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "penguins", metricName: "feedback_recorded", unitName: "total",
                helpText: "Ground truth recorded for predictions and stored rows, by dataset."
            ),
            labels: [("dataset", dataset)]
        ).increment(by: Int64(count))
    }

    /// Counts a request for an analysis of `dataset`'s rows, computed or reused (``AnalysisResults``).
    func analysisRequested(dataset: String, reused: Bool) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "penguins", metricName: "analysis_requests", unitName: "total",
                helpText: "Requests for statistics and regressions of stored rows, by dataset and whether a result of the same data served them."
            ),
            labels: [("dataset", dataset), ("result", reused ? "reused" : "computed")]
        ).increment()
    }

    /// Counts an update of one of `dataset`'s kept aggregates (``KeptAggregates``), `what`
    /// they summarise (statistics, regression), by what it read (``AggregateUpdate``).
    func keptAggregateUpdated(_ what: String, dataset: String, update: AggregateUpdate) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "penguins", metricName: "\(what)_updates", unitName: "total",
                helpText: "Updates of the \(what) kept as sums that changes of the records move on, by dataset and what they read: the inserted records, the inserted and updated records with the values the updates replaced, every record, the store's counts of every record, or the copy saved in the store."
            ),
            labels: [("dataset", dataset), ("read", update.rawValue)]
        ).increment()
    }

    func logWritten(_ count: Int) { logWrittenCounter.increment(by: Int64(count)) }

    func logWriteFailed() { logFailureCounter.increment() }

    func logDropped(_ count: Int) { logDroppedCounter.increment(by: Int64(count)) }

    func logBuffered(_ count: Int) { logBufferedGauge.set(Int64(count)) }

    func cacheFallback() { cacheFallbackCounter.increment() }

    func cacheInvalidated(_ count: Int) { cacheInvalidationCounter.increment(by: Int64(count)) }

    func cacheCleared() { cacheClearCounter.increment() }

    func storeError(_ role: StoreRole) { storeErrorCounters[role]?.increment() }

    func storeUp(_ role: StoreRole, _ up: Bool) { storeUpGauges[role]?.set(up ? Int64(1) : 0) }

    /// Cache hits and misses since the server started.
    public var cacheCounts: (hits: Int, misses: Int) {
        (hits.load(ordering: .relaxed), misses.load(ordering: .relaxed))
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}

/// Request count by status and a latency histogram for one route.
final class RouteMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let method: String
    private let path: String
    private let latency: DurationHistogram
    /// Counters by status code, created on first use.
    private let counters = Mutex<[Int: Counter]>([:])

    init(registry: PrometheusCollectorRegistry, method: String, path: String) {
        self.registry = registry
        self.method = method
        self.path = path
        latency = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                namespace: "penguins", metricName: "http_request_duration", unitName: "seconds",
                helpText: "Time to answer a request, by route."
            ),
            labels: [("method", method), ("route", path)],
            buckets: ServerMetrics.latencyBuckets
        )
    }

    func record(status: Int, duration: Duration) {
        latency.record(duration)
        let counter = counters.withLock { counters in
            if let counter = counters[status] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "penguins", metricName: "http_requests", unitName: "total",
                    helpText: "Requests answered, by route and status."
                ),
                labels: [("method", method), ("route", path), ("status", String(status))]
            )
            counters[status] = counter
            return counter
        }
        counter.increment()
    }
}
