import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// What `score --engine sc://...` did.
public struct SparkScoreReport: Codable, Sendable {
    /// The registry version whose Spark and Swift models scored.
    public var modelVersion: Int
    /// Warehouse rows that received a Spark prediction.
    public var sparkScored: Int
    /// Seconds of the cluster's part: load the models, transform every row, write the staging table.
    public var sparkSeconds: Double
    /// Seconds of the merge of the staging table into the warehouse.
    public var mergeSeconds: Double
    /// The real-time (Swift) model's pass: warehouse prediction columns and the cache refilled.
    public var swift: ScoreReport
    /// How often the two agree, with some rows where they differ.
    public var shadow: ShadowComparison?
}

/// Batch scoring on a Spark cluster: Spark loads the current version's saved scaler and forest,
/// transforms every complete warehouse row read by JDBC, and writes the predictions by JDBC to a
/// staging table; one PostgreSQL transaction merges them into the warehouse's Spark prediction
/// columns and drops the staging table. Then the Swift model, which serves real-time requests,
/// writes the warehouse's prediction columns and refills the prediction cache, and the two
/// models' predictions are compared.
public struct SparkScorer: Sendable {
    /// The stores, and the Spark Connect server that runs the batch.
    public var platform: Platform
    public var url: SparkConnectURL
    /// Disagreeing rows kept in the report.
    public var disagreementLimit: Int

    /// A scorer of `platform`'s warehouse on the server at `url`.
    public init(platform: Platform, url: SparkConnectURL, disagreementLimit: Int = 20) {
        self.platform = platform
        self.url = url
        self.disagreementLimit = disagreementLimit
    }

    /// Scores every complete warehouse row with the current version's Spark model on the
    /// cluster, merges the predictions, refills the cache with the Swift model's and compares.
    public func score(now: Date = Date()) async throws -> SparkScoreReport {
        let warehouse = try SparkTrainer.sparkWarehouse(of: platform)
        try await warehouse.prepareForSpark()
        let model = try await platform.currentModel()
        guard let record = model.artifact.spark else { throw SparkError.noSparkModel(version: model.version) }

        let sparkStart = Date()
        let staging = SparkScorer.stagingTableName()
        try await writeStaging(record: record, warehouse: warehouse, staging: staging)
        let sparkSeconds = Date().timeIntervalSince(sparkStart)

        let mergeStart = Date()
        let merged: Int
        do {
            merged = try await warehouse.mergeSparkPredictions(fromStaging: staging, modelVersion: model.version, at: now)
        } catch {
            try? await warehouse.dropStagingTable(staging)
            throw error
        }
        let mergeSeconds = Date().timeIntervalSince(mergeStart)

        let swift = try await Scorer(platform: platform).score(now: now)
        let shadow = try await warehouse.shadowComparison(modelVersion: model.version, limit: disagreementLimit)
        return SparkScoreReport(
            modelVersion: model.version, sparkScored: merged, sparkSeconds: sparkSeconds, mergeSeconds: mergeSeconds,
            swift: swift, shadow: shadow
        )
    }

    /// The cluster's part: every complete row, transformed and written to `staging` by JDBC.
    func writeStaging(record: SparkModelRecord, warehouse: any SparkWarehouse, staging: String) async throws {
        let source = JDBCSource(warehouse.jdbcLocation)
        let pipeline = DatasetPipeline.species(source: source, parameters: .init())
        try await SparkConnectSession.with(url) { session in
            let scaler = try await session.execute(
                SparkMLCommand.load(.standardScalerModel, path: record.scalerPath), operation: "load the scaler from \(record.scalerPath)"
            ).objectReference()
            let forest = try await session.execute(
                SparkMLCommand.load(.randomForestClassificationModel, path: record.forestPath), operation: "load the forest from \(record.forestPath)"
            ).objectReference()
            let scored = pipeline.predictionColumns(pipeline.assembled(pipeline.complete()).transform(with: scaler).transform(with: forest))
            do {
                _ = try await session.execute(
                    scored.write(format: "jdbc", options: source.writeOptions(table: staging), mode: .overwrite),
                    operation: "write the predictions by JDBC to \(source.qualified(staging))"
                )
            } catch {
                try? await warehouse.dropStagingTable(staging)
                throw error
            }
            _ = try? await session.execute(SparkMLCommand.delete([scaler, forest]), operation: "release the models")
        }
    }

    /// A fresh staging table name: `spark_staging_` and 16 hex digits.
    public static func stagingTableName() -> String {
        let value = UInt64.random(in: 0...UInt64.max)
        let hex = String(value, radix: 16)
        return "spark_staging_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
