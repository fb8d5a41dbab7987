import SparkConnectProtocol

/// What one `ExecutePlan` answered, gathered from its response stream: the ML results, the row
/// batches' sizes (row data stays unread: the platform keeps results on the server side), the
/// operator metrics, and whether the server said the result was complete.
public struct SparkExecution: Sendable, Equatable {
    /// The operation id the server reported.
    public var operationID: String = ""
    /// The ML command results, in order (a fitted model's reference, an evaluation's value).
    public var mlResults: [Spark_Connect_MlCommandResult] = []
    /// Rows over all Arrow batches, and the number of batches.
    public var rowCount: Int64 = 0
    public var batchCount = 0
    /// Operator metrics by operator name and metric name (`"JDBCRelation" -> "numOutputRows" -> 12`).
    public var metrics: [String: [String: Int64]] = [:]
    /// True once `ResultComplete` arrived (sent to reattachable executions; a plain execution
    /// ends with the stream's OK status instead).
    public var complete = false

    /// An execution with nothing received yet.
    public init() {}

    /// Folds one response of the stream in. Pure: the client calls it per message, tests call it directly.
    public mutating func add(_ response: Spark_Connect_ExecutePlanResponse) {
        if !response.operationID.isEmpty { operationID = response.operationID }
        switch response.responseType {
        case .arrowBatch(let batch):
            rowCount += batch.rowCount
            batchCount += 1
        case .mlCommandResult(let result):
            mlResults.append(result)
        case .resultComplete:
            complete = true
        default:
            break
        }
        if response.hasMetrics {
            for object in response.metrics.metrics {
                var values = metrics[object.name, default: [:]]
                for (name, value) in object.executionMetrics { values[name, default: 0] += value.value }
                metrics[object.name] = values
            }
        }
    }

    /// The model reference of the last ML result, for a fit or a load.
    public func objectReference() throws(SparkError) -> SparkObjectReference {
        for result in mlResults.reversed() {
            if case .operatorInfo(let info) = result.resultType, case .objRef(let ref) = info.type {
                return SparkObjectReference(id: ref.id)
            }
        }
        throw SparkError.unexpectedAnswer("Spark answered the ML command without a model reference")
    }

    /// The number of the last ML result, for an evaluation.
    public func number() throws(SparkError) -> Double {
        for result in mlResults.reversed() {
            if case .param(let literal) = result.resultType, let value = SparkLiteral.number(literal) { return value }
        }
        throw SparkError.unexpectedAnswer("Spark answered the evaluation without a number")
    }
}
