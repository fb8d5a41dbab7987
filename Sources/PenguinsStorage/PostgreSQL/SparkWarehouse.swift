import Foundation
import PenguinsCore
import PostgresNIO

/// A warehouse a Spark cluster reads and writes through JDBC: where it is, how Spark's batch
/// predictions (written to a staging table) are merged into its Spark prediction columns, and
/// how those compare with the real-time model's predictions.
public protocol SparkWarehouse: Sendable {
    /// The PostgreSQL server, database and schema holding the warehouse table.
    var jdbcLocation: PostgresLocation { get }
    /// The warehouse table Spark reads (by island) and whose Spark prediction columns it fills.
    var tableName: String { get }

    /// Makes sure the warehouse table, with its Spark prediction columns, exists before the cluster reads it.
    func prepareForSpark() async throws

    /// In one transaction: sets the Spark prediction columns of every row found in `stagingTable`
    /// (the id, the partition, the target and `spark_<target>`) to its prediction, `modelVersion` and
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

/// The staging tables Spark writes its batch predictions to before they are merged.
public enum SparkStaging {
    /// Whether a staging table name is safe to splice into SQL: `spark_staging_` followed by
    /// lowercase letters, digits and underscores only.
    public static func isValidName(_ name: String) -> Bool {
        name.hasPrefix("spark_staging_") && name.count <= 63
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    static func checkedName(_ name: String) throws -> String {
        precondition(isValidName(name), "unchecked staging table name")
        return name
    }
}
