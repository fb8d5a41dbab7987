import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsSpark

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a random forest on the warehouse, evaluate it on a held-out split, register it and make it current unless the current version is better.",
        discussion: """
            A new version less accurate than the current one by more than --margin (on the new \
            version's held-out rows, or on the predictions whose ground truth came back) stays a \
            candidate, and the output says by how much; --force makes it current anyway.
            """
    )

    @Option(help: "Number of trees (Spark's numTrees).") var numTrees = 20
    @Option(help: "Maximum tree depth (Spark's maxDepth).") var maxDepth = 5
    @Option(help: "Maximum bins per feature (Spark's maxBins).") var maxBins = 32
    @Option(help: "Random seed: the same seed gives the same split and forest.") var seed: UInt64 = 42
    @Option(help: "Share of rows held out for evaluation, stratified by class.") var testFraction = 0.2
    @Option(help: ArgumentHelp(
        "The features to train on, comma-separated, numeric or categorical (default: the schema's default features).",
        valueName: "names"
    ))
    var features: String?
    @Option(help: ArgumentHelp(
        "Where to train: local (this process), sc://HOST:PORT (a Spark Connect server; the Swift model is trained too), or spark (the URL in $PENGUINS_SPARK).",
        valueName: "engine"
    ))
    var engine = "local"
    @Option(name: .customLong("spark-model-dir"), help: ArgumentHelp(
        "Folder on the Spark cluster's file system for saved Spark models (default: $PENGUINS_SPARK_MODELS, else penguins-models in the server's working directory).",
        valueName: "path"
    ))
    var sparkModelDirectory: String?
    @Flag(help: "Make the new version current even when it is worse than the current one.") var force = false
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var global: GlobalOptions

    /// The names given to `--features`.
    private var featureNames: [String]? {
        features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    func validate() throws {
        guard numTrees >= 1 else { throw ValidationError("--num-trees must be at least 1") }
        guard (0...30).contains(maxDepth) else { throw ValidationError("--max-depth must be between 0 and 30") }
        guard (2...256).contains(maxBins) else { throw ValidationError("--max-bins must be between 2 and 256") }
        guard testFraction >= 0, testFraction < 1 else { throw ValidationError("--test-fraction must be at least 0 and below 1") }
    }

    func run() async throws {
        try await reportingErrors {
            var parameters = RandomForestClassifier()
            parameters.numTrees = numTrees
            parameters.maxDepth = maxDepth
            parameters.maxBins = maxBins
            parameters.seed = seed
            let engine = try Engine(parsing: engine, environment: ProcessInfo.processInfo.environment)
            let platform = try await global.platform()
            let schema = try await platform.schema(ofDataset: dataset.name)
            if case .spark(let url) = engine {
                let report = try await SparkTrainer(
                    platform: platform, url: url, parameters: parameters, testFraction: testFraction, modelRoot: sparkModelRoot, force: force
                ).train(dataset: schema, features: featureNames)
                switch global.format {
                case .json: try printJSON(TrainOutput(report.swift, spark: report.spark))
                case .table: print(TrainCommand.summary(report.swift) + "\n\n" + TrainCommand.sparkSummary(report.spark))
                }
                return
            }
            let report = try await Trainer(platform: platform, parameters: parameters, testFraction: testFraction, force: force)
                .train(schema: schema, features: featureNames)
            switch global.format {
            case .json: try printJSON(TrainOutput(report))
            case .table: print(TrainCommand.summary(report))
            }
        }
    }

    /// The folder on the cluster under which Spark models are saved.
    private var sparkModelRoot: String {
        sparkModelDirectory ?? ProcessInfo.processInfo.environment["PENGUINS_SPARK_MODELS"] ?? "penguins-models"
    }

    static func summary(_ report: TrainReport) -> String {
        let artifact = report.artifact
        let metrics = artifact.metrics
        let status = report.promoted ? "current" : "a candidate, not current"
        var lines = [
            "\(artifact.dataset.map { "dataset \($0), " } ?? "")model version \(report.version) (\(status)): \(artifact.parameters.numTrees) trees, depth \(artifact.parameters.maxDepth), seed \(artifact.parameters.seed)",
            "trained on \(artifact.trainingRows) rows, evaluated on \(artifact.testRows) held-out rows in \(fixed(report.loadSeconds + report.fitSeconds, 2)) s (fit \(fixed(report.fitSeconds, 2)) s)",
            "accuracy \(fixed(metrics.accuracy, 4))  macro-F1 \(fixed(metrics.macroF1, 4))",
        ]
        if let comparison = report.comparison {
            lines.append(report.promoted
                ? "against version \(comparison.current): \(comparison.summary)\(comparison.worse ? "; made current by --force" : "")"
                : "not made current: \(comparison.summary); version \(comparison.current) stays current (`penguins models promote \(report.version) --force` makes this one current)")
        }
        lines.append("")
        lines.append(metricsTable(metrics, labels: artifact.classLabels, target: artifact.dataset == nil ? "species" : "class"))
        lines.append("")
        lines.append(confusionTable(metrics, labels: artifact.classLabels))
        lines.append("")
        var importances = TextTable("feature", "importance")
        for (name, value) in zip(artifact.featureNames, artifact.forest.featureImportances) { importances.add(name, fixed(value, 4)) }
        lines.append(importances.rendered)
        return lines.joined(separator: "\n")
    }

    static func sparkSummary(_ spark: SparkModelRecord) -> String {
        [
            "spark model (Spark \(spark.sparkVersion) at \(spark.url)) saved on the cluster at \(spark.modelPath)",
            "trained and evaluated on the cluster in \(fixed(spark.seconds, 2)) s: accuracy \(fixed(spark.accuracy, 4))  macro-F1 \(fixed(spark.macroF1, 4))",
        ].joined(separator: "\n")
    }

    static func metricsTable(_ metrics: ClassificationMetrics, labels: [String], target: String = "species") -> String {
        var table = TextTable(target, "precision", "recall", "F1", "support")
        for (index, label) in labels.enumerated() {
            table.add(label, fixed(metrics.precision[index], 4), fixed(metrics.recall[index], 4), fixed(metrics.f1[index], 4), "\(metrics.support[index])")
        }
        return table.rendered
    }

    static func confusionTable(_ metrics: ClassificationMetrics, labels: [String]) -> String {
        var table = TextTable(headers: ["actual \\ predicted"] + labels)
        for (index, label) in labels.enumerated() { table.add(cells: [label] + metrics.confusionMatrix[index].map(String.init)) }
        return table.rendered
    }
}

