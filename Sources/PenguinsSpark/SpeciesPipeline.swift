import PenguinsCore
import PenguinsML

/// The Spark plans of the species model, built from typed values: read the warehouse by JDBC
/// (one partition per island), keep complete rows, label them in the Swift model's class order,
/// assemble the four measurements, scale them, fit the forest, and evaluate. Pure: it only
/// builds messages, so tests check every plan without a server.
public struct SpeciesPipeline: Sendable {
    /// Where Spark reads the warehouse, and the forest's parameters.
    public var source: JDBCSource
    public var parameters: RandomForestClassifier

    /// The class labels in label-index order: Spark's label `i` is `labels[i]`, as in the Swift model.
    public static let labels = Species.allCases.map(\.rawValue)
    /// The measurement columns, in the Swift model's feature order.
    public static let featureColumns = Feature.allCases.map(\.rawValue)

    /// The plans for one warehouse and one set of parameters.
    public init(source: JDBCSource, parameters: RandomForestClassifier) {
        self.source = source
        self.parameters = parameters
    }

    /// Every warehouse row, read by JDBC with one partition per island.
    public func warehouse() -> SparkRelation {
        .read(format: "jdbc", options: source.readOptions(table: "warehouse"), predicates: JDBCSource.islandPredicates())
    }

    /// Rows with all four measurements: the key, the measurements, and the species' label index.
    public func complete() -> SparkRelation {
        let present = SpeciesPipeline.featureColumns.map { SparkExpression.isNotNull(.column($0)) }
        return warehouse()
            .filter(present.dropFirst().reduce(present[0]) { .and($0, $1) })
            .select(
                [.column("penguin_id"), .column("island"), .column("species")]
                    + SpeciesPipeline.featureColumns.map { SparkExpression.column($0) }
                    + [.alias(.labelIndex(of: .column("species"), in: SpeciesPipeline.labels), name: "label")]
            )
    }

    /// `rows` (from ``complete()``) with the measurements assembled into the vector column `raw_features`.
    public static func assembled(_ rows: SparkRelation) -> SparkRelation {
        rows.transform(with: .vectorAssembler, params: [
            "inputCols": .strings(featureColumns),
            "outputCol": .string("raw_features"),
            "handleInvalid": .string("error"),
        ])
    }

    /// The training and test parts of `assembled` rows (Spark's seeded `randomSplit`).
    public func split(_ assembled: SparkRelation, testFraction: Double) -> (train: SparkRelation, test: SparkRelation) {
        assembled.randomSplit(testFraction: testFraction, seed: Int64(bitPattern: parameters.seed))
    }

    /// The scaler: zero mean, unit (sample) standard deviation, as the Swift model's.
    public static let scalerParams: [String: SparkLiteral] = [
        "inputCol": .string("raw_features"), "outputCol": .string("features"),
        "withMean": .boolean(true), "withStd": .boolean(true),
    ]

    /// The forest's parameters under Spark's names, from the same values the Swift model uses.
    public var forestParams: [String: SparkLiteral] {
        [
            "featuresCol": .string("features"),
            "labelCol": .string("label"),
            "numTrees": .integer(Int32(clamping: parameters.numTrees)),
            "maxDepth": .integer(Int32(clamping: parameters.maxDepth)),
            "maxBins": .integer(Int32(clamping: parameters.maxBins)),
            "minInstancesPerNode": .integer(Int32(clamping: parameters.minInstancesPerNode)),
            "minInfoGain": .double(parameters.minInfoGain),
            "impurity": .string(parameters.impurity.rawValue),
            "featureSubsetStrategy": .string(parameters.featureSubsetStrategy.description),
            "subsamplingRate": .double(parameters.subsamplingRate),
            "bootstrap": .boolean(parameters.bootstrap),
            "seed": .long(Int64(bitPattern: parameters.seed)),
        ]
    }

    /// The evaluator's parameters for one metric (`accuracy`, or `fMeasureByLabel` of one label).
    public static func evaluatorParams(metric: String, label: Int? = nil) -> [String: SparkLiteral] {
        var params: [String: SparkLiteral] = [
            "metricName": .string(metric), "labelCol": .string("label"), "predictionCol": .string("prediction"),
        ]
        if let label { params["metricLabel"] = .double(Double(label)) }
        return params
    }

    /// Scored rows as the staging table takes them: key, and the predicted species by name
    /// (Spark's `prediction` index mapped through ``labels``).
    public static func predictionColumns(_ scored: SparkRelation) -> SparkRelation {
        scored.select([
            .column("penguin_id"), .column("island"), .column("species"),
            .alias(.label(at: .column("prediction"), in: labels), name: "spark_species"),
        ])
    }
}
