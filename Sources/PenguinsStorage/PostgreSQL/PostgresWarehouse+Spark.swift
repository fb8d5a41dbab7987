import Foundation
import PenguinsCore
import PostgresNIO

/// A warehouse a Spark cluster reads and writes through JDBC: where it is, how Spark's batch
/// predictions (written to a staging table) are merged into its Spark prediction columns, and
/// how those compare with the real-time model's predictions.
public protocol SparkWarehouse: Sendable {
    /// The PostgreSQL server, database and schema holding the `warehouse` table.
    var jdbcLocation: PostgresLocation { get }

    /// Creates the Spark prediction columns when missing (the named migration `v2-warehouse-spark`).
    func prepareForSpark() async throws

    /// In one transaction: sets the Spark prediction columns of every row found in `stagingTable`
    /// (`penguin_id`, `island`, `species`, `spark_species`) to its prediction, `modelVersion` and
    /// `time`, clears them on every other row, and drops the staging table. Returns the rows updated.
    func mergeSparkPredictions(fromStaging stagingTable: String, modelVersion: Int, at time: Date) async throws -> Int

    /// Drops a staging table left by a failed run, if any.
    func dropStagingTable(_ stagingTable: String) async throws

    /// How often the Spark batch predictions of `modelVersion` agree with the warehouse's
    /// (real-time model's) predictions of the same version, and up to `limit` rows where they
    /// differ; nil when no row has both.
    func shadowComparison(modelVersion: Int, limit: Int) async throws -> ShadowComparison?
}

/// The penguins' shadow comparison: disagreements by penguin id.
public typealias ShadowComparison = ModelShadow<ShadowDisagreement>

/// The Spark batch predictions beside the Swift model's for one model version: how many rows
/// have both, how many agree, and some of the rows where they differ (`Row`, by id).
public struct ModelShadow<Row: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public var modelVersion: Int
    /// Rows with both predictions.
    public var compared: Int
    /// Rows where both name the same class.
    public var agreed: Int
    /// `agreed / compared`.
    public var agreementRate: Double { compared == 0 ? 0 : Double(agreed) / Double(compared) }
    /// Up to the requested number of rows where they differ, by id.
    public var disagreements: [Row]

    public init(modelVersion: Int, compared: Int, agreed: Int, disagreements: [Row]) {
        self.modelVersion = modelVersion
        self.compared = compared
        self.agreed = agreed
        self.disagreements = disagreements
    }

    enum CodingKeys: String, CodingKey { case modelVersion, compared, agreed, agreementRate, disagreements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        modelVersion = try container.decode(Int.self, forKey: .modelVersion)
        compared = try container.decode(Int.self, forKey: .compared)
        agreed = try container.decode(Int.self, forKey: .agreed)
        disagreements = try container.decode([Row].self, forKey: .disagreements)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(modelVersion, forKey: .modelVersion)
        try container.encode(compared, forKey: .compared)
        try container.encode(agreed, forKey: .agreed)
        try container.encode(agreementRate, forKey: .agreementRate)
        try container.encode(disagreements, forKey: .disagreements)
    }
}

/// One row where the Spark batch prediction and the Swift model's differ.
public struct ShadowDisagreement: Codable, Sendable, Equatable {
    public var penguinID: String
    public var island: String
    /// The species recorded in the field.
    public var species: String
    /// The Swift (real-time) model's prediction.
    public var swift: String
    /// The Spark batch prediction.
    public var spark: String

    public init(penguinID: String, island: String, species: String, swift: String, spark: String) {
        self.penguinID = penguinID
        self.island = island
        self.species = species
        self.swift = swift
        self.spark = spark
    }
}

