import Foundation
import PenguinsPipeline
import PenguinsStorage

/// Analyses of a dataset's stored rows (statistics, regressions), each computed once per
/// version of the data (``RecordWarehouse/dataVersion()``) and reused until an upsert, in this
/// process or another, moves the version on. Requests that ask for a result being computed wait
/// for that one computation instead of starting their own. A failed computation is not kept.
///
/// Only a computation takes a slot of the server's ``HeavyWorkLimiter`` (a request that needs
/// one while none is free is turned away with 429); a request a kept or running computation
/// serves never is.
actor AnalysisResults {
    /// What was analysed: the dataset and the analysis with its parameters (and the schema it
    /// was read with), in a canonical text.
    struct Key: Hashable {
        var dataset: String
        var analysis: String
    }

    private struct Entry {
        var version: Int64
        var task: Task<any Sendable, any Error>
        var used: UInt64
    }

    /// The most results kept; the one used longest ago goes first.
    let capacity: Int
    private var entries: [Key: Entry] = [:]
    private var clock: UInt64 = 0
    private let limiter: HeavyWorkLimiter?
    /// Told of every request: its dataset and whether a kept (or running) computation served it.
    private let observe: @Sendable (_ dataset: String, _ reused: Bool) -> Void

    init(
        capacity: Int = 64, limiter: HeavyWorkLimiter? = nil,
        observe: @escaping @Sendable (_ dataset: String, _ reused: Bool) -> Void = { _, _ in }
    ) {
        self.capacity = capacity
        self.limiter = limiter
        self.observe = observe
    }

    /// The result of `key` for data at `version`: kept, being computed, or computed now by `compute`.
    func value<Result: Sendable>(
        _ key: Key, version: Int64, compute: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        clock += 1
        let task: Task<any Sendable, any Error>
        if let entry = entries[key], entry.version == version {
            task = entry.task
            entries[key]?.used = clock
            observe(key.dataset, true)
        } else {
            if let limiter, !limiter.tryAcquire() { throw Problem.tooBusy(limit: limiter.limit) }
            task = Task { [limiter] in
                defer { limiter?.release() }
                return try await compute()
            }
            entries[key] = Entry(version: version, task: task, used: clock)
            observe(key.dataset, false)
            evictBeyondCapacity()
        }
        do {
            // Only the same key asks for the same task, so the result is of the type asked for.
            return try await task.value as! Result
        } catch {
            if entries[key]?.task == task { entries[key] = nil }
            throw error
        }
    }

    private func evictBeyondCapacity() {
        while entries.count > capacity, let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
    }
}

extension Endpoints {
    /// `compute`, an analysis of `warehouse`'s rows named `name` (with its parameters), run once
    /// per version of the rows' data and reused until it changes (``AnalysisResults``).
    func analysis<Result: Sendable>(
        _ name: String, of warehouse: any RecordWarehouse, compute: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await versionedAnalysis(name, of: warehouse) { _ in try await compute() }
    }

    /// ``analysis(_:of:compute:)`` whose computation is told the data version it is made for.
    private func versionedAnalysis<Result: Sendable>(
        _ name: String, of warehouse: any RecordWarehouse, compute: @escaping @Sendable (_ version: Int64) async throws -> Result
    ) async throws -> Result {
        let version = try await store(.warehouse) { try await warehouse.dataVersion() }
        let key = AnalysisResults.Key(dataset: warehouse.schema.name, analysis: name + "#" + warehouse.schema.fingerprint)
        return try await analyses.value(key, version: version) { try await compute(version) }
    }

    /// ``analysis(_:of:compute:)`` whose result is saved in the warehouse's store with the
    /// version of the data it is of (``RecordWarehouse/saveAggregate(_:named:version:)``), in
    /// the background: a server started again on data that has not changed reads it from there
    /// instead of computing it. For results made by scans whose cost grows with the data (counts
    /// of the lake, of the records usable and scored).
    func savedAnalysis<Result: Sendable & Codable>(
        _ name: String, of warehouse: any RecordWarehouse, compute: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await versionedAnalysis(name, of: warehouse) { [self] version in
            let savedName = "result.v1." + name
            let saved = try await store(.warehouse) { try await warehouse.savedAggregate(named: savedName) }
            if let saved, saved.version == version, let result = try? AggregateCoding.decode(Result.self, from: saved.body) {
                return result
            }
            let result = try await compute()
            // Saved only when no write came in between: the result is then of that version.
            guard try await store(.warehouse, { try await warehouse.dataVersion() }) == version else { return result }
            Task.detached(priority: .background) { [logger] in
                do {
                    try await warehouse.saveAggregate(try AggregateCoding.encode(result), named: savedName, version: version)
                } catch {
                    logger.warning("could not save the \(name) of \(warehouse.schema.name) at data version \(version): \(error)")
                }
            }
            return result
        }
    }
}
