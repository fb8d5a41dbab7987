import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SparkConnectProtocol

/// One Spark Connect session over a plaintext HTTP/2 connection: a session id and the user
/// context on every request; `AnalyzePlan` (version, schema, persist), `ExecutePlan` with its
/// response stream folded into a ``SparkExecution``, `Config`, and `Interrupt` when the calling
/// task is cancelled.
///
/// Use ``with(_:_:)``: it opens the connection, runs the body, releases the session and closes
/// the connection.
public struct SparkConnectSession: Sendable {
    /// Where the server listens.
    public let url: SparkConnectURL
    /// The session id, a fresh UUID per session (Spark keys its state, cached data and ML objects by it).
    public let sessionID: String
    private let service: Spark_Connect_SparkConnectService.Client<HTTP2ClientTransport.Posix>

    /// Identifies this client in the server's logs and UI.
    public static let clientType = "penguins-swift/\(sparkConnectProtocolVersion)"

    /// Opens a session at `url`, runs `body` with it, then releases the session and closes the connection.
    public static func with<Result: Sendable>(
        _ url: SparkConnectURL, _ body: (SparkConnectSession) async throws -> Result
    ) async throws -> Result {
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: url.host, port: url.port),
                transportSecurity: .plaintext,
                config: .defaults { config in
                    // ML answers and plans are small, but keep room for large schemas.
                    config.http2.targetWindowSize = 8 * 1024 * 1024
                }
            )
        } catch {
            throw SparkError.unreachable(url: url.description, reason: "\(error)")
        }
        return try await withGRPCClient(transport: transport) { client in
            let session = SparkConnectSession(url: url, service: Spark_Connect_SparkConnectService.Client(wrapping: client))
            // Releasing ends every operation of the session on the server; it runs in a task of
            // its own so that it still goes out when the caller was cancelled.
            do {
                let result = try await body(session)
                await Task { await session.release() }.value
                return result
            } catch {
                await Task { await session.release() }.value
                throw error
            }
        }
    }

    private init(url: SparkConnectURL, service: Spark_Connect_SparkConnectService.Client<HTTP2ClientTransport.Posix>) {
        self.url = url
        self.sessionID = UUID().uuidString.lowercased()
        self.service = service
    }

    private var userContext: Spark_Connect_UserContext {
        var context = Spark_Connect_UserContext()
        context.userID = url.userID
        context.userName = url.userID
        return context
    }

    /// Fail at once when nothing listens, instead of waiting for the server to appear.
    private func options(timeout: Duration?) -> CallOptions {
        var options = CallOptions.defaults
        options.waitForReady = false
        options.timeout = timeout
        return options
    }

    // MARK: AnalyzePlan

    /// The server's Spark version (`4.3.0`).
    public func sparkVersion() async throws -> String {
        var request = analyzeRequest()
        request.sparkVersion = Spark_Connect_AnalyzePlanRequest.SparkVersion()
        let response = try await analyze(request, operation: "report its version")
        return response.sparkVersion.version
    }

    /// The schema of a relation, as Spark resolves it (this also checks the plan without running it).
    public func schema(of relation: SparkRelation) async throws -> Spark_Connect_DataType {
        var request = analyzeRequest()
        var schema = Spark_Connect_AnalyzePlanRequest.Schema()
        schema.plan = relation.plan
        request.schema = schema
        return try await analyze(request, operation: "resolve a plan").schema.schema
    }

    /// Marks a relation for caching on the cluster (memory, spilling to disk): the next job that
    /// computes it keeps its rows for later jobs on the same plan.
    public func persist(_ relation: SparkRelation) async throws {
        var request = analyzeRequest()
        var persist = Spark_Connect_AnalyzePlanRequest.Persist()
        persist.relation = relation.proto
        var level = Spark_Connect_StorageLevel()
        level.useMemory = true
        level.useDisk = true
        level.deserialized = true
        level.replication = 1
        persist.storageLevel = level
        request.persist = persist
        _ = try await analyze(request, operation: "cache a dataset")
    }

    /// Drops a relation's cached rows.
    public func unpersist(_ relation: SparkRelation) async throws {
        var request = analyzeRequest()
        var unpersist = Spark_Connect_AnalyzePlanRequest.Unpersist()
        unpersist.relation = relation.proto
        unpersist.blocking = false
        request.unpersist = unpersist
        _ = try await analyze(request, operation: "drop a cached dataset")
    }

    private func analyzeRequest() -> Spark_Connect_AnalyzePlanRequest {
        var request = Spark_Connect_AnalyzePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        return request
    }

    private func analyze(_ request: Spark_Connect_AnalyzePlanRequest, operation: String) async throws -> Spark_Connect_AnalyzePlanResponse {
        do {
            return try await service.analyzePlan(request: ClientRequest(message: request), options: options(timeout: .seconds(120)))
        } catch {
            throw SparkConnectSession.translate(error, url: url, operation: operation)
        }
    }

    // MARK: ExecutePlan

    /// Runs a plan and folds its response stream. `operation` names the step in errors
    /// ("fit the random forest"). Cancelling the calling task interrupts the operation on the server.
    /// `operationID` (a UUID, fresh by default) names the operation for ``interrupt(operationID:)``.
    public func execute(
        _ plan: Spark_Connect_Plan, operation: String, operationID: String = UUID().uuidString.lowercased()
    ) async throws -> SparkExecution {
        var request = Spark_Connect_ExecutePlanRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        request.plan = plan
        request.operationID = operationID
        let service = self.service
        let callOptions = options(timeout: nil)
        do {
            let execution = try await withTaskCancellationHandler {
                try await service.executePlan(request: ClientRequest(message: request), options: callOptions) { response in
                    var execution = SparkExecution()
                    for try await message in response.messages { execution.add(message) }
                    return execution
                }
            } onCancel: {
                let session = self
                Task { try? await session.interrupt(operationID: operationID) }
            }
            return execution
        } catch let error as SparkError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw SparkConnectSession.translate(error, url: url, operation: operation)
        }
    }

    /// Asks the server to stop one operation of this session; returns the ids it interrupted.
    @discardableResult
    public func interrupt(operationID: String) async throws -> [String] {
        var request = Spark_Connect_InterruptRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        request.interruptType = .operationID
        request.operationID = operationID
        do {
            return try await service.interrupt(request: ClientRequest(message: request), options: options(timeout: .seconds(10))).interruptedIds
        } catch {
            throw SparkConnectSession.translate(error, url: url, operation: "interrupt operation \(operationID)")
        }
    }

    // MARK: Config

    /// Sets session configuration (`spark.sql.shuffle.partitions` = `4`).
    public func setConfig(_ pairs: [String: String]) async throws {
        var set = Spark_Connect_ConfigRequest.Set()
        set.pairs = pairs.sorted { $0.key < $1.key }.map { key, value in
            var pair = Spark_Connect_KeyValue()
            pair.key = key
            pair.value = value
            return pair
        }
        var operation = Spark_Connect_ConfigRequest.Operation()
        operation.set = set
        _ = try await config(operation, action: "set its configuration")
    }

    /// Reads session configuration values; nil for keys without a value.
    public func config(_ keys: [String]) async throws -> [String: String?] {
        var get = Spark_Connect_ConfigRequest.GetOption()
        get.keys = keys
        var operation = Spark_Connect_ConfigRequest.Operation()
        operation.getOption = get
        let response = try await config(operation, action: "read its configuration")
        var values: [String: String?] = [:]
        for pair in response.pairs { values[pair.key] = pair.hasValue ? pair.value : nil }
        return values
    }

    private func config(_ operation: Spark_Connect_ConfigRequest.Operation, action: String) async throws -> Spark_Connect_ConfigResponse {
        var request = Spark_Connect_ConfigRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        request.operation = operation
        do {
            return try await service.config(request: ClientRequest(message: request), options: options(timeout: .seconds(60)))
        } catch {
            throw SparkConnectSession.translate(error, url: url, operation: action)
        }
    }

    /// Ends the session on the server, freeing its cached data and ML objects. Best effort.
    func release() async {
        var request = Spark_Connect_ReleaseSessionRequest()
        request.sessionID = sessionID
        request.userContext = userContext
        request.clientType = Self.clientType
        _ = try? await service.releaseSession(request: ClientRequest(message: request), options: options(timeout: .seconds(10)))
    }

    // MARK: Errors

    /// The platform's error for a failed call. Pure, so tests can check every mapping.
    public static func translate(_ error: any Error, url: SparkConnectURL, operation: String) -> SparkError {
        if let error = error as? SparkError { return error }
        guard let rpc = error as? RPCError else {
            return .unreachable(url: url.description, reason: oneLine(String(describing: error)))
        }
        let message = oneLine(rpc.message)
        switch rpc.code {
        case .unavailable where message.contains("accepted the TCP connection") || message.contains("HTTP/2"):
            // Something listens, but it does not speak HTTP/2 (gRPC): not a Spark Connect server.
            return .notSparkConnect(url: url.description, reason: message)
        case .unavailable:
            return .unreachable(url: url.description, reason: message.isEmpty ? "connection refused" : message)
        case .unimplemented:
            return .notSparkConnect(url: url.description, reason: message.isEmpty ? "it does not offer SparkConnectService" : message)
        case .deadlineExceeded:
            return .failed(operation: operation, message: "no answer in time (\(message))")
        case .internalError where message.contains("protocol error") || message.contains("HTTP/2"):
            return .notSparkConnect(url: url.description, reason: message)
        default:
            return .failed(operation: operation, message: message.isEmpty ? "\(rpc.code)" : message)
        }
    }

    /// The text on one line, at most 600 characters (Spark's messages can carry whole plans).
    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return flat.count > 600 ? String(flat.prefix(600)) + "..." : flat
    }
}
