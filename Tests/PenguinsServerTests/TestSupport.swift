import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// A penguin of the bundled data with all four measurements.
let knownPenguinID = "PAL0708-Adelie-1"

/// A request path for `route`: its parameters filled with values the test platform knows
/// (a penguin or row id, version 1, and `dataset`).
func examplePath(_ route: Route, id: String = knownPenguinID, dataset: String = "penguins") -> String {
    route.path
        .replacingOccurrences(of: "{penguin_id}", with: knownPenguinID).replacingOccurrences(of: "{id}", with: id)
        .replacingOccurrences(of: "{version}", with: "1").replacingOccurrences(of: "{dataset}", with: dataset)
}
/// A penguin of the bundled data with every measurement missing.
let incompletePenguinID = "PAL0708-Adelie-4"

/// A small forest, so training in tests is quick.
let smallForest = RandomForestClassifier(numTrees: 5, maxDepth: 4)

/// An embedded platform in a new temporary directory: the bundled raw data ingested, a
/// small model trained (version 1) and every row scored, as `penguins up` leaves it.
func makePlatform(ingest: Bool = true, train: Bool = true, score: Bool = true) async throws -> Platform {
    let directory = Scratch.directory.appendingPathComponent("penguins-server-\(UUID().uuidString)")
    let platform = try Platform.embedded(PlatformConfiguration(dataDirectory: directory))
    if ingest { _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV) }
    if ingest && train { _ = try await Trainer(platform: platform, parameters: smallForest).train() }
    if ingest && train && score { _ = try await Scorer(platform: platform).score() }
    return platform
}

/// Options for tests: a small forest if one must be trained, and a registry poll too slow to
/// interfere (tests that need the watcher set their own).
func testOptions(
    metrics: ServerMetrics = ServerMetrics(), poll: Duration = .seconds(3600), logFlush: Duration = .milliseconds(20)
) -> ServerOptions {
    ServerOptions(trainingParameters: smallForest, registryPollInterval: poll, logFlushInterval: logFlush, metrics: metrics)
}

/// The application on `platform`, listening (for live tests) on an ephemeral port.
func makeApp(_ platform: Platform, options: ServerOptions = testOptions()) async throws -> some ApplicationProtocol {
    try await PenguinsServer.makeApplication(platform: platform, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), options: options)
}

let jsonHeaders: HTTPFields = [.contentType: "application/json"]
let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
/// A well-formed form token (43 characters of base64url), as a page's cookie holds one.
let formToken = "Tk9UQVNFQ1JFVF9CVVRfV0VMTF9GT1JNRURfVE9LRU4"

extension TestClientProtocol {
    /// Sends a request with a text body.
    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Posts a dashboard form as a browser does: with the form token in the `csrf_token` field
    /// and in the cookie that a page of the dashboard set, and with `headers` (a session cookie).
    func postForm(_ uri: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        let token = formToken
        var fields = headers
        fields[.contentType] = "application/x-www-form-urlencoded"
        fields[values: .cookie].append("penguins_csrf=\(token)")
        return try await send(.post, uri, headers: fields, body: (body.isEmpty ? "" : body + "&") + "csrf_token=\(token)")
    }

    /// Sends JSON text to `uri` with `Content-Type: application/json`.
    func postJSON(_ uri: String, _ body: String) async throws -> TestResponse {
        try await send(.post, uri, headers: jsonHeaders, body: body)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object.
    func object(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "body: \(text)", sourceLocation: sourceLocation)
    }

    var contentType: String? { headers[.contentType] }
}

/// The numbers of a model description that tests compare exactly. Decoded with `JSONDecoder`,
/// which reads a double back exactly; `JSONSerialization` (behind `object()`) can be one unit in
/// the last place off on Linux.
struct ModelNumbers: Decodable {
    var accuracy: Double
    var featureImportances: [String: Double]

    enum CodingKeys: String, CodingKey {
        case accuracy
        case featureImportances = "feature_importances"
    }

    init(json: Data) throws {
        self = try JSONDecoder().decode(Self.self, from: json)
    }
}

