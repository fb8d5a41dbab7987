import Foundation
import PenguinsCore
import PostgresNIO

/// One row of a dataset where the Spark batch prediction and the Swift model's differ.
public struct DatasetShadowRow: Codable, Sendable, Equatable {
    public var id: String
    /// The row's partition (its level of the partition column).
    public var partition: String
    /// The class recorded in the data.
    public var actual: String
    /// The Swift (real-time) model's prediction, and Spark's batch prediction.
    public var swift: String
    public var spark: String

    public init(id: String, partition: String, actual: String, swift: String, spark: String) {
        self.id = id
        self.partition = partition
        self.actual = actual
        self.swift = swift
        self.spark = spark
    }
}

/// The Spark batch predictions of a dataset beside the Swift model's, for one model version.
public typealias DatasetShadow = ModelShadow<DatasetShadowRow>

/// A dataset's warehouse that a Spark cluster reads and writes through JDBC: the same merge of
/// a staging table into its Spark prediction columns, and the same comparison, as the
/// penguins' ``SparkWarehouse``.
public protocol SparkRecordWarehouse: RecordWarehouse {
    /// The PostgreSQL server, database and schema holding the dataset's tables.
    var jdbcLocation: PostgresLocation { get }
    /// The dataset's warehouse table.
    var tableName: String { get }

    /// In one transaction: sets the Spark prediction columns of every row found in
    /// `stagingTable` (id, partition, target and `spark_<target>`) to its prediction,
    /// `modelVersion` and `time`, clears them on every other row, and drops the staging table.
    /// Returns the rows updated.
    func mergeSparkPredictions(fromStaging stagingTable: String, modelVersion: Int, at time: Date) async throws -> Int

    /// Drops a staging table left by a failed run, if any.
    func dropStagingTable(_ stagingTable: String) async throws

    /// How often the Spark batch predictions of `modelVersion` agree with the warehouse's
    /// (Swift model's) predictions of the same version, and up to `limit` rows where they
    /// differ; nil when no row has both.
    func shadowComparison(modelVersion: Int, limit: Int) async throws -> DatasetShadow?
}

extension PostgresRecordWarehouse: SparkRecordWarehouse {
    public var jdbcLocation: PostgresLocation { store.location }
    public var tableName: String { tables.warehouse }

    public func mergeSparkPredictions(fromStaging stagingTable: String, modelVersion: Int, at time: Date) async throws -> Int {
        let staging = try SparkStaging.checkedName(stagingTable)
        let (table, id, partition) = (tables.warehouse, tables.idColumn, tables.partitionColumn)
        let predicted = DatasetTables.quoted("spark_" + schema.target.name)
        let version = Int32(clamping: modelVersion)
        let seconds = time.timeIntervalSince1970
        let logger = store.logger
        return try await store.transaction(.warehouse) { connection in
            try await connection.query("SET LOCAL jit = off", logger: logger)
            var count = 0
            for try await updated in try await connection.query("""
                WITH updated AS (
                    UPDATE \(unescaped: table) AS w SET spark_predicted_class = s.\(unescaped: predicted),
                        spark_model_version = \(version), spark_predicted_at = \(seconds)
                    FROM \(unescaped: staging) AS s
                    WHERE w.\(unescaped: partition) = s.\(unescaped: partition) AND w.\(unescaped: id) = s.\(unescaped: id)
                    RETURNING 1
                )
                SELECT count(*) FROM updated
                """, logger: logger).decode(Int.self) { count = updated }
            try await connection.query("""
                UPDATE \(unescaped: table) SET spark_predicted_class = NULL, spark_model_version = NULL, spark_predicted_at = NULL
                WHERE spark_predicted_class IS NOT NULL AND spark_predicted_at IS DISTINCT FROM \(seconds)
                """, logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(staging)"), logger: logger)
            return count
        }
    }

    public func dropStagingTable(_ stagingTable: String) async throws {
        let staging = try SparkStaging.checkedName(stagingTable)
        try await store.run(.warehouse) { client in try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(staging)")) }
    }

    public func shadowComparison(modelVersion: Int, limit: Int) async throws -> DatasetShadow? {
        let (table, id, partition, target) = (tables.warehouse, tables.idColumn, tables.partitionColumn, tables.targetColumn)
        let version = Int32(clamping: modelVersion)
        let limit = max(0, limit)
        return try await store.run(.warehouse) { client -> DatasetShadow? in
            var compared = 0
            var agreed = 0
            for try await (both, same) in try await client.query("""
                SELECT count(*), count(*) FILTER (WHERE spark_predicted_class = predicted_class)
                FROM \(unescaped: table)
                WHERE spark_model_version = \(version) AND model_version = \(version)
                    AND spark_predicted_class IS NOT NULL AND predicted_class IS NOT NULL
                """).decode((Int, Int).self) {
                compared = both
                agreed = same
            }
            guard compared > 0 else { return nil }
            var rows: [DatasetShadowRow] = []
            for try await (rowID, level, actual, swift, spark) in try await client.query("""
                SELECT \(unescaped: id), \(unescaped: partition)::text, \(unescaped: target), predicted_class, spark_predicted_class
                FROM \(unescaped: table)
                WHERE spark_model_version = \(version) AND model_version = \(version) AND spark_predicted_class <> predicted_class
                ORDER BY \(unescaped: id) LIMIT \(limit)
                """).decode((String, String, String, String, String).self) {
                rows.append(DatasetShadowRow(id: rowID, partition: level, actual: actual, swift: swift, spark: spark))
            }
            return DatasetShadow(modelVersion: modelVersion, compared: compared, agreed: agreed, disagreements: rows)
        }
    }
}
