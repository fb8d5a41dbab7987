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
        var ids = PostgresArray(of: .text, capacity: entries.count * 32)
        for entry in entries {
            inputs.append(coding.inputsText(entry.features))
            classes.append(schema.target.classes[entry.prediction.predictedClass])
            probabilities.append(coding.probabilitiesText(entry.prediction.probabilities))
            versions.append(Int32(clamping: entry.prediction.modelVersion))
            times.append(entry.prediction.predictedAt.timeIntervalSince1970)
            ids.append(entry.predictionID)
        }
        let statement: PostgresQuery = """
            INSERT INTO \(unescaped: tables.predictionLog) (inputs, predicted_class, probabilities, model_version, predicted_at, prediction_id)
            SELECT a, b, c, d, e, f FROM unnest(\(inputs), \(classes), \(probabilities), \(versions), \(times), \(ids))
                WITH ORDINALITY AS t(a, b, c, d, e, f, position)
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
        return try await store.run(.predictionLog, bulk: true) { client in try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)") }
    }

    /// Records ground truth in one transaction, as ``SQLiteRecordPredictionLog/record(_:)`` does.
    public func record(_ feedback: [Feedback]) async throws -> [Int] {
        guard !feedback.isEmpty else { return [] }
        let (log, table, classes, coding) = (tables.predictionLog, tables.feedback, schema.target.classes, coding)
        let (columns, upsert) = (DatasetTables.feedbackColumns, DatasetTables.feedbackUpsert)
        var ids = PostgresArray(of: .text, capacity: feedback.count * 32)
        for item in feedback { if case .prediction(let id) = item.subject { ids.append(id) } }
        let wanted = ids
        return try await store.transaction(.predictionLog) { [logger = store.logger] connection in
            // The log only grows, so ids found here are still there for the inserts below.
            var found = Set<String>()
            for try await id in try await connection.query(
                "SELECT prediction_id FROM \(unescaped: log) WHERE prediction_id = ANY(\(wanted))", logger: logger
            ).decode(String.self) { found.insert(id) }
            let unmatched = feedback.indices.filter {
                if case .prediction(let id) = feedback[$0].subject { !found.contains(id) } else { false }
            }
            guard unmatched.isEmpty else { return unmatched }
            for item in feedback {
                let (actual, recordedAt) = (classes[item.actualClass], item.recordedAt.timeIntervalSince1970)
                let query: PostgresQuery
                switch item.subject {
                case .prediction(let id):
                    query = """
                        INSERT INTO \(unescaped: table) (\(unescaped: columns))
                        SELECT 'prediction', prediction_id, predicted_class, \(actual), inputs, model_version, predicted_at, \(recordedAt)
                        FROM \(unescaped: log) WHERE prediction_id = \(id) \(unescaped: upsert)
                        """
                case .row(let id, let prediction, let features):
                    let (predicted, version, inputs) = (classes[prediction.predictedClass], prediction.modelVersion, coding.inputsText(features))
                    let predictedAt = prediction.predictedAt.timeIntervalSince1970
                    query = """
                        INSERT INTO \(unescaped: table) (\(unescaped: columns))
                        VALUES ('row', \(id), \(predicted), \(actual), \(inputs), \(version), \(predictedAt), \(recordedAt)) \(unescaped: upsert)
                        """
                }
                try await connection.query(query, logger: logger)
            }
            return []
        }
    }

    /// The predictions with ground truth, oldest prediction first.
    public func labelled(since: Date?) async throws -> [LabelledPrediction] {
        let (table, coding) = (tables.feedback, coding)
        let from = since?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
        return try await store.run(.predictionLog, bulk: true) { client in
            let rows = try await client.query("""
                SELECT predicted_class, actual_class, model_version, predicted_at, recorded_at, inputs FROM \(unescaped: table)
                WHERE predicted_at >= \(from) ORDER BY predicted_at, subject, reference
                """)
            var labelled: [LabelledPrediction] = []
            for try await (predicted, actual, version, predictedAt, recordedAt, inputs) in rows.decode((String, String, Int, Double, Double, String).self) {
                labelled.append(LabelledPrediction(
                    features: try coding.features(inputs: inputs, entry: "feedback"),
                    predictedClass: try coding.targetClass(predicted, id: "feedback"),
                    actualClass: try coding.targetClass(actual, id: "feedback"),
                    modelVersion: version, predictedAt: Date(timeIntervalSince1970: predictedAt),
                    recordedAt: Date(timeIntervalSince1970: recordedAt)
                ))
            }
            return labelled
        }
    }
}
