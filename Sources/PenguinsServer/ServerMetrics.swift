import Foundation
import PenguinsCore
import Prometheus
import Synchronization

/// The server's Prometheus metrics, all created up front so recording is an atomic add or a
/// short lock: request counts and latency histograms per route, cache hits, misses, errors
/// and fallbacks, predictions per species, and the prediction log's writes.
public final class ServerMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry: PrometheusCollectorRegistry

    private let cacheHitCounter: Counter
    private let cacheMissCounter: Counter
    private let cacheErrorCounter: Counter
    private let fallbackCounters: [PredictionSource: Counter]
    private let speciesCounters: [Species: Counter]
    private let logWrittenCounter: Counter
    private let logFailureCounter: Counter
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

    func logWritten(_ count: Int) { logWrittenCounter.increment(by: Int64(count)) }

    func logWriteFailed() { logFailureCounter.increment() }

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
