import Foundation
import PenguinsCore
import PenguinsStorage

/// Latency of sequential single-key reads of one store.
public struct StoreLatency: Codable, Sendable {
    public var store: String
    public var backend: String
    public var iterations: Int
    public var meanMilliseconds: Double
    public var p50Milliseconds: Double
    public var p99Milliseconds: Double
    public var operationsPerSecond: Double

    /// Summarises measured durations (seconds).
    public init(store: String, backend: String, durations: [Double]) {
        let sorted = durations.sorted()
        let total = durations.reduce(0, +)
        self.store = store
        self.backend = backend
        self.iterations = durations.count
        self.meanMilliseconds = total / Double(max(1, durations.count)) * 1000
        self.p50Milliseconds = StoreLatency.percentile(sorted, 0.50) * 1000
        self.p99Milliseconds = StoreLatency.percentile(sorted, 0.99) * 1000
        self.operationsPerSecond = total > 0 ? Double(durations.count) / total : 0
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}

/// The store benchmark: for the cache, the lake and the warehouse of a dataset, `warmUp` reads
/// then `iterations` timed sequential reads of single keys, cycling over its stored ids.
public struct StoreBenchmark: Sendable {
    public var platform: Platform
    public var iterations: Int
    public var warmUp: Int

    public init(platform: Platform, iterations: Int = 1_000, warmUp: Int = 100) {
        self.platform = platform
        self.iterations = iterations
        self.warmUp = warmUp
    }

    /// The reads of the penguins' stores (``run(dataset:)`` with the schema of their warehouse).
    public func run() async throws -> [StoreLatency] {
        try await run(dataset: platform.warehouse.recordWarehouse.schema)
    }

    /// The cache, lake and warehouse reads of a dataset's stores (the penguins' their own): the
    /// first `iterations + warmUp` ids of its lake, each read by key. The cache is filled for
    /// those ids first, as lookups would fill it, with the rows' stored predictions (a
    /// placeholder for a row not scored yet), under the current model's version.
    public func run(dataset schema: DatasetSchema) async throws -> [StoreLatency] {
        guard iterations > 0, warmUp >= 0 else { throw PipelineError.invalidOption("--iterations must be positive") }
        let stores = try await platform.tables(for: schema)
        let ids = try await stores.lake.scan(after: nil, limit: iterations + warmUp).map(\.id)
        guard !ids.isEmpty else {
            throw PipelineError.emptyWarehouse(dataset: schema.name)
        }
        let version = try await stores.registry.current()?.version ?? 0
        var entries: [(id: String, prediction: RecordPrediction)] = []
        for id in ids {
            var prediction = try await stores.warehouse.record(id: id)?.prediction
                ?? RecordPrediction(predictedClass: 0, probabilities: schema.target.classes.indices.map { $0 == 0 ? 1 : 0 }, modelVersion: version, predictedAt: Date())
            prediction.modelVersion = version
            entries.append((id, prediction))
        }
        try await stores.cache.store(entries, ttlSeconds: platform.configuration.cacheTTLSeconds)
        return [
            try await measure("cache", backend: String(describing: type(of: stores.cache)), ids: ids) {
                _ = try await stores.cache.prediction(id: $0, modelVersion: version)
            },
            try await measure("lake", backend: String(describing: type(of: stores.lake)), ids: ids) {
                _ = try await stores.lake.document(id: $0)
            },
            try await measure("warehouse", backend: String(describing: type(of: stores.warehouse)), ids: ids) {
                _ = try await stores.warehouse.record(id: $0)
            },
        ]
    }

    private func measure(_ store: String, backend: String, ids: [String], read: (String) async throws -> Void) async throws -> StoreLatency {
        for index in 0..<warmUp { try await read(ids[index % ids.count]) }
        var durations: [Double] = []
        durations.reserveCapacity(iterations)
        let clock = ContinuousClock()
        for index in 0..<iterations {
            let id = ids[(warmUp + index) % ids.count]
            let elapsed = try await clock.measure { try await read(id) }
            durations.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return StoreLatency(store: store, backend: backend, durations: durations)
    }
}

