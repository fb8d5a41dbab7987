import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsDashboard
import PenguinsPipeline
@testable import PenguinsServer
import PenguinsTestSupport
import Testing
import Yams

/// A YAML document read as data: mappings, sequences, strings, numbers, booleans and null.
func parseYAML(_ text: String) throws -> JSONValue {
    func value(_ node: Any?) -> JSONValue {
        switch node {
        case let mapping as [AnyHashable: Any]:
            .object(Dictionary(uniqueKeysWithValues: mapping.map { ("\($0.key.base)", value($0.value)) }))
        case let sequence as [Any]: .array(sequence.map(value))
        case let bool as Bool: .bool(bool)
        case let integer as Int: .number(Double(integer))
        case let number as Double: .number(number)
        case let string as String: .string(string)
        default: .null
        }
    }
    return value(try Yams.load(yaml: text))
}

/// The operations an OpenAPI document declares: each path of its `paths` with its methods.
func documentedRoutes(_ yaml: String) throws -> [Route] {
    guard case .object(let paths) = try parseYAML(yaml)["paths"] else { return [] }
    let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
    return paths.flatMap { path, item -> [Route] in
        guard case .object(let members) = item else { return [] }
        return members.keys.filter(methods.contains).map { Route($0.uppercased(), path) }
    }.sorted()
}

/// Runs `openapi-spec-validator` on a document; answers the exit status and what it printed.
func validateOpenAPI(_ document: String, python: String) async throws -> (status: Int32, output: String) {
    let input = ChildProcess.temporaryPath("yaml")
    try document.write(toFile: input, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: input) }
    let result = try await runProgram(
        python, ["-c", "import sys, yaml; from openapi_spec_validator import validate; validate(yaml.safe_load(sys.stdin.read()))"],
        standardInputPath: input, timeout: .seconds(120)
    )
    return (result.status, result.standardOutput + result.standardError)
}

@Suite(TestService.openAPIValidator.gate("OpenAPI validation tests"))
struct OpenAPIValidationTests {
    @Test func theDocumentIsValidOpenAPI31() async throws {
        let python = try #require(TestService.openAPIValidator.value)
        let result = try await validateOpenAPI(try PenguinsServer.openAPIDocument, python: python)
        #expect(result.status == 0, "\(result.output)")
        // The validator bites: a reference in the generated paths to a schema that does not exist is refused.
        let document = try PenguinsServer.openAPIDocument
        let components = try #require(document.range(of: "\ncomponents:\n")).lowerBound
        let broken = document[..<components].replacingOccurrences(
            of: "$ref: \"#/components/schemas/Dataset\"", with: "$ref: \"#/components/schemas/NoSuchSchema\"") + document[components...]
        #expect(broken != document)
        #expect(try await validateOpenAPI(broken, python: python).status != 0)
    }
}

@Suite struct OpenAPITests {
    @Test func theDocumentParsesIntoOperations() throws {
        let routes = try documentedRoutes(try PenguinsServer.openAPIDocument)
        #expect(routes.contains(Route("GET", "/api/v1/predictions/{penguin_id}")))
        #expect(routes.contains(Route("POST", "/benchmarks")))
        #expect(routes.contains(Route("GET", "/benchmarks")))
        #expect(!routes.contains { $0.path.hasPrefix("/components") })
    }

    @Test func everyRouteTheServerAnswersIsDocumentedAndNoOther() async throws {
        let served = try await PenguinsServer.routes(platform: try await makePlatform(ingest: false))
        let documented = try documentedRoutes(try PenguinsServer.openAPIDocument)
        #expect(Set(served).subtracting(documented).sorted() == [], "served but not documented")
        #expect(Set(documented).subtracting(served).sorted() == [], "documented but not served")
    }

