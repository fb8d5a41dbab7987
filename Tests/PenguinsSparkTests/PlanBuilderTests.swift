import PenguinsCore
import PenguinsML
import PenguinsStorage
import SparkConnectProtocol
import Testing
@testable import PenguinsSpark

struct PlanBuilderTests {
    let location = PostgresLocation(host: "db.internal", port: 5463, username: "penguins", password: "pw", database: "penguins", tls: .disable, schema: "t_spark")

    @Test func expressionsBecomeUnresolvedFunctionsAndAttributes() {
        let expression = SparkExpression.equals(.column("island"), .string("Dream")).proto
        guard case .unresolvedFunction(let function) = expression.exprType else { Issue.record("not a function"); return }
        #expect(function.functionName == "==")
        #expect(function.arguments.count == 2)
        #expect(function.arguments[0].unresolvedAttribute.unparsedIdentifier == "island")
        #expect(function.arguments[1].literal.string == "Dream")
    }

    @Test func labelIndexFollowsTheSwiftClassOrder() {
        let expression = SparkExpression.labelIndex(of: .column("species"), in: BundledSchemas.penguins.target.classes).proto
        #expect(expression.cast.typeStr == "double")
        let minus = expression.cast.expr.unresolvedFunction
        #expect(minus.functionName == "-")
        let position = minus.arguments[0].unresolvedFunction
        #expect(position.functionName == "array_position")
        let names = position.arguments[0].unresolvedFunction.arguments.map(\.literal.string)
        #expect(names == Species.allCases.map(\.rawValue))
        #expect(minus.arguments[1].literal.long == 1)
    }

    @Test func predictionMapsBackThroughTheSameLabels() {
        let expression = SparkExpression.label(at: .column("prediction"), in: ["A", "B"]).proto.unresolvedFunction
        #expect(expression.functionName == "element_at")
        #expect(expression.arguments[0].unresolvedFunction.arguments.map(\.literal.string) == ["A", "B"])
        let plusOne = expression.arguments[1].unresolvedFunction
        #expect(plusOne.functionName == "+")
        #expect(plusOne.arguments[0].cast.typeStr == "int")
        #expect(plusOne.arguments[1].literal.integer == 1)
    }

    @Test func stringArrayLiteralsCarryTheirElementType() {
        let literal = SparkLiteral.strings(["a", "b"]).proto
        #expect(literal.array.elements.map(\.string) == ["a", "b"])
        #expect(literal.array.elementType.kind == .string(Spark_Connect_DataType.StringMessage()))
        #expect(SparkLiteral.number(SparkLiteral.double(0.5).proto) == 0.5)
        #expect(SparkLiteral.number(SparkLiteral.string("x").proto) == nil)
    }

    @Test func jdbcSourceCarriesSchemaAndDriver() {
        let source = JDBCSource(location)
        #expect(source.url == "jdbc:postgresql://db.internal:5463/penguins?sslmode=disable&reWriteBatchedInserts=true&currentSchema=t_spark")
        let options = source.readOptions(table: "warehouse", fetchSize: 500)
        #expect(options["dbtable"] == "t_spark.warehouse")
        #expect(options["driver"] == "org.postgresql.Driver")
        #expect(options["user"] == "penguins")
        #expect(options["password"] == "pw")
        #expect(options["fetchsize"] == "500")
        #expect(JDBCSource(location.withSchema(nil)).qualified("warehouse") == "warehouse")
        #expect(source.writeOptions(table: "spark_staging_1")["batchsize"] == "10000")
    }

    @Test func islandPredicatesCoverEveryRowOnce() {
        let predicates = JDBCSource.islandPredicates([.biscoe, Island(rawValue: "O'Brien")])
        #expect(predicates == ["island = 'Biscoe'", "island = 'O''Brien'", "island NOT IN ('Biscoe', 'O''Brien') OR island IS NULL"])
    }

    @Test func trainingPlanReadsFiltersLabelsAndAssembles() throws {
        let pipeline = penguinsPipeline(source: JDBCSource(location), parameters: RandomForestClassifier())
        let assembled = pipeline.assembled(pipeline.complete()).proto
        let transform = assembled.mlRelation.transform
        #expect(transform.transformer.name == "org.apache.spark.ml.feature.VectorAssembler")
        #expect(transform.transformer.type == .transformer)
        #expect(transform.params.params["inputCols"]?.array.elements.map(\.string) == Feature.allCases.map(\.rawValue))
        #expect(transform.params.params["outputCol"]?.string == "raw_features")
        let project = transform.input.project
        #expect(project.expressions.last?.alias.name == ["label"])
        let filter = project.input.filter
        guard case .unresolvedFunction(let and) = filter.condition.exprType else { Issue.record("no condition"); return }
        #expect(and.functionName == "and")
        let read = filter.input.read.dataSource
        #expect(read.format == "jdbc")
        #expect(read.predicates.count == Island.known.count + 1)
        #expect(read.options["dbtable"] == "t_spark.ds_penguins_warehouse")
    }

    @Test func splitUsesComplementaryRangesWithOneSeed() {
        var parameters = RandomForestClassifier()
        parameters.seed = 7
        let pipeline = penguinsPipeline(source: JDBCSource(location), parameters: parameters)
        let (train, test) = pipeline.split(pipeline.assembled(pipeline.complete()), testFraction: 0.25)
        #expect(train.proto.sample.lowerBound == 0)
        #expect(train.proto.sample.upperBound == 0.75)
        #expect(test.proto.sample.lowerBound == 0.75)
        #expect(test.proto.sample.upperBound == 1)
        #expect(train.proto.sample.seed == 7 && test.proto.sample.seed == 7)
        #expect(train.proto.sample.deterministicOrder)
    }

