import GRPCCore
import PenguinsPipeline
import SparkConnectProtocol
import Testing
@testable import PenguinsSpark

struct SparkExecutionTests {
    private func response(_ build: (inout Spark_Connect_ExecutePlanResponse) -> Void) -> Spark_Connect_ExecutePlanResponse {
        var response = Spark_Connect_ExecutePlanResponse()
        response.sessionID = "s"
        response.operationID = "op-1"
        build(&response)
        return response
    }

    @Test func foldsBatchesMetricsAndCompletion() {
        var execution = SparkExecution()
        execution.add(response { var batch = Spark_Connect_ExecutePlanResponse.ArrowBatch(); batch.rowCount = 3; $0.arrowBatch = batch })
        execution.add(response { var batch = Spark_Connect_ExecutePlanResponse.ArrowBatch(); batch.rowCount = 4; $0.arrowBatch = batch })
        execution.add(response {
            var value = Spark_Connect_ExecutePlanResponse.Metrics.MetricValue()
            value.name = "numOutputRows"
            value.value = 7
            var object = Spark_Connect_ExecutePlanResponse.Metrics.MetricObject()
            object.name = "Scan JDBCRelation"
            object.executionMetrics = ["numOutputRows": value]
            var metrics = Spark_Connect_ExecutePlanResponse.Metrics()
            metrics.metrics = [object]
            $0.metrics = metrics
        })
        #expect(!execution.complete)
        execution.add(response { $0.resultComplete = Spark_Connect_ExecutePlanResponse.ResultComplete() })
        #expect(execution.rowCount == 7)
        #expect(execution.batchCount == 2)
        #expect(execution.metrics["Scan JDBCRelation"]?["numOutputRows"] == 7)
        #expect(execution.complete)
        #expect(execution.operationID == "op-1")
    }

    @Test func readsModelReferencesAndEvaluations() throws {
        var execution = SparkExecution()
        execution.add(response {
            var info = Spark_Connect_MlCommandResult.MlOperatorInfo()
            var ref = Spark_Connect_ObjectRef()
            ref.id = "model-9"
            info.objRef = ref
            var result = Spark_Connect_MlCommandResult()
            result.operatorInfo = info
            $0.mlCommandResult = result
        })
        #expect(try execution.objectReference() == SparkObjectReference(id: "model-9"))
        #expect(throws: SparkError.self) { try execution.number() }

        var evaluation = SparkExecution()
        evaluation.add(response {
            var result = Spark_Connect_MlCommandResult()
            result.param = SparkLiteral.double(0.97).proto
            $0.mlCommandResult = result
        })
        #expect(try evaluation.number() == 0.97)
        #expect(throws: SparkError.self) { try evaluation.objectReference() }
    }

    @Test func anEmptyAnswerIsNotAModel() {
        #expect(throws: SparkError.self) { try SparkExecution().objectReference() }
    }

    @Test func macroF1IsTheMeanOfPerLabelF1() {
        let result = SparkFitResult(sparkVersion: "4", modelPath: "/m", accuracy: 0.9, f1ByLabel: [1, 0.5, 0.75], seconds: 1)
        #expect(result.macroF1 == 0.75)
    }
}

struct SparkErrorTests {
    let url = SparkConnectURL(host: "127.0.0.1", port: 15002)

    @Test func unavailableMeansNoServer() {
        let error = SparkConnectSession.translate(RPCError(code: .unavailable, message: "Connection refused"), url: url, operation: "x")
        #expect(error == .unreachable(url: "sc://127.0.0.1:15002", reason: "Connection refused"))
        #expect(error.description.contains("scripts/services.sh start spark"))
    }

    @Test func aServerThatIsNotHTTP2IsNotSparkConnect() {
        let message = "The server accepted the TCP connection but closed the connection before completing the HTTP/2 connection preface."
        let error = SparkConnectSession.translate(RPCError(code: .unavailable, message: message), url: url, operation: "x")
        guard case .notSparkConnect = error else { Issue.record("got \(error)"); return }
        #expect(error.description.contains("SparkConnectServer"))
    }

    @Test func unimplementedMeansNotSparkConnect() {
        let error = SparkConnectSession.translate(RPCError(code: .unimplemented, message: "Method not found"), url: url, operation: "x")
        guard case .notSparkConnect = error else { Issue.record("got \(error)"); return }
        #expect(error.description.contains("Spark Connect"))
    }

    @Test func sparkFailuresKeepSparksMessageOnOneLine() {
        let message = "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found.\nSQLSTATE: 42P01"
        let error = SparkConnectSession.translate(RPCError(code: .internalError, message: message), url: url, operation: "read the warehouse")
        #expect(error == .failed(operation: "read the warehouse", message: "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. SQLSTATE: 42P01"))
        #expect(error.description.hasPrefix("Spark failed to read the warehouse: [TABLE_OR_VIEW_NOT_FOUND]"))
        #expect(!error.description.contains("\n"))
    }

    @Test func longMessagesAreCut() {
        let error = SparkConnectSession.translate(RPCError(code: .unknown, message: String(repeating: "x", count: 5_000)), url: url, operation: "y")
        #expect(error.description.count < 700)
    }

    @Test func embeddedWarehousesAreRefusedNamingTheFix() {
        #expect {
            _ = try SparkTrainer.sparkWarehouse(of: Platform.inMemory())
        } throws: { error in
            let text = String(describing: error)
            return text.contains("JDBC") && text.contains("--warehouse postgres://") && text.contains("in-memory")
        }
    }

    @Test func aModelWithoutSparkPartSaysHowToTrainOne() {
        #expect(SparkError.noSparkModel(version: 3, dataset: "penguins").description.contains("penguins train --engine sc://"))
        #expect(SparkError.noSparkModel(version: 3, dataset: "iris").description.contains("penguins train --dataset iris --engine sc://"))
    }
}