    /// Each documented operation, called with valid example input, is answered by a handler
    /// (not 404 for an unknown route, not 405).
    @Test func everyDocumentedOperationAnswers() async throws {
        let documented = try documentedRoutes(try PenguinsServer.openAPIDocument)
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            for route in documented {
                let path = examplePath(route)
                let query: String
                switch route.path {
                case "/api/v1/regression": query = "?target=body_mass_g&predictors=flipper_length_mm"
                default: query = ""
                }
                let response: TestResponse
                switch (route.method, route.path) {
                case ("POST", "/api/v1/predict"):
                    response = try await client.postJSON(path, adelieJSON)
                case ("POST", "/api/v1/predict/batch"):
                    response = try await client.postJSON(path, #"{"penguins": [\#(adelieJSON)]}"#)
                case ("POST", "/classification/promote"):
                    response = try await client.postForm(path, "version=1")
                case ("POST", "/drift/simulate"):
                    response = try await client.postForm(path, "feature=body_mass_g&delta=100&rows=20")
                default:
                    response = try await client.send(HTTPRequest.Method(route.method)!, path + query)
                }
                #expect(response.status != .methodNotAllowed, "\(route)")
                let problemType = response.contentType == "application/problem+json" ? (try? response.object())?["type"] as? String : nil
                #expect(problemType != "urn:penguins:problem:unknown-route", "\(route)")
                #expect(response.status.code < 500, "\(route): \(response.text)")
            }
        }
    }
}

/// Real answers checked against the document: every documented `/api/v1` operation is called
/// (each dataset route for iris, through the code every dataset shares, and for the penguins),
/// with valid input and with a few kinds of bad input, and each JSON body is validated against
/// the schema the document gives for its operation, status and content type
/// (`scripts/openapi/check_responses.py`, with `jsonschema`), so document and code cannot drift
/// apart unnoticed.
@Suite(TestService.openAPIValidator.gate("OpenAPI contract tests"))
struct OpenAPIContractTests {
    /// One answer, as the checking script reads it.
    struct Answer: Encodable {
        var method: String
        var path: String
        var status: Int
        var contentType: String
        var body: JSONValue

        enum CodingKeys: String, CodingKey { case method, path, status, contentType = "content_type", body }
    }

    static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/openapi/check_responses.py").path

    /// Runs the checking script on `answers` against `served` (the document without datasets by default);
    /// its status and what it printed.
    static func check(_ answers: [Answer], against served: String? = nil, python: String) async throws -> (status: Int32, output: String) {
        let document = ChildProcess.temporaryPath("yaml")
        let recorded = ChildProcess.temporaryPath("json")
        defer {
            try? FileManager.default.removeItem(atPath: document)
            try? FileManager.default.removeItem(atPath: recorded)
        }
        try (served ?? PenguinsServer.openAPIDocument).write(toFile: document, atomically: true, encoding: .utf8)
        try JSONEncoder().encode(answers).write(to: URL(fileURLWithPath: recorded))
        let result = try await runProgram(python, [checker, document, recorded], timeout: .seconds(120))
        return (result.status, result.standardOutput + result.standardError)
    }

    @Test func everyJSONAnswerMatchesItsDocumentedSchema() async throws {
        let python = try #require(TestService.openAPIValidator.value)
        let platform = try await makePlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledSchemas.dataFile(of: "iris")!, dataset: "iris")
        _ = try await Trainer(platform: platform, parameters: smallForest)
            .train(schema: BundledSchemas.iris, features: ["petal_length_cm", "petal_width_cm"])
        _ = try await Scorer(platform: platform).score(schema: BundledSchemas.iris)
        let irisID = try #require(try await platform.tables(for: BundledSchemas.iris).warehouse.columns(featureIndices: []).ids.first)
        let iris = #"{"petal_length_cm": 5.6, "petal_width_cm": 2.2}"#
        let app = try await makeApp(platform)

