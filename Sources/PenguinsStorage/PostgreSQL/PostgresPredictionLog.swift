import Foundation
import PenguinsCore
import PostgresNIO

/// The prediction log in PostgreSQL: table `prediction_log`, one row per logged prediction, in
/// append order (its identity column).
public struct PostgresPredictionLog: PredictionLog {
    let store: PostgresStore

    /// Appends entries in the given order, in one statement binding one array per column.
    public func append(_ entries: [PredictionLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        var billLengths = PostgresArray(of: .float8, capacity: entries.count * 12)
        var billDepths = PostgresArray(of: .float8, capacity: entries.count * 12)
        var flipperLengths = PostgresArray(of: .float8, capacity: entries.count * 12)
        var bodyMasses = PostgresArray(of: .float8, capacity: entries.count * 12)
        var species = PostgresArray(of: .text, capacity: entries.count * 12)
        var probabilities = PostgresArray(of: .text, capacity: entries.count * 64)
        var versions = PostgresArray(of: .int4, capacity: entries.count * 8)
        var times = PostgresArray(of: .float8, capacity: entries.count * 12)
        for entry in entries {
            billLengths.append(entry.measurements.billLength)
            billDepths.append(entry.measurements.billDepth)
            flipperLengths.append(entry.measurements.flipperLength)
            bodyMasses.append(entry.measurements.bodyMass)
            species.append(entry.prediction.species.rawValue)
            probabilities.append(PredictionText.probabilities(entry.prediction.probabilities))
            versions.append(Int32(clamping: entry.prediction.modelVersion))
            times.append(entry.prediction.predictedAt.timeIntervalSince1970)
        }
        let statement: PostgresQuery = """
            INSERT INTO prediction_log (
                bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, species, probabilities, model_version, predicted_at
            )
            SELECT a, b, c, d, e, f, g, h FROM unnest(\(billLengths), \(billDepths), \(flipperLengths), \(bodyMasses), \(species), \(probabilities),
                                 \(versions), \(times)) WITH ORDINALITY AS t(a, b, c, d, e, f, g, h, position)
            ORDER BY position
            """
        try await store.run(.predictionLog) { client in try await client.query(statement) }
    }

    /// The newest entries first, at most `limit`.
    public func recent(limit: Int) async throws -> [PredictionLogEntry] {
        guard limit > 0 else { return [] }
        return try await store.run(.predictionLog) { client in
            let rows = try await client.query("""
                SELECT bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, species, probabilities, model_version, predicted_at
                FROM prediction_log ORDER BY id DESC LIMIT \(limit)
                """)
            var entries: [PredictionLogEntry] = []
            for try await (billLength, billDepth, flipperLength, bodyMass, speciesName, probabilities, version, predictedAt)
                in rows.decode((Double?, Double?, Double?, Double?, String, String, Int, Double).self) {
                guard let species = Species(rawValue: speciesName) else {
                    throw StorageError.corrupt("the prediction log holds an unknown species \(speciesName)")
                }
                entries.append(PredictionLogEntry(
                    measurements: Measurements(billLength: billLength, billDepth: billDepth, flipperLength: flipperLength, bodyMass: bodyMass),
                    prediction: Prediction(
                        species: species, probabilities: try PredictionText.probabilities(parsing: probabilities),
                        modelVersion: version, predictedAt: Date(timeIntervalSince1970: predictedAt)
                    )
                ))
            }
            return entries
        }
    }

    /// The newest `limit` present values of one feature, oldest first.
    public func values(of feature: Feature, limit: Int) async throws -> [Double] {
        guard limit > 0 else { return [] }
        let column = feature.rawValue
        let newestFirst = try await store.run(.predictionLog) { client in
            var values: [Double] = []
            for try await value in try await client.query(
                "SELECT \(unescaped: column) FROM prediction_log WHERE \(unescaped: column) IS NOT NULL ORDER BY id DESC LIMIT \(limit)"
            ).decode(Double.self) {
                values.append(value)
            }
            return values
        }
        return newestFirst.reversed()
    }

    /// The number of logged predictions.
    public func count() async throws -> Int {
        try await store.run(.predictionLog) { client in try await PostgresStore.count(client, "SELECT count(*) FROM prediction_log") }
    }
}
