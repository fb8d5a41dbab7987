import Foundation
import PenguinsCore

/// The penguins' prediction cache: the record cache of their bundled schema, read and written
/// as species.
///
/// Its entries live where the platform's first cache kept them (see
/// ``SQLiteRecordPredictionCache/init(penguinsIn:now:schema:)`` and
/// ``RedisRecordPredictionCache/init(penguinsIn:schema:)``), so a cache filled before the
/// penguins' stores became their dataset's stays valid.
///
/// A class, so that copying a platform (every request's closures capture one) retains it once
/// rather than each part of its schema.
public final class PenguinPredictionCache: CoherentCache {
    /// The record cache the predictions are kept in.
    public let records: any RecordPredictionCache
    let coding: PenguinRecords

    public init(records: any RecordPredictionCache, schema: DatasetSchema = BundledSchemas.penguins) {
        self.records = records
        coding = PenguinRecords(schema: schema)
    }

    /// The cached prediction of `penguinID` by `modelVersion`, or nil when absent or expired.
    public func prediction(penguinID: String, modelVersion: Int) async throws -> Prediction? {
        guard let stored = try await records.prediction(id: penguinID, modelVersion: modelVersion) else { return nil }
        return coding.prediction(stored)
    }

    /// Stores predictions (each under its own model version) for `ttlSeconds`; rewriting a key refreshes its TTL.
    public func store(_ predictions: [(penguinID: String, prediction: Prediction)], ttlSeconds: Int) async throws {
        let coding = coding
        try await records.store(predictions.map { ($0.penguinID, coding.recordPrediction($0.prediction)) }, ttlSeconds: ttlSeconds)
    }

    public func remove(ids: [String], modelVersions: [Int]) async throws { try await records.remove(ids: ids, modelVersions: modelVersions) }

    public func removeAll() async throws { try await records.removeAll() }

    public func count() async throws -> Int { try await records.count() }

    public func coherentThrough() async throws -> Int64? { try await records.coherentThrough() }

    public func setCoherentThrough(_ sequence: Int64) async throws { try await records.setCoherentThrough(sequence) }
}