/// Asserts a problem document: the status, the problem content type, the RFC 9457 members,
/// and (when given) an entry of `errors` naming `field`.
@discardableResult
func expectProblem(
    _ response: TestResponse, status: HTTPResponse.Status, field: String? = nil, detailContains: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String: Any] {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.contentType == "application/problem+json", sourceLocation: sourceLocation)
    let problem = try response.object(sourceLocation: sourceLocation)
    #expect((problem["type"] as? String)?.hasPrefix("urn:penguins:problem:") == true, sourceLocation: sourceLocation)
    #expect(problem["title"] is String, sourceLocation: sourceLocation)
    #expect(problem["status"] as? Int == status.code, sourceLocation: sourceLocation)
    #expect(problem["detail"] is String, sourceLocation: sourceLocation)
    let errors = try #require(problem["errors"] as? [[String: Any]], sourceLocation: sourceLocation)
    if let field {
        #expect(errors.contains { $0["field"] as? String == field }, "errors: \(errors)", sourceLocation: sourceLocation)
    }
    if let detailContains {
        #expect((problem["detail"] as? String)?.contains(detailContains) == true, "detail: \(problem["detail"] ?? "")", sourceLocation: sourceLocation)
    }
    return problem
}

/// A cache whose every call fails.
struct FailingCache: RecordPredictionCache {
    struct Failure: Error {}
    func prediction(id: String, modelVersion: Int) async throws -> RecordPrediction? { throw Failure() }
    func store(_ predictions: [(id: String, prediction: RecordPrediction)], ttlSeconds: Int) async throws { throw Failure() }
    func remove(ids: [String], modelVersions: [Int]) async throws { throw Failure() }
    func removeAll() async throws { throw Failure() }
    func count() async throws -> Int { throw Failure() }
    func coherentThrough() async throws -> Int64? { throw Failure() }
    func setCoherentThrough(_ sequence: Int64) async throws { throw Failure() }
}

/// A penguins' warehouse whose every call fails.
func failingWarehouse() -> PenguinWarehouse<FailingRecordWarehouse> { PenguinWarehouse(records: FailingRecordWarehouse()) }

/// A dataset warehouse of the penguins' schema whose every call fails.
struct FailingRecordWarehouse: RecordWarehouse {
    struct Failure: Error, CustomStringConvertible { var description: String { "disk I/O error" } }
    var schema: DatasetSchema { BundledSchemas.penguins }
    func upsert(_ records: [DatasetRecord]) async throws -> UpsertOutcome { throw Failure() }
    func record(id: String) async throws -> StoredRecord? { throw Failure() }
    func scan(partition: String, after: String?, limit: Int) async throws -> [StoredRecord] { throw Failure() }
    func columns(featureIndices: [Int], predictions: Bool) async throws -> RecordColumns { throw Failure() }
    func writePredictions(_ predictions: [(id: String, prediction: RecordPrediction, inputs: [Double])], featureIndices: [Int]) async throws -> Int {
        throw Failure()
    }
    func countsByPartition() async throws -> [String: Int] { throw Failure() }
    func summariesByPartition() async throws -> [PartitionSummary] { throw Failure() }
    func usableAndScoredByPartition() async throws -> [String: UsableAndScored] { throw Failure() }
    func count() async throws -> Int { throw Failure() }
    func dataVersion() async throws -> Int64 { throw Failure() }
    func latestChange() async throws -> Int64 { throw Failure() }
    func changes(after: Int64, limit: Int) async throws -> WarehouseChanges { throw Failure() }
    func pruneChanges(before date: Date) async throws { throw Failure() }
}

/// Measurements of a typical Adelie, as a JSON object.
let adelieJSON = #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#
/// Measurements of a typical Gentoo, with island and sex.
let gentooJSON = #"{"bill_length_mm": 46.1, "bill_depth_mm": 13.2, "flipper_length_mm": 211, "body_mass_g": 4500, "island": "Biscoe", "sex": "female"}"#