extension PostgresMigrations {
    /// The Spark prediction columns: the species Spark's model predicted, that model's registry
    /// version, and when.
    static let spark: [(name: String, sql: [String])] = [
        ("v2-warehouse-spark", [
            """
            ALTER TABLE warehouse
                ADD COLUMN IF NOT EXISTS spark_predicted_species text,
                ADD COLUMN IF NOT EXISTS spark_model_version integer,
                ADD COLUMN IF NOT EXISTS spark_predicted_at double precision
            """,
        ]),
    ]
}

extension PostgresWarehouse: SparkWarehouse {
    public var jdbcLocation: PostgresLocation { store.location }

    public func prepareForSpark() async throws {
        try await store.prepare(role: .warehouse)
    }

    public func mergeSparkPredictions(fromStaging stagingTable: String, modelVersion: Int, at time: Date) async throws -> Int {
        let table = try PostgresWarehouse.checkedStagingName(stagingTable)
        let version = Int32(clamping: modelVersion)
        let seconds = time.timeIntervalSince1970
        let logger = store.logger
        return try await store.transaction(.warehouse) { connection in
            try await connection.query("SET LOCAL jit = off", logger: logger)
            var count = 0
            for try await updated in try await connection.query(
                """
                WITH updated AS (
                    UPDATE warehouse AS w SET spark_predicted_species = s.spark_species,
                        spark_model_version = \(version), spark_predicted_at = \(seconds)
                    FROM \(unescaped: table) AS s
                    WHERE w.island = s.island AND w.species = s.species AND w.penguin_id = s.penguin_id
                    RETURNING 1
                )
                SELECT count(*) FROM updated
                """,
                logger: logger
            ).decode(Int.self) { count = updated }
            try await connection.query(
                """
                UPDATE warehouse SET spark_predicted_species = NULL, spark_model_version = NULL, spark_predicted_at = NULL
                WHERE spark_predicted_species IS NOT NULL AND spark_predicted_at IS DISTINCT FROM \(seconds)
                """,
                logger: logger
            )
            try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE \(table)"), logger: logger)
            return count
        }
    }

    public func dropStagingTable(_ stagingTable: String) async throws {
        let table = try PostgresWarehouse.checkedStagingName(stagingTable)
        try await store.run(.warehouse) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"))
        }
    }

    public func shadowComparison(modelVersion: Int, limit: Int) async throws -> ShadowComparison? {
        let version = Int32(clamping: modelVersion)
        let limit = max(0, limit)
        return try await store.run(.warehouse) { client -> ShadowComparison? in
            var compared = 0
            var agreed = 0
            for try await (both, same) in try await client.query(
                """
                SELECT count(*), count(*) FILTER (WHERE spark_predicted_species = predicted_species)
                FROM warehouse
                WHERE spark_model_version = \(version) AND model_version = \(version)
                    AND spark_predicted_species IS NOT NULL AND predicted_species IS NOT NULL
                """
            ).decode((Int, Int).self) {
                compared = both
                agreed = same
            }
            guard compared > 0 else { return nil }
            var disagreements: [ShadowDisagreement] = []
            for try await (id, island, species, swift, spark) in try await client.query(
                """
                SELECT penguin_id, island, species, predicted_species, spark_predicted_species
                FROM warehouse
                WHERE spark_model_version = \(version) AND model_version = \(version)
                    AND spark_predicted_species <> predicted_species
                ORDER BY penguin_id LIMIT \(limit)
                """
            ).decode((String, String, String, String, String).self) {
                disagreements.append(ShadowDisagreement(penguinID: id, island: island, species: species, swift: swift, spark: spark))
            }
            return ShadowComparison(modelVersion: modelVersion, compared: compared, agreed: agreed, disagreements: disagreements)
        }
    }

    /// Whether a staging table name is safe to splice into SQL: `spark_staging_` followed by
    /// lowercase letters, digits and underscores only.
    public static func isValidStagingName(_ name: String) -> Bool {
        name.hasPrefix("spark_staging_") && name.count <= 63
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func checkedStagingName(_ name: String) throws -> String {
        precondition(isValidStagingName(name), "unchecked staging table name")
        return name
    }
}