    @Test func everyNodeHasItsOwnPlanIDAndReuseKeepsIt() {
        let read = SparkRelation.read(format: "jdbc", options: [:])
        let filtered = read.filter(.isNotNull(.column("x")))
        #expect(read.planID > 0)
        #expect(filtered.planID > read.planID)
        #expect(filtered.proto.filter.input.common.planID == read.planID)
        // Two builds of the same plan are two plans to the server; one value reused is one.
        let pipeline = penguinsPipeline(source: JDBCSource(location), parameters: RandomForestClassifier())
        let rows = pipeline.complete()
        #expect(pipeline.complete().planID != rows.planID)
        let (train, test) = pipeline.split(pipeline.assembled(rows), testFraction: 0.2)
        #expect(train.proto.sample.input.mlRelation.transform.input == rows.proto)
        #expect(test.proto.sample.input == train.proto.sample.input)
    }

    @Test func forestParametersMatchTheSwiftModel() {
        let parameters = RandomForestClassifier(numTrees: 20, maxDepth: 5, maxBins: 32, seed: UInt64.max)
        let params = penguinsPipeline(source: JDBCSource(location), parameters: parameters).forestParams
        #expect(params["numTrees"] == .integer(20))
        #expect(params["maxDepth"] == .integer(5))
        #expect(params["maxBins"] == .integer(32))
        #expect(params["seed"] == .long(-1))
        #expect(params["impurity"] == .string("gini"))
        #expect(params["featureSubsetStrategy"] == .string("auto"))
        #expect(params["labelCol"] == .string("label"))
    }

    @Test func mlCommandsNameOperatorsAndReferences() {
        let fit = SparkMLCommand.fit(.randomForestClassifier, params: ["numTrees": .integer(3)], dataset: .sql("SELECT 1")).command.mlCommand.fit
        #expect(fit.estimator.name == "org.apache.spark.ml.classification.RandomForestClassifier")
        #expect(fit.estimator.type == .estimator)
        #expect(fit.params.params["numTrees"]?.integer == 3)
        #expect(fit.dataset.sql.query == "SELECT 1")

        let evaluate = SparkMLCommand.evaluate(.multiclassEvaluator, params: DatasetPipeline.evaluatorParams(metric: "fMeasureByLabel", label: 2), dataset: .sql("x"))
        #expect(evaluate.command.mlCommand.evaluate.params.params["metricLabel"]?.double == 2)

        let save = SparkMLCommand.save(SparkObjectReference(id: "42"), path: "/m/forest").command.mlCommand.write
        #expect(save.objRef.id == "42")
        #expect(save.path == "/m/forest")
        #expect(save.shouldOverwrite)

        let load = SparkMLCommand.load(.randomForestClassificationModel, path: "/m/forest").command.mlCommand.read
        #expect(load.operator.type == .model)

        let transformed = SparkRelation.sql("x").transform(with: SparkObjectReference(id: "7")).proto.mlRelation.transform
        #expect(transformed.objRef.id == "7")
    }

    @Test func sqlBindsNamedArgumentsAsLiterals() {
        let sql = SparkRelation.sql("SELECT * FROM t WHERE island = :island", arguments: ["island": .string("Dream'; DROP")]).proto.sql
        #expect(sql.query == "SELECT * FROM t WHERE island = :island")
        #expect(sql.namedArguments["island"]?.literal.string == "Dream'; DROP")
    }

    @Test func writePlanIsAJDBCCommand() {
        let plan = penguinsPipeline(source: JDBCSource(location), parameters: RandomForestClassifier()).predictionColumns(.sql("x")).write(format: "jdbc", options: ["dbtable": "s"], mode: .overwrite)
        let write = plan.command.writeOperation
        #expect(write.source == "jdbc")
        #expect(write.mode == .overwrite)
        #expect(write.input.project.expressions.last?.alias.name == ["spark_species"])
    }

    @Test func stagingNamesAreSafeToSplice() {
        let name = SparkScorer.stagingTableName()
        #expect(SparkStaging.isValidName(name))
        #expect(name != SparkScorer.stagingTableName())
        #expect(!SparkStaging.isValidName("spark_staging_x; DROP TABLE warehouse"))
        #expect(!SparkStaging.isValidName("warehouse"))
    }

    @Test func modelPathsAreFreshFoldersUnderTheRoot() {
        let time = Date(timeIntervalSince1970: 0)
        let path = SparkTrainer.modelPath(root: "/models/", at: time)
        #expect(path.hasPrefix("/models/species-19700101T000000Z-"))
        #expect(path != SparkTrainer.modelPath(root: "/models", at: time))
    }
}

import Foundation

/// The plans of the penguins' default model (the four measurements) over their warehouse.
func penguinsPipeline(source: JDBCSource, parameters: RandomForestClassifier) -> DatasetPipeline {
    let schema = BundledSchemas.penguins
    return DatasetPipeline(schema: schema, featureIndices: schema.modelFeatureIndices, source: source, parameters: parameters, table: "ds_penguins_warehouse")
}
