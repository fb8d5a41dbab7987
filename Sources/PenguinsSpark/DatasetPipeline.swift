import PenguinsCore
import PenguinsML

/// The Spark plans of a dataset's model, built from its schema: read its warehouse table by
/// JDBC (one partition per level of its partition column), keep the rows that have every chosen
/// feature, label them in the schema's class order, encode each categorical feature as its
/// level's index in the schema (as the Swift model does), assemble, scale, fit the forest and
/// evaluate. Pure: it only builds messages, so tests check every plan without a server.
public struct DatasetPipeline: Sendable {
    public var schema: DatasetSchema
    /// The model's features, by index into the schema's, in the model's order.
    public var featureIndices: [Int]
    /// The warehouse table Spark reads.
    public var table: String
    /// Where Spark reads the warehouse, and the forest's parameters.
    public var source: JDBCSource
    public var parameters: RandomForestClassifier

    /// The plans for the features `featureIndices` of `schema`'s warehouse; `table` is the
    /// dataset's own (`ds_<name>_warehouse`) unless given.
    public init(schema: DatasetSchema, featureIndices: [Int], source: JDBCSource, parameters: RandomForestClassifier, table: String? = nil) {
        self.schema = schema
        self.featureIndices = featureIndices
        self.table = table ?? "ds_\(schema.name)_warehouse"
        self.source = source
        self.parameters = parameters
    }

    /// The class labels in label-index order: Spark's label `i` is `labels[i]`, as in the Swift model.
    public var labels: [String] { schema.target.classes }
    /// The feature columns, in the model's order.
    public var featureColumns: [String] { featureIndices.map { schema.features[$0].name } }
    /// The columns the features are assembled from, in the model's order: a numeric feature's
    /// own, a categorical one's level index (`<name>__level`, so the raw column stays as it is,
    /// which the partition column must when it is a feature).
    public var inputColumns: [String] {
        featureIndices.map { schema.features[$0].kind == .categorical ? schema.features[$0].name + "__level" : schema.features[$0].name }
    }
    /// The id, partition and target columns, each once.
    private var keyColumns: [String] {
        var keys: [String] = []
        for name in [schema.idColumnName, schema.partition, schema.target.name] where !keys.contains(name) { keys.append(name) }
        return keys
    }

    /// Every warehouse row, read by JDBC with one partition per level of the partition column
    /// and one for any other value.
    public func warehouse() -> SparkRelation {
        let levels = schema.partitionFeatureIndex.map { schema.features[$0].levels } ?? schema.target.classes
        return .read(
            format: "jdbc", options: source.readOptions(table: table),
            predicates: JDBCSource.partitionPredicates(column: schema.partition, levels: levels))
    }

    /// Rows with every feature: the key columns (id, partition, target), the features (a
    /// numeric one as it is, a categorical one as its level index, see ``inputColumns``) and the
    /// target's label index as `label`.
    public func complete() -> SparkRelation {
        let present = featureColumns.map { SparkExpression.isNotNull(.column($0)) }
        let features = featureIndices.map { index -> SparkExpression in
            let feature = schema.features[index]
            switch feature.kind {
            case .numeric: return .column(feature.name)
            case .categorical: return .alias(.labelIndex(of: .column(feature.name), in: feature.levels), name: feature.name + "__level")
            }
        }
        return warehouse()
            .filter(present.dropFirst().reduce(present[0]) { .and($0, $1) })
            .select(keyColumns.map { SparkExpression.column($0) } + features + [.alias(.labelIndex(of: .column(schema.target.name), in: labels), name: "label")])
    }

    /// `rows` (from ``complete()``) with the features assembled into the vector column `raw_features`.
    public func assembled(_ rows: SparkRelation) -> SparkRelation {
        rows.transform(with: .vectorAssembler, params: [
            "inputCols": .strings(inputColumns),
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

    /// Scored rows as a staging table takes them: id, partition and target, and the predicted
    /// class by name as `spark_<target>` (Spark's `prediction` index mapped through ``labels``).
    public func predictionColumns(_ scored: SparkRelation) -> SparkRelation {
        scored.select(
            keyColumns.map { SparkExpression.column($0) } + [.alias(.label(at: .column("prediction"), in: labels), name: "spark_" + schema.target.name)]
        )
    }
}
