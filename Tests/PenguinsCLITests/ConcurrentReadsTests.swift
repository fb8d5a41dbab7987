import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `penguins serve` under many concurrent requests that read the embedded database: every one
/// is answered, and the server answers afterwards. (A read that waited for a free SQLite
/// connection by blocking an event loop once hung the whole server within seconds.)
@Suite struct ConcurrentReadsTests {
    @Test func manyConcurrentReadsOfADatasetAllAnswerAndTheServerStaysUp() async throws {
        let penguins = PenguinsExecutable()
        for step in [["up", "--no-serve"], ["ingest", "--dataset", "iris"], ["train", "--dataset", "iris"]] {
            let result = try await penguins.run(step)
            #expect(result.status == 0, "\(step): \(result.standardError)")
        }
        try await ServerProcess.serving(penguins) { server in
            let configuration = URLSessionConfiguration.ephemeral
            configuration.httpMaximumConnectionsPerHost = 64
            configuration.timeoutIntervalForRequest = 30
            let session = URLSession(configuration: configuration)
            let base = "http://127.0.0.1:\(server.port)"
            let paths = [
                "/api/v1/datasets/iris/rows?limit=5", "/api/v1/datasets/iris/models", "/api/v1/penguins?island=Biscoe&limit=5",
                "/api/v1/models", "/api/v1/datasets/iris/rows?partition=virginica&limit=20",
            ]
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
                for client in 0..<64 {
                    group.addTask {
                        var statuses: [Int] = []
                        for request in 0..<10 {
                            let url = try #require(URL(string: base + paths[(client + request) % paths.count]))
                            let (_, response) = try await session.data(from: url)
                            statuses.append((response as? HTTPURLResponse)?.statusCode ?? 0)
                        }
                        return statuses
                    }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(statuses.count == 64 * 10)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            let health = try await server.get("/api/v1/health")
            #expect(health.status == 200)
        }
    }
}
