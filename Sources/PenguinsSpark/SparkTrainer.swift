import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage

/// What `train --engine sc://...` produced: the registry version holding both models, the Swift
/// model's report and the Spark model's record.
public struct SparkTrainReport: Sendable {
    /// The Swift model (version, artifact, local timings).
    public var swift: TrainReport
    /// The Spark model's record, as registered.
    public var spark: SparkModelRecord
    /// Seconds of the Spark part alone (connect, read, fit, evaluate, save).
    public var sparkSeconds: Double { spark.seconds }
}

/// What the cluster's part of training produced, before registration.
public struct SparkFitResult: Sendable, Equatable {
    /// The server's Spark version, the folder of the saved models, accuracy, per-label F1
    /// (label order of ``DatasetPipeline/labels``) and the seconds the cluster's part took.
    public var sparkVersion: String
    public var modelPath: String
    public var accuracy: Double
    public var f1ByLabel: [Double]
    public var seconds: Double
    /// Mean of the per-label F1: macro-F1 (Spark's own `f1` metric is weighted by label frequency).
    public var macroF1: Double { f1ByLabel.isEmpty ? 0 : f1ByLabel.reduce(0, +) / Double(f1ByLabel.count) }
}

/// Trains the species model on a Spark cluster through Spark Connect, and the Swift model that
/// serves real-time requests on the same warehouse, and registers both in one version.
public struct SparkTrainer: Sendable {
    /// The stores, the Spark Connect server, and the same parameters as the local engine.
    public var platform: Platform
    public var url: SparkConnectURL
    public var parameters: RandomForestClassifier
    public var testFraction: Double
    /// The folder on the cluster's file system under which each training saves its model.
    public var modelRoot: String
    /// Make the new version current even when it is worse than the current one.
    public var force: Bool

    /// A trainer on `platform`'s warehouse through the server at `url`.
    public init(platform: Platform, url: SparkConnectURL, parameters: RandomForestClassifier = RandomForestClassifier(),
                testFraction: Double = 0.2, modelRoot: String, force: Bool = false) {
        self.platform = platform
        self.url = url
        self.parameters = parameters
        self.testFraction = testFraction
        self.modelRoot = modelRoot
        self.force = force
    }

    /// Fits dataset `schema`'s model on the cluster on `features` (the schema's model features
    /// when nil; a categorical one encoded as its level index, as the Swift model does), then
    /// the Swift model locally on the same warehouse; registers and promotes one version of the
    /// dataset's registry with both. The penguins' by default.
    public func train(dataset schema: DatasetSchema = BundledSchemas.penguins, features names: [String]? = nil, now: Date = Date()) async throws -> SparkTrainReport {
        guard testFraction > 0, testFraction < 1 else {
            throw PipelineError.invalidOption("--test-fraction must be above 0 and below 1 with --engine sc://, got \(testFraction)")
        }
        let indices = try Trainer.featureIndices(names, in: schema)
        let warehouse = try SparkTrainer.sparkWarehouse(of: platform)
        // The dataset's tables are made (or migrated) before the cluster reads them.
        guard try await platform.recordWarehouse(of: schema).count() > 0 else {
            throw PipelineError.emptyWarehouse(dataset: schema.name)
        }
        let pipeline = DatasetPipeline(schema: schema, featureIndices: indices, source: JDBCSource(warehouse.jdbcLocation), parameters: parameters)
        let fit = try await fitOnCluster(pipeline, warehouse: warehouse, now: now)
        let record = SparkModelRecord(
            url: url.description, sparkVersion: fit.sparkVersion, modelPath: fit.modelPath,
            accuracy: fit.accuracy, macroF1: fit.macroF1, f1ByLabel: fit.f1ByLabel,
            testFraction: testFraction, seed: parameters.seed, seconds: fit.seconds
        )
        let swift = try await Trainer(platform: platform, parameters: parameters, testFraction: testFraction, force: force)
            .train(schema: schema, features: names, spark: record, now: now)
        return SparkTrainReport(swift: swift, spark: record)
    }

