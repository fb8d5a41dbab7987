import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PenguinsTestSupport
import Testing

/// `penguins serve` under many concurrent requests that read the embedded database: every one
/// is answered, and the server answers afterwards. (A read that waited for a free SQLite
/// connection by blocking an event loop once hung the whole server within seconds.)
///
/// The load comes from curl in a process of its own (64 parallel connections). It takes both
/// cores for seconds, which made the server suites running beside it miss their deadlines, so
/// it runs only when `PENGUINS_TEST_LOAD=1`, alone: `.ci/run` runs it after the suite
/// (`PENGUINS_TEST_LOAD=1 swift test --filter ConcurrentReadsTests`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PENGUINS_TEST_LOAD"] == "1",
                "a load test, run alone: PENGUINS_TEST_LOAD=1 swift test --filter ConcurrentReadsTests"))
struct ConcurrentReadsTests {
    @Test func manyConcurrentReadsOfADatasetAllAnswerAndTheServerStaysUp() async throws {
        let penguins = PenguinsExecutable()
        for step in [["up", "--no-serve"], ["ingest", "--dataset", "iris"], ["train", "--dataset", "iris"]] {
            let result = try await penguins.run(step)
            #expect(result.status == 0, "\(step): \(result.standardError)")
        }
        try await ServerProcess.serving(penguins) { server in
            let base = "http://127.0.0.1:\(server.port)"
            let paths = [
                "/api/v1/datasets/iris/rows?limit=5", "/api/v1/datasets/iris/models", "/api/v1/penguins?island=Biscoe&limit=5",
                "/api/v1/models", "/api/v1/datasets/iris/rows?partition=virginica&limit=20",
            ]
            // 2,560 requests: the old hang showed within a few hundred at 64 connections.
            let requests = (0..<2_560).map { "url = \"\(base)\(paths[$0 % paths.count])\"\noutput = \"/dev/null\"\n" }
            let config = try penguins.temporaryFile("requests.curlrc", requests.joined())
            let load = try await runProgram(
                "/usr/bin/env",
                ["curl", "--silent", "--parallel", "--parallel-immediate", "--parallel-max", "64", "--max-time", "30",
                 "--write-out", "%{http_code}\\n", "--config", config],
                timeout: .seconds(120))
            let statuses = load.standardOutput.split(separator: "\n").map(String.init)
            #expect(statuses.count == requests.count, "curl: \(load.standardError)")
            #expect(statuses.allSatisfy { $0 == "200" }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            let health = try await server.get("/api/v1/health")
            #expect(health.status == 200)
        }
    }
}