/// The JSON shape of `penguins train`.
struct TrainOutput: Encodable {
    var version: Int
    var engine: String
    var parameters: RandomForestClassifier
    var trainingRows: Int
    var testRows: Int
    var metrics: ClassificationMetrics
    var classLabels: [String]
    var featureImportances: [String: Double]
    var trainingFingerprint: String
    /// The dataset and the features the model was trained on.
    var dataset: String
    var features: [String]
    var loadSeconds: Double
    var fitSeconds: Double
    /// The Spark model trained beside it (`--engine sc://...`).
    var spark: SparkModelRecord?
    /// False when the new version stays a candidate, the current one being better.
    var promoted: Bool
    /// The new version against the version current before; absent when there was none.
    var comparison: ModelComparison?

    init(_ report: TrainReport, spark: SparkModelRecord? = nil) {
        self.spark = spark
        promoted = report.promoted
        comparison = report.comparison
        version = report.version
        engine = report.artifact.engine
        parameters = report.artifact.parameters
        trainingRows = report.artifact.trainingRows
        testRows = report.artifact.testRows
        metrics = report.artifact.metrics
        classLabels = report.artifact.classLabels
        featureImportances = Dictionary(uniqueKeysWithValues: zip(report.artifact.featureNames, report.artifact.forest.featureImportances))
        trainingFingerprint = report.artifact.trainingFingerprint
        dataset = report.artifact.dataset ?? BundledSchemas.defaultName
        features = report.artifact.featureNames
        loadSeconds = report.loadSeconds
        fitSeconds = report.fitSeconds
    }
}
