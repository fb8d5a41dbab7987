import Foundation
import SparkConnectProtocol

/// A Spark DataFrame plan built from typed values: a data-source read, SQL, filter, project,
/// added columns, a seeded split, and ML transforms. Each builder returns a new relation;
/// ``proto`` is the Spark Connect message.
///
/// Every node gets a plan id of its own (unique in the process), as Spark's own clients do:
/// the server keeps the plans it converted by relation, and only relations with plan ids are
/// kept. So reuse a relation value (not a rebuilt one) for later jobs on the same data: the
/// server then finds the same plan, and a dataset cached with
/// ``SparkConnectSession/persist(_:)`` is read from the cache.
public struct SparkRelation: Sendable {
    /// The Spark Connect message.
    public var proto: Spark_Connect_Relation

    /// Wraps a message, giving it a fresh plan id when it has none.
    public init(_ proto: Spark_Connect_Relation) {
        var proto = proto
        if !proto.common.hasPlanID { proto.common.planID = PlanIDs.shared.next() }
        self.proto = proto
    }

    /// The plan id of this node.
    public var planID: Int64 { proto.common.planID }

    /// A batch read of a data source (`jdbc`, `parquet`, ...) with its options, and, for JDBC,
    /// one partition per predicate.
    public static func read(format: String, options: [String: String], predicates: [String] = []) -> SparkRelation {
        var source = Spark_Connect_Read.DataSource()
        source.format = format
        source.options = options
        source.predicates = predicates
        var read = Spark_Connect_Read()
        read.dataSource = source
        var relation = Spark_Connect_Relation()
        relation.read = read
        return SparkRelation(relation)
    }

    /// The rows of a SQL query, with named arguments bound as literals (`:name` in the query).
    public static func sql(_ query: String, arguments: [String: SparkLiteral] = [:]) -> SparkRelation {
        var sql = Spark_Connect_SQL()
        sql.query = query
        sql.namedArguments = arguments.mapValues { SparkExpression.literal($0).proto }
        var relation = Spark_Connect_Relation()
        relation.sql = sql
        return SparkRelation(relation)
    }

    /// The rows for which `condition` is true.
    public func filter(_ condition: SparkExpression) -> SparkRelation {
        var filter = Spark_Connect_Filter()
        filter.input = proto
        filter.condition = condition.proto
        var relation = Spark_Connect_Relation()
        relation.filter = filter
        return SparkRelation(relation)
    }

    /// The given expressions as the only columns.
    public func select(_ expressions: [SparkExpression]) -> SparkRelation {
        var project = Spark_Connect_Project()
        project.input = proto
        project.expressions = expressions.map(\.proto)
        var relation = Spark_Connect_Relation()
        relation.project = project
        return SparkRelation(relation)
    }

    /// Adds (or replaces) columns, by name.
    public func withColumns(_ columns: [(name: String, value: SparkExpression)]) -> SparkRelation {
        var with = Spark_Connect_WithColumns()
        with.input = proto
        with.aliases = columns.map { column in
            var alias = Spark_Connect_Expression.Alias()
            alias.expr = column.value.proto
            alias.name = [column.name]
            return alias
        }
        var relation = Spark_Connect_Relation()
        relation.withColumns = with
        return SparkRelation(relation)
    }

    /// The rows whose seeded uniform draw falls in `[lower, upper)`: complementary ranges with
    /// the same seed split the rows without overlap (Spark's `randomSplit`).
    public func sample(lower: Double, upper: Double, seed: Int64) -> SparkRelation {
        var sample = Spark_Connect_Sample()
        sample.input = proto
        sample.lowerBound = lower
        sample.upperBound = upper
        sample.withReplacement = false
        sample.seed = seed
        sample.deterministicOrder = true
        var relation = Spark_Connect_Relation()
        relation.sample = sample
        return SparkRelation(relation)
    }

    /// A training and a test part: `testFraction` of the rows, drawn with `seed`, and the rest.
    public func randomSplit(testFraction: Double, seed: Int64) -> (train: SparkRelation, test: SparkRelation) {
        let cut = 1 - testFraction
        return (sample(lower: 0, upper: cut, seed: seed), sample(lower: cut, upper: 1, seed: seed))
    }

    /// This relation through a transformer that needs no fitting (`VectorAssembler`).
    public func transform(with transformer: SparkMLOperator, params: [String: SparkLiteral]) -> SparkRelation {
        var transform = Spark_Connect_MlRelation.Transform()
        transform.transformer = transformer.proto
        transform.input = proto
        transform.params = SparkMLOperator.params(params)
        return SparkRelation.ml(transform)
    }

    /// This relation through a fitted model that lives on the server.
    public func transform(with model: SparkObjectReference, params: [String: SparkLiteral] = [:]) -> SparkRelation {
        var transform = Spark_Connect_MlRelation.Transform()
        transform.objRef = model.proto
        transform.input = proto
        transform.params = SparkMLOperator.params(params)
        return SparkRelation.ml(transform)
    }

    private static func ml(_ transform: Spark_Connect_MlRelation.Transform) -> SparkRelation {
        var ml = Spark_Connect_MlRelation()
        ml.transform = transform
        var relation = Spark_Connect_Relation()
        relation.mlRelation = ml
        return SparkRelation(relation)
    }

    /// The plan that returns this relation's rows.
    public var plan: Spark_Connect_Plan {
        var plan = Spark_Connect_Plan()
        plan.root = proto
        return plan
    }

    /// The command that writes this relation to a data source (`jdbc` with its options).
    public func write(format: String, options: [String: String], mode: Spark_Connect_WriteOperation.SaveMode) -> Spark_Connect_Plan {
        var write = Spark_Connect_WriteOperation()
        write.input = proto
        write.source = format
        write.options = options
        write.mode = mode
        var command = Spark_Connect_Command()
        command.writeOperation = write
        var plan = Spark_Connect_Plan()
        plan.command = command
        return plan
    }
}

/// Plan ids, increasing from 1 over the process.
final class PlanIDs: @unchecked Sendable {
    static let shared = PlanIDs()
    private let lock = NSLock()
    private var last: Int64 = 0

    func next() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        last += 1
        return last
    }
}