        // (method, documented path, concrete path and query, JSON body)
        var calls: [(String, String, String, String?)] = []
        for route in try documentedRoutes(try PenguinsServer.openAPIDocument) where route.path.hasPrefix("/api/v1") {
            for dataset in route.path.contains("{dataset}") ? ["iris", "penguins"] : [""] {
                let id = dataset == "iris" ? irisID : knownPenguinID
                var path = examplePath(route, id: id, dataset: dataset)
                var body: String?
                switch (route.method, route.path) {
                case (_, "/api/v1/regression"): path += "?target=body_mass_g&predictors=flipper_length_mm"
                case (_, "/api/v1/datasets/{dataset}/regression"):
                    path += dataset == "iris" ? "?target=petal_width_cm&predictors=petal_length_cm" : "?target=body_mass_g&predictors=flipper_length_mm"
                case ("POST", "/api/v1/predict"): body = adelieJSON
                case ("POST", "/api/v1/predict/batch"): body = #"{"penguins": [\#(adelieJSON)]}"#
                case ("POST", "/api/v1/datasets/{dataset}/predict"): body = dataset == "iris" ? iris : adelieJSON
                case ("POST", "/api/v1/datasets/{dataset}/predict/batch"):
                    body = dataset == "iris" ? #"{"rows": [\#(iris)]}"# : #"{"penguins": [\#(adelieJSON)]}"#
                default: break
                }
                calls.append((route.method, route.path, path, body))
            }
        }
        // Bad input: the problem documents are part of the contract too.
        calls += [
            ("POST", "/api/v1/predict", "/api/v1/predict", #"{"bill_length_mm": "long"}"#),
            ("POST", "/api/v1/datasets/{dataset}/predict", "/api/v1/datasets/iris/predict", #"{"petal_length_cm": 99}"#),
            ("GET", "/api/v1/predictions/{penguin_id}", "/api/v1/predictions/nobody", nil),
            ("GET", "/api/v1/datasets/{dataset}", "/api/v1/datasets/otters", nil),
            ("GET", "/api/v1/datasets/{dataset}/drift", "/api/v1/datasets/iris/drift?feature=species", nil),
            ("GET", "/api/v1/regression", "/api/v1/regression?target=wings&predictors=flipper_length_mm", nil),
            // The operations generated from iris's schema, checked against their own bodies.
            ("POST", "/api/v1/datasets/iris/predict", "/api/v1/datasets/iris/predict", iris),
            ("POST", "/api/v1/datasets/iris/predict", "/api/v1/datasets/iris/predict", #"{"petal_length_cm": "long"}"#),
            ("POST", "/api/v1/datasets/iris/predict/batch", "/api/v1/datasets/iris/predict/batch", #"{"rows": [\#(iris), \#(iris)]}"#),
        ]

        let requests = calls
        let (served, answers): (String, [Answer]) = try await app.test(.router) { client in
            let served = try await client.send(.get, "/api/v1/openapi.yaml").text
            var answers: [Answer] = []
            for (method, template, path, body) in requests {
                let response: TestResponse
                if let body {
                    response = try await client.postJSON(path, body)
                } else {
                    response = try await client.send(HTTPRequest.Method(method)!, path)
                }
                let type = response.contentType?.split(separator: ";").first.map(String.init) ?? ""
                guard type == "application/json" || type == "application/problem+json" else { continue }
                let value = try JSONDecoder().decode(JSONValue.self, from: Data(response.text.utf8))
                answers.append(Answer(method: method, path: template, status: Int(response.status.code), contentType: type, body: value))
            }
            return (served, answers)
        }
        #expect(answers.count >= 40, "\(answers.count) JSON answers")
        #expect(Set(answers.map(\.status)).isSuperset(of: [200, 400, 404, 422]))
        let result = try await Self.check(answers, against: served, python: python)
        #expect(result.status == 0, "\(result.output)")
        // The generated schema bites: a class iris does not have is refused.
        var foreign = try #require(answers.first { $0.path == "/api/v1/datasets/iris/predict" && $0.status == 200 })
        if case .object(var members) = foreign.body { members["prediction"] = .string("Adelie"); foreign.body = .object(members) }
        let refusedClass = try await Self.check([foreign], against: served, python: python)
        #expect(refusedClass.status != 0, "\(refusedClass.output)")

        // The check bites: a model description without its fields, and an undocumented status.
        var broken = try #require(answers.first { $0.path == "/api/v1/model" && $0.status == 200 })
        broken.body = .object(["version": .string("one")])
        var undocumented = try #require(answers.first { $0.path == "/api/v1/health" })
        undocumented.status = 418
        let refused = try await Self.check([broken, undocumented], python: python)
        #expect(refused.status != 0)
        #expect(refused.output.contains("GET /api/v1/model 200"), "\(refused.output)")
        #expect(refused.output.contains("GET /api/v1/health 418: the status is not documented"), "\(refused.output)")
    }
}

/// The served document adds, for every dataset but the penguins, predict operations whose
/// bodies are generated from its schema.
@Suite struct GeneratedOpenAPITests {
    /// A registered dataset the platform has no code for: a categorical feature, a numeric one
    /// with a range and a unit, one without either.
    static let seaOtters = DatasetSchema(
        name: "sea_otters", id: IdentifierRule(column: "otter_id"),
        target: TargetColumn(name: "kind", classes: ["northern", "southern"]),
        features: [
            .categorical("coast", levels: ["east", "west"], valueRequired: true),
            .numeric("length_cm", unit: "cm", range: 60...150),
            .numeric("dives"),
        ],
        partition: "coast"
    )

    /// The served document, with iris (bundled) and sea otters (registered).
    static func servedDocument() async throws -> String {
        let platform = try await makePlatform(ingest: false)
        _ = try await Datasets(catalog: platform.datasets).register(seaOtters)
        let app = try await makeApp(platform)
        return try await app.test(.router) { client in
            let response = try await client.send(.get, "/api/v1/openapi.yaml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
            return response.text
        }
    }

    @Test func eachDatasetsBodiesAreGeneratedFromItsSchema() async throws {
        let served = try await Self.servedDocument()
        let document = try parseYAML(served)
        // The registered operations are all there, and each dataset gains its own two.
        let documented = try documentedRoutes(served)
        let registered = try documentedRoutes(try PenguinsServer.openAPIDocument)
        #expect(Set(documented).isSuperset(of: registered))
        #expect(Set(documented).subtracting(registered) == [
            Route("POST", "/api/v1/datasets/iris/predict"), Route("POST", "/api/v1/datasets/iris/predict/batch"),
            Route("POST", "/api/v1/datasets/sea_otters/predict"), Route("POST", "/api/v1/datasets/sea_otters/predict/batch"),
        ])
        #expect(document["paths"]?["/api/v1/datasets/penguins/predict"] == nil)

        let schemas = try #require(document["components"]?["schemas"])
        let features = try #require(schemas["SeaOttersFeatures"])
        #expect(features["properties"]?["coast"]?.jsonText
            == #"{"description":"One of the levels east, west (or an alias of one).","enum":["east","west",null],"type":["string","null"]}"#)
        #expect(features["properties"]?["length_cm"]?.jsonText
            == #"{"description":"Numeric, in cm; plausible from 60 to 150.","maximum":150,"minimum":60,"type":["number","null"]}"#)
        #expect(features["properties"]?["dives"]?.jsonText == #"{"description":"Numeric.","type":["number","null"]}"#)
        #expect(features["additionalProperties"] == .bool(false))
        #expect(schemas["SeaOttersPrediction"]?["properties"]?["prediction"]?["enum"]?.jsonText == #"["northern","southern"]"#)
        // Iris's ranges are its schema's.
        let iris = try #require(schemas["IrisFeatures"]?["properties"])
        for feature in BundledSchemas.iris.features {
            let range = try #require(feature.range)
            #expect(iris[feature.name]?["maximum"] == .number(range.upperBound), "\(feature.name)")
        }
        // The example body is one the schema accepts: middles of the ranges, first levels.
        let operation = try #require(document["paths"]?["/api/v1/datasets/sea_otters/predict"]?["post"])
        #expect(operation["operationId"] == .string("predictSeaOtters"))
        #expect(operation["requestBody"]?["content"]?["application/json"]?["example"]?.jsonText == #"{"coast":"east","dives":1,"length_cm":105}"#)
    }

    /// The penguins' routes document the columns their schema has, bundled or edited, as the
    /// handlers accept them: the regression's target, the drift's feature, the statistics'
    /// grouping, the islands, the predict form's fields and the simulation's feature.
    @Test func thePenguinsColumnsAreTheirSchemas() async throws {
        var edited = BundledSchemas.penguinsWithClutchCompletion
        edited.features.append(.numeric("egg_mass_g", unit: "g", range: 20...200, required: false))
        edited.features[edited.features.firstIndex { $0.name == "island" }!].levels.append("Anvers")

        func parameters(_ document: JSONValue, _ path: String, _ method: String) -> [JSONValue] {
            guard case .array(let parameters)? = document["paths"]?[path]?[method]?["parameters"] else { return [] }
            return parameters
        }
        func choices(_ document: JSONValue, _ path: String, _ name: String) -> [String] {
            let parameter = parameters(document, path, "get").first { $0["name"] == .string(name) }
            guard case .array(let values)? = parameter?["schema"]?["enum"] else { return [] }
            return values.compactMap(\.stringValue)
        }
        for schema in [BundledSchemas.penguins, edited] {
            let platform = try await makePlatform(ingest: false)
            if schema != BundledSchemas.penguins { _ = try await Datasets(catalog: platform.datasets).register(schema) }
            let app = try await makeApp(platform)
            let document = try parseYAML(try await app.test(.router) { client in try await client.send(.get, "/api/v1/openapi.yaml").text })
            let numeric = DatasetColumns.numericNames(of: schema)
            #expect(numeric.contains("delta_15_n"))
            #expect(numeric.contains("egg_mass_g") == (schema == edited))
            #expect(choices(document, "/api/v1/regression", "target") == numeric)
            #expect(choices(document, "/api/v1/drift", "feature") == numeric)
            #expect(choices(document, "/api/v1/stats", "by") == DatasetColumns.categoricalNames(of: schema))
            #expect(choices(document, "/api/v1/penguins", "island") == schema.feature(named: "island")!.levels)
            #expect(parameters(document, "/predict", "get").compactMap { $0["name"]?.stringValue } == schema.features.map(\.name))
            let form = document["paths"]?["/drift/simulate"]?["post"]?["requestBody"]?["content"]?["application/x-www-form-urlencoded"]
            #expect(form?["schema"]?["properties"]?["feature"]?["enum"] == .array(numeric.map(JSONValue.string)))
            #expect(form?["schema"]?["required"]?.jsonText == #"["feature","csrf_token"]"#, "the form token is still asked for")
            #expect(form?["example"]?["feature"] == numeric.first.map(JSONValue.string), "the example's feature is one of them")
            let predictors = parameters(document, "/regression", "get").first { $0["name"] == .string("predictors") }
            #expect(predictors?["schema"]?["items"]?["enum"] == .array((numeric + DatasetColumns.categoricalNames(of: schema)).map(JSONValue.string)))
            #expect(choices(document, "/regression", "target") == numeric)
        }
    }

    @Test func theDashboardsLinkToTheDocumentAnswers() async throws {
        let app = try await makeApp(try await makePlatform(ingest: false))
        try await app.test(.router) { client in
            let response = try await client.send(.get, Layout.apiPath)
            #expect(response.status == .ok)
        }
    }
}

@Suite(TestService.openAPIValidator.gate("OpenAPI validation tests"))
struct GeneratedOpenAPIValidationTests {
    @Test func theServedDocumentIsValidOpenAPI31() async throws {
        let python = try #require(TestService.openAPIValidator.value)
        let result = try await validateOpenAPI(try await GeneratedOpenAPITests.servedDocument(), python: python)
        #expect(result.status == 0, "\(result.output)")
    }
}

/// The YAML the document is written in reads back as the values it was written from, whatever
/// a string looks like.
@Suite struct BlockYAMLTests {
    @Test func valuesReadBackAsWritten() throws {
        let strings = [
            "plain", "yes", "No", "null", "on", "y", "3.1.0", "1e5", "#/components/schemas/X", "/api/v1/{id}", "a: b", "- item",
            "line\nbreak", "", " padded", "ünïcode", "tab\there", "quote \"q\"", "application/problem+json",
        ]
        let value: JSONValue = .object([
            "strings": .array(strings.map(JSONValue.string)),
            "numbers": .array([0, -1, 0.5, 1e-7, 1e20, 3750].map(JSONValue.number)),
            "200": .object(["$ref": .string("#/components/responses/Page")]),
            "empty": .object([:]), "none": .array([]), "null": .null, "flags": .array([.bool(true), .bool(false)]),
            "nested": .array([.array([.string("a"), .array([])]), .object(["k": .object(["deep": .number(1)]), "l": .null])]),
        ])
        let yaml = BlockYAML.mapping(["root": value])
        #expect(try parseYAML(yaml) == .object(["root": value]), "\(yaml)")
    }
}
