import Foundation
import PenguinsCore
import PostgresNIO

/// The prediction log of one dataset in PostgreSQL: table `ds_<name>_prediction_log`, as in
/// ``SQLiteRecordPredictionLog``, in append order (its identity column).
public struct PostgresRecordPredictionLog: RecordPredictionLog {
    let store: PostgresStore
    let tables: DatasetTables
    let coding: RecordCoding

    init(store: PostgresStore, tables: DatasetTables) {
        self.store = store
        self.tables = tables
        coding = RecordCoding(schema: tables.schema)
    }

    public var schema: DatasetSchema { tables.schema }

    /// Appends entries in the given order, in one statement binding one array per column.
    public func append(_ entries: [RecordLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        var inputs = PostgresArray(of: .text, capacity: entries.count * 96)
        var classes = PostgresArray(of: .text, capacity: entries.count * 16)
        var probabilities = PostgresArray(of: .text, capacity: entries.count * 64)
        var versions = PostgresArray(of: .int4, capacity: entries.count * 8)
        var times = PostgresArray(of: .float8, capacity: entries.count * 12)
        for entry in entries {
            inputs.append(coding.inputsText(entry.features))
            classes.append(schema.target.classes[entry.prediction.predictedClass])
            probabilities.append(coding.probabilitiesText(entry.prediction.probabilities))
            versions.append(Int32(clamping: entry.prediction.modelVersion))
            times.append(entry.prediction.predictedAt.timeIntervalSince1970)
        }
        let statement: PostgresQuery = """
            INSERT INTO \(unescaped: tables.predictionLog) (inputs, predicted_class, probabilities, model_version, predicted_at)
            SELECT a, b, c, d, e FROM unnest(\(inputs), \(classes), \(probabilities), \(versions), \(times))
                WITH ORDINALITY AS t(a, b, c, d, e, position)
            ORDER BY position
            """
        try await store.run(.predictionLog) { client in try await client.query(statement) }
    }

    /// The newest entries first, at most `limit`.
    public func recent(limit: Int) async throws -> [RecordLogEntry] {
        guard limit > 0 else { return [] }
        let (table, coding) = (tables.predictionLog, coding)
        return try await store.run(.predictionLog) { client in
            let rows = try await client.query("""
                SELECT id, inputs, predicted_class, probabilities, model_version, predicted_at
                FROM \(unescaped: table) ORDER BY id DESC LIMIT \(limit)
                """)
            var entries: [RecordLogEntry] = []
            for try await (id, inputs, predictedClass, probabilities, version, predictedAt)
                in rows.decode((Int64, String, String, String, Int, Double).self) {
                let entry = "prediction log entry \(id)"
                entries.append(RecordLogEntry(
                    features: try coding.features(inputs: inputs, entry: entry),
                    prediction: RecordPrediction(
                        predictedClass: try coding.targetClass(predictedClass, id: entry),
                        probabilities: try coding.probabilities(probabilities, id: entry),
                        modelVersion: version, predictedAt: Date(timeIntervalSince1970: predictedAt)
                    )
                ))
            }
            return entries
        }
    }

    /// The number of logged predictions.
    public func count() async throws -> Int {
        let table = tables.predictionLog
        return try await store.run(.predictionLog) { client in try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)") }
    }
}
