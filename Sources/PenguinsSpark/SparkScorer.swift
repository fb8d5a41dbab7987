import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// What `score --engine sc://...` did.
public struct SparkScoreReport: Codable, Sendable {
    public var dataset: String
    /// The registry version whose Spark and Swift models scored.
    public var modelVersion: Int
    /// Warehouse rows that received a Spark prediction.
    public var sparkScored: Int
    /// Seconds of the cluster's part, and of the merge of the staging table.
    public var sparkSeconds: Double
    public var mergeSeconds: Double
    /// The Swift model's pass: warehouse prediction columns and the cache refilled.
    public var swift: ScoreReport
    /// How often the two agree, with some rows where they differ.
    public var shadow: DatasetShadow?
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

    /// Scores every warehouse row of dataset `schema` that has its current model's features
    /// with that version's Spark model on the cluster, merges the predictions into the
    /// dataset's Spark prediction columns, writes the Swift model's (filling the dataset's cache),
    /// and compares the two. The penguins' by default.
    public func score(dataset schema: DatasetSchema = BundledSchemas.penguins, now: Date = Date()) async throws -> SparkScoreReport {
        let stores = try await platform.tables(for: schema)
        guard let warehouse = stores.warehouse as? any SparkRecordWarehouse else {
            _ = try SparkTrainer.sparkWarehouse(of: platform)
            throw SparkError.warehouseNotReachable("the warehouse of \(schema.name) is not a PostgreSQL table Spark can reach; use a postgres:// warehouse")
        }
        let model = try await DatasetModel.current(of: schema, in: stores.registry)
        guard let record = model.artifact.spark else { throw SparkError.noSparkModel(version: model.version, dataset: schema.name) }
        let pipeline = DatasetPipeline(
            schema: schema, featureIndices: model.featureIndices, source: JDBCSource(warehouse.jdbcLocation), parameters: .init(),
            table: warehouse.tableName)

        let (merged, sparkSeconds, mergeSeconds) = try await stageAndMerge(
            record: record, pipeline: pipeline,
            merge: { try await warehouse.mergeSparkPredictions(fromStaging: $0, modelVersion: model.version, at: now) },
            drop: { try? await warehouse.dropStagingTable($0) })
        let swift = try await Scorer(platform: platform).score(schema: schema, now: now)
        let shadow = try await warehouse.shadowComparison(modelVersion: model.version, limit: disagreementLimit)
        return SparkScoreReport(
            dataset: schema.name, modelVersion: model.version, sparkScored: merged, sparkSeconds: sparkSeconds, mergeSeconds: mergeSeconds,
            swift: swift, shadow: shadow)
    }

    /// The cluster's part into a fresh staging table, then `merge` of that table into the
    /// warehouse; the staging table is dropped (`drop`) when either fails. Answers the rows
    /// merged and the seconds of each part.
    private func stageAndMerge(
        record: SparkModelRecord, pipeline: DatasetPipeline, merge: (String) async throws -> Int, drop: (String) async -> Void
    ) async throws -> (merged: Int, sparkSeconds: Double, mergeSeconds: Double) {
        let staging = SparkScorer.stagingTableName()
        let sparkStart = Date()
        let merged: Int
        let mergeStart: Date
        do {
            try await writeStaging(record: record, pipeline: pipeline, staging: staging)
            mergeStart = Date()
            merged = try await merge(staging)
        } catch {
            await drop(staging)
            throw error
        }
        return (merged, mergeStart.timeIntervalSince(sparkStart), Date().timeIntervalSince(mergeStart))
    }

    /// The cluster's part: every row with the model's features, transformed with the saved
    /// scaler and forest and written to `staging` by JDBC.
    func writeStaging(record: SparkModelRecord, pipeline: DatasetPipeline, staging: String) async throws {
        let source = pipeline.source
        try await SparkConnectSession.with(url) { session in
            let scaler = try await session.execute(
                SparkMLCommand.load(.standardScalerModel, path: record.scalerPath), operation: "load the scaler from \(record.scalerPath)"
            ).objectReference()
            let forest = try await session.execute(
                SparkMLCommand.load(.randomForestClassificationModel, path: record.forestPath), operation: "load the forest from \(record.forestPath)"
            ).objectReference()
            let scored = pipeline.predictionColumns(pipeline.assembled(pipeline.complete()).transform(with: scaler).transform(with: forest))
            _ = try await session.execute(
                scored.write(format: "jdbc", options: source.writeOptions(table: staging), mode: .overwrite),
                operation: "write the predictions by JDBC to \(source.qualified(staging))"
            )
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
