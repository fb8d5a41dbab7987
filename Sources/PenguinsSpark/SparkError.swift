import Foundation
import PenguinsPipeline

/// Why a Spark Connect operation failed; each message says what to do.
public enum SparkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The engine URL is not `sc://HOST[:PORT][/;key=value...]`.
    case invalidURL(String, reason: String)
    /// Nothing answers at the URL.
    case unreachable(url: String, reason: String)
    /// Something answers, but it is not a Spark Connect server.
    case notSparkConnect(url: String, reason: String)
    /// Spark ran the operation and it failed: Spark's own message.
    case failed(operation: String, message: String)
    /// The warehouse is not one Spark can read by JDBC.
    case warehouseNotReachable(String)
    /// The server answered something the client did not expect.
    case unexpectedAnswer(String)
    /// The current model has no Spark part to score with.
    case noSparkModel(version: Int, dataset: String)

    /// One line: what failed and what to do.
    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            "invalid Spark engine URL \(url): \(reason); use sc://HOST:PORT (for example sc://127.0.0.1:15002)"
        case .unreachable(let url, let reason):
            "no Spark Connect server answers at \(url) (\(reason)); start one with `scripts/services.sh start spark` or check host and port"
        case .notSparkConnect(let url, let reason):
            "the server at \(url) does not speak Spark Connect (\(reason)); point --engine at a Spark 4 server started with the Spark Connect plugin (SparkConnectServer)"
        case .failed(let operation, let message):
            "Spark failed to \(operation): \(message)"
        case .warehouseNotReachable(let reason):
            reason
        case .unexpectedAnswer(let reason):
            "\(reason); is the server a Spark 4 Spark Connect server?"
        case .noSparkModel(let version, let dataset):
            "model version \(version) of \(dataset) has no Spark model; train one with `penguins train\(Platform.datasetOption(dataset)) --engine sc://HOST:PORT`"
        }
    }
}
