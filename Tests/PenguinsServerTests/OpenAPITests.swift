import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsServer
import PenguinsTestSupport
import Testing

/// The operations an OpenAPI document declares: each path under `paths:` with its methods.
/// Reads the YAML's block structure (paths at two spaces of indent, methods at four), which
/// is how the document is written.
func documentedRoutes(_ yaml: String) -> [Route] {
    var routes: [Route] = []
    var inPaths = false
    var path: String?
    let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
    for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
        if !line.hasPrefix(" "), !line.isEmpty, !line.hasPrefix("#") {
            inPaths = line.hasPrefix("paths:")
            continue
        }
        guard inPaths else { continue }
        if line.hasPrefix("  /"), !line.hasPrefix("   ") {
            path = String(line.dropFirst(2).prefix { $0 != ":" })
        } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
            let word = line.dropFirst(4).prefix { $0 != ":" }
            if methods.contains(String(word)) { routes.append(Route(word.uppercased(), path)) }
        }
    }
    return routes.sorted()
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
        // The validator bites: a reference to a schema that does not exist is refused.
        let broken = try PenguinsServer.openAPIDocument.replacingOccurrences(
            of: "$ref: \"#/components/schemas/Dataset\" }", with: "$ref: \"#/components/schemas/NoSuchSchema\" }")
        #expect(broken != (try PenguinsServer.openAPIDocument))
        #expect(try await validateOpenAPI(broken, python: python).status != 0)
    }
}

@Suite struct OpenAPITests {
    @Test func theDocumentParsesIntoOperations() throws {
        let routes = documentedRoutes(try PenguinsServer.openAPIDocument)
        #expect(routes.contains(Route("GET", "/api/v1/predictions/{penguin_id}")))
        #expect(routes.contains(Route("POST", "/benchmarks")))
        #expect(routes.contains(Route("GET", "/benchmarks")))
        #expect(!routes.contains { $0.path.hasPrefix("/components") })
    }

    @Test func everyRouteTheServerAnswersIsDocumentedAndNoOther() async throws {
        let served = try await PenguinsServer.routes(platform: try await makePlatform(ingest: false))
        let documented = documentedRoutes(try PenguinsServer.openAPIDocument)
        #expect(Set(served).subtracting(documented).sorted() == [], "served but not documented")
        #expect(Set(documented).subtracting(served).sorted() == [], "documented but not served")
    }

    /// Each documented operation, called with valid example input, is answered by a handler
    /// (not 404 for an unknown route, not 405).
    @Test func everyDocumentedOperationAnswers() async throws {
        let documented = documentedRoutes(try PenguinsServer.openAPIDocument)
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            for route in documented {
                let path = route.path
                    .replacingOccurrences(of: "{penguin_id}", with: knownPenguinID)
                    .replacingOccurrences(of: "{version}", with: "1")
                    .replacingOccurrences(of: "{dataset}", with: "penguins")
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
                    response = try await client.send(.post, path, headers: formHeaders, body: "version=1")
                case ("POST", "/drift/simulate"):
                    response = try await client.send(.post, path, headers: formHeaders, body: "feature=body_mass_g&delta=100&rows=20")
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
