import SparkConnectProtocol

/// A Spark ML class by its JVM name and kind: an estimator to fit, a transformer, an evaluator,
/// or a fitted model to read back.
public struct SparkMLOperator: Sendable, Hashable {
    /// The JVM class name (`org.apache.spark.ml.feature.VectorAssembler`).
    public var name: String
    /// Estimator, transformer, evaluator or model.
    public var kind: Spark_Connect_MlOperator.OperatorType
    /// The instance id Spark gives the stage (`RandomForestClassifier_penguins`).
    public var uid: String

    /// An operator; `uid` defaults to the class name with a `_penguins` suffix.
    public init(name: String, kind: Spark_Connect_MlOperator.OperatorType, uid: String? = nil) {
        self.name = name
        self.kind = kind
        self.uid = uid ?? "\(name.split(separator: ".").last ?? "stage")_penguins"
    }

    /// Spark ML classes the platform uses.
    public static let vectorAssembler = SparkMLOperator(name: "org.apache.spark.ml.feature.VectorAssembler", kind: .transformer)
    public static let standardScaler = SparkMLOperator(name: "org.apache.spark.ml.feature.StandardScaler", kind: .estimator)
    public static let standardScalerModel = SparkMLOperator(name: "org.apache.spark.ml.feature.StandardScalerModel", kind: .model)
    public static let randomForestClassifier = SparkMLOperator(
        name: "org.apache.spark.ml.classification.RandomForestClassifier", kind: .estimator
    )
    public static let randomForestClassificationModel = SparkMLOperator(
        name: "org.apache.spark.ml.classification.RandomForestClassificationModel", kind: .model
    )
    public static let multiclassEvaluator = SparkMLOperator(
        name: "org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator", kind: .evaluator
    )

    /// The Spark Connect message.
    public var proto: Spark_Connect_MlOperator {
        var op = Spark_Connect_MlOperator()
        op.name = name
        op.uid = uid
        op.type = kind
        return op
    }

    /// Parameters as Spark Connect `MlParams`.
    public static func params(_ values: [String: SparkLiteral]) -> Spark_Connect_MlParams {
        var params = Spark_Connect_MlParams()
        params.params = values.mapValues(\.proto)
        return params
    }
}

/// A fitted model (or other ML object) held in the Spark Connect session, by id.
public struct SparkObjectReference: Sendable, Hashable {
    /// The server's id of the object.
    public var id: String
    /// A reference by id.
    public init(id: String) { self.id = id }

    /// The Spark Connect message.
    public var proto: Spark_Connect_ObjectRef {
        var ref = Spark_Connect_ObjectRef()
        ref.id = id
        return ref
    }
}

/// Spark ML commands over Spark Connect: fit, evaluate, save, load and release.
public enum SparkMLCommand {
    /// Fits `estimator` with `params` on `dataset`; answers with the model's reference.
    public static func fit(_ estimator: SparkMLOperator, params: [String: SparkLiteral], dataset: SparkRelation) -> Spark_Connect_Plan {
        var fit = Spark_Connect_MlCommand.Fit()
        fit.estimator = estimator.proto
        fit.params = SparkMLOperator.params(params)
        fit.dataset = dataset.proto
        var command = Spark_Connect_MlCommand()
        command.fit = fit
        return plan(command)
    }

    /// Runs `evaluator` with `params` on `dataset`; answers with the metric as a literal.
    public static func evaluate(_ evaluator: SparkMLOperator, params: [String: SparkLiteral], dataset: SparkRelation) -> Spark_Connect_Plan {
        var evaluate = Spark_Connect_MlCommand.Evaluate()
        evaluate.evaluator = evaluator.proto
        evaluate.params = SparkMLOperator.params(params)
        evaluate.dataset = dataset.proto
        var command = Spark_Connect_MlCommand()
        command.evaluate = evaluate
        return plan(command)
    }

    /// Saves a fitted model to `path` on the cluster's file system, replacing what is there.
    public static func save(_ model: SparkObjectReference, path: String) -> Spark_Connect_Plan {
        var write = Spark_Connect_MlCommand.Write()
        write.objRef = model.proto
        write.path = path
        write.shouldOverwrite = true
        var command = Spark_Connect_MlCommand()
        command.write = write
        return plan(command)
    }

    /// Loads a saved model of class `model` from `path`; answers with its reference.
    public static func load(_ model: SparkMLOperator, path: String) -> Spark_Connect_Plan {
        var read = Spark_Connect_MlCommand.Read()
        read.operator = model.proto
        read.path = path
        var command = Spark_Connect_MlCommand()
        command.read = read
        return plan(command)
    }

    /// Releases models held in the session.
    public static func delete(_ references: [SparkObjectReference]) -> Spark_Connect_Plan {
        var delete = Spark_Connect_MlCommand.Delete()
        delete.objRefs = references.map(\.proto)
        var command = Spark_Connect_MlCommand()
        command.delete = delete
        return plan(command)
    }

    private static func plan(_ ml: Spark_Connect_MlCommand) -> Spark_Connect_Plan {
        var command = Spark_Connect_Command()
        command.mlCommand = ml
        var plan = Spark_Connect_Plan()
        plan.command = command
        return plan
    }
}