    /// The cluster's part alone: read by JDBC, assemble, scale, fit the forest, evaluate on the
    /// held-out split with Spark's evaluator, and save the scaler and the forest under a new
    /// folder of ``modelRoot``.
    func fitOnCluster(_ pipeline: DatasetPipeline, warehouse: any SparkWarehouse, now: Date) async throws -> SparkFitResult {
        let modelPath = SparkTrainer.modelPath(root: modelRoot, dataset: pipeline.schema.name, at: now)
        let masked = warehouse.jdbcLocation.maskedURL
        return try await SparkConnectSession.with(url) { session in
            let start = Date()
            let version = try await session.sparkVersion()
            try await session.setConfig(["spark.sql.shuffle.partitions": "4"])
            let data = pipeline.complete()
            let assembled = pipeline.assembled(data)
            do {
                _ = try await session.schema(of: assembled)
            } catch SparkError.failed(_, let message) {
                throw SparkError.failed(
                    operation: "read the warehouse by JDBC from \(masked) (the cluster must reach that server; use a warehouse URL whose host the cluster can resolve)",
                    message: message
                )
            }
            // Every later job reads the rows again: keep them on the cluster instead of reading
            // PostgreSQL each time.
            try await session.persist(data)
            let (train, test) = pipeline.split(assembled, testFraction: testFraction)
            let scaler = try await session.execute(
                SparkMLCommand.fit(.standardScaler, params: DatasetPipeline.scalerParams, dataset: train), operation: "fit the scaler"
            ).objectReference()
            let forest = try await session.execute(
                SparkMLCommand.fit(.randomForestClassifier, params: pipeline.forestParams, dataset: train.transform(with: scaler)),
                operation: "fit the random forest"
            ).objectReference()
            let predictions = test.transform(with: scaler).transform(with: forest)
            let accuracy = try await session.execute(
                SparkMLCommand.evaluate(.multiclassEvaluator, params: DatasetPipeline.evaluatorParams(metric: "accuracy"), dataset: predictions),
                operation: "evaluate accuracy"
            ).number()
            var f1ByLabel: [Double] = []
            for label in pipeline.labels.indices {
                f1ByLabel.append(try await session.execute(
                    SparkMLCommand.evaluate(
                        .multiclassEvaluator, params: DatasetPipeline.evaluatorParams(metric: "fMeasureByLabel", label: label), dataset: predictions
                    ),
                    operation: "evaluate F1 of \(pipeline.labels[label])"
                ).number())
            }
            _ = try await session.execute(SparkMLCommand.save(scaler, path: modelPath + "/scaler"), operation: "save the scaler to \(modelPath)")
            _ = try await session.execute(SparkMLCommand.save(forest, path: modelPath + "/forest"), operation: "save the forest to \(modelPath)")
            _ = try? await session.execute(SparkMLCommand.delete([scaler, forest]), operation: "release the models")
            try? await session.unpersist(data)
            return SparkFitResult(
                sparkVersion: version, modelPath: modelPath, accuracy: accuracy, f1ByLabel: f1ByLabel,
                seconds: Date().timeIntervalSince(start)
            )
        }
    }

    /// A new folder under `root` for one training: `root/species-20260101T120000Z-1a2b3c` for
    /// the penguins, `root/iris-...` for dataset iris.
    public static func modelPath(root: String, dataset: String = BundledSchemas.defaultName, at time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let suffix = String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        let trimmed = root.hasSuffix("/") ? String(root.dropLast()) : root
        let name = Platform.isDefaultDataset(dataset) ? "species" : dataset
        return "\(trimmed)/\(name)-\(formatter.string(from: time))-\(suffix)"
    }

    /// The platform's warehouse as Spark reaches it, or the error saying why it cannot.
    public static func sparkWarehouse(of platform: Platform) throws -> any SparkWarehouse {
        if let warehouse = platform.warehouse as? any SparkWarehouse { return warehouse }
        let location = (try? platform.configuration.location(of: .warehouse))?.description ?? "the configured warehouse"
        throw SparkError.warehouseNotReachable(
            "Spark reads the warehouse through JDBC, and the warehouse at \(location) is not a PostgreSQL server Spark can reach "
                + "(an embedded SQLite or in-memory warehouse lives inside this process); "
                + "use a postgres:// warehouse: --warehouse postgres://USER:PASSWORD@HOST:PORT/DB or PENGUINS_WAREHOUSE"
        )
    }
}
