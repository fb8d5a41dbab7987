import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// `penguins serve` running in a process of its own, on a port the system chose.
final class ServerProcess: Sendable {
    let child: ChildProcess
    let port: Int

    /// Starts `penguins serve --port 0` with `penguins`'s data directory and environment, and
    /// waits (at most `timeout`) until it prints the address it listens on.
    init(_ penguins: PenguinsExecutable, timeout: Duration = .seconds(120)) async throws {
        child = try ChildProcess(
            PenguinsExecutable.url.path, ["serve", "--port", "0", "--data-dir", penguins.dataDirectory.path],
            environment: penguins.processEnvironment, errorPath: ChildProcess.temporaryPath("err")
        )
        let deadline = ContinuousClock.now + timeout
        while true {
            let printed = child.standardOutput
            if let match = printed.firstMatch(of: /dashboard: http:\/\/127\.0\.0\.1:(\d+)\//), let port = Int(match.1) {
                self.port = port
                break
            }
            if child.exited != nil {
                child.removeOutput()
                throw ServerProcessError(message: "penguins serve exited before listening; it printed: \(printed)")
            }
            guard ContinuousClock.now < deadline else {
                await child.stop()
                child.removeOutput()
                throw ServerProcessError(message: "penguins serve did not listen within \(timeout); it printed: \(printed)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    struct ServerProcessError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// Serves `penguins`'s platform while `body` runs, then stops the server.
    static func serving(_ penguins: PenguinsExecutable, _ body: (ServerProcess) async throws -> Void) async throws {
        let server = try await ServerProcess(penguins)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The body of `GET path` parsed as a JSON object, and the status.
    func get(_ path: String) async throws -> (status: Int, body: [String: Any]) {
        let url = try #require(URL(string: "http://127.0.0.1:\(port)\(path)"))
        let (data, response) = try await URLSession.shared.data(from: url)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try #require(JSONSerialization.jsonObject(with: data) as? [String: Any], "body: \(String(decoding: data, as: UTF8.self))"))
    }

    /// Polls `GET /api/v1/predictions/{id}` (or, of a dataset, `GET
    /// /api/v1/datasets/{dataset}/predictions/{id}`) until `accept` holds or `bound` has passed
    /// since `start`; answers the last body and when it was read.
    func waitForPrediction(
        of id: String, dataset: String? = nil, from start: ContinuousClock.Instant, within bound: Duration,
        until accept: ([String: Any]) -> Bool
    ) async throws -> (body: [String: Any], after: Duration) {
        let path = dataset.map { "/api/v1/datasets/\($0)/predictions/\(id)" } ?? "/api/v1/predictions/\(id)"
        while true {
            let body = try await get(path).body
            let elapsed = ContinuousClock.now - start
            if accept(body) || elapsed > bound { return (body, elapsed) }
            try await Task.sleep(for: .milliseconds(25))
        }
    }

    /// Stops the server as Ctrl-C would and waits for it to exit (SIGKILL after 30 s).
    func stop() async {
        await child.stop(SIGINT, grace: .seconds(30))
        child.removeOutput()
    }
}

/// A server runs while another process re-ingests penguins with new measurements: the server
/// must answer the new species within two seconds, whichever cache it has.
@Suite(.serialized) struct LiveCoherenceTests {
    /// The first raw penguin (an Adelie) with a Gentoo's measurements, in the tidy layout.
    static let remeasured = """
        penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        PAL0708-Adelie-1,Adelie,Torgersen,49.5,15.9,224,5600,male,2007

        """

    private func checkReingestWhileServing(_ penguins: PenguinsExecutable) async throws {
        let up = try await penguins.run("up", "--no-serve")
        #expect(up.status == 0, "\(up.standardError)")
        try await ServerProcess.serving(penguins) { server in

            let first = try await server.get("/api/v1/predictions/PAL0708-Adelie-1").body
            #expect(first["species"] as? String == "Adelie")
            let cached = try await server.get("/api/v1/predictions/PAL0708-Adelie-1").body
            #expect(cached["source"] as? String == "cache")

            let file = try penguins.temporaryFile("remeasured.csv", Self.remeasured)
            let ingest = try await penguins.run("ingest", file)
            #expect(ingest.status == 0, "\(ingest.standardError)")
            #expect(ingest.standardOutput.contains("1 changed rows of penguins: their predictions were dropped from the cache and the warehouse; run penguins score to refresh them"), "\(ingest.standardOutput)")
            let ingested = ContinuousClock.now

            let (answer, after) = try await server.waitForPrediction(of: "PAL0708-Adelie-1", from: ingested, within: .seconds(2)) {
                $0["species"] as? String == "Gentoo"
            }
            #expect(answer["species"] as? String == "Gentoo", "after \(after): \(answer)")
            #expect(answer["source"] as? String == "model")

            // Scoring writes the new prediction to the warehouse and says it refreshed one row.
            let score = try await penguins.run("score", "--format", "json")
            #expect(score.status == 0, "\(score.standardError)")
            #expect(try score.json()["refreshed"] as? Int == 1)
            let afterScore = try await server.get("/api/v1/predictions/PAL0708-Adelie-1").body
            #expect(afterScore["species"] as? String == "Gentoo")
        }
    }

    @Test func embeddedServerAnswersTheNewSpeciesAfterAReingestFromAnotherProcess() async throws {
        try await checkReingestWhileServing(PenguinsExecutable())
    }

    /// A dataset the platform has never seen, with ids of its own: cold lakes and warm lakes,
    /// far apart, so that any forest tells them apart.
    static let lakes = ["lake,depth_m,temperature_c,kind"]
        + (1...20).map { "c\($0),\(10 + $0),\(2 + Double($0) / 4),cold" }
        + (1...20).map { "w\($0),\(12 + $0),\(20 + Double($0) / 4),warm" }

    /// Cold lake `c1` measured again as warm as the warm ones.
    static let warmedLake = "lake,depth_m,temperature_c,kind\nc1,11,24.5,cold\n"

    /// The same for a registered dataset: the server must drop the cached prediction of a row
    /// another process changed and answer the new class within two seconds.
    private func checkDatasetReingestWhileServing(_ penguins: PenguinsExecutable) async throws {
        let file = try penguins.temporaryFile("lakes.csv", Self.lakes.joined(separator: "\n") + "\n")
        for step in [
            ["datasets", "add", "lakes", "--file", file, "--target", "kind", "--id", "lake"],
            ["ingest", file, "--dataset", "lakes"], ["train", "--dataset", "lakes"],
        ] {
            let result = try await penguins.run(step)
            #expect(result.status == 0, "\(step): \(result.standardError)")
        }
        try await ServerProcess.serving(penguins) { server in
            let path = "/api/v1/datasets/lakes/predictions/c1"
            let first = try await server.get(path).body
            #expect(first["prediction"] as? String == "cold", "\(first)")
            #expect(first["source"] as? String == "model")
            #expect(try await server.get(path).body["source"] as? String == "cache")

            let ingest = try await penguins.run("ingest", try penguins.temporaryFile("warmed.csv", Self.warmedLake), "--dataset", "lakes")
            #expect(ingest.status == 0, "\(ingest.standardError)")
            let ingested = ContinuousClock.now
            let (answer, after) = try await server.waitForPrediction(of: "c1", dataset: "lakes", from: ingested, within: .seconds(2)) {
                $0["prediction"] as? String == "warm"
            }
            #expect(answer["prediction"] as? String == "warm", "after \(after): \(answer)")
            #expect(answer["source"] as? String == "model")
            // The new answer is cached. A refill that raced the watcher's removal is skipped
            // (it might hold the old answer), so the next model answer refills it.
            let (cached, _) = try await server.waitForPrediction(of: "c1", dataset: "lakes", from: .now, within: .seconds(2)) {
                $0["source"] as? String == "cache"
            }
            #expect(cached["source"] as? String == "cache", "\(cached)")
            #expect(cached["prediction"] as? String == "warm")
            // Another row kept its cached answer through the change.
            #expect(try await server.get("/api/v1/datasets/lakes/predictions/w3").body["prediction"] as? String == "warm")
        }
    }

    @Test func embeddedServerAnswersTheNewClassOfADatasetRowAfterAReingestFromAnotherProcess() async throws {
        try await checkDatasetReingestWhileServing(PenguinsExecutable())
    }

    /// Runs with PostgreSQL and Redis configured; skipped without them, except in CI (`CI` set),
    /// where their absence fails the test.
    @Test(.enabled(if: LiveCoherenceTests.servers != nil || !ProcessInfo.processInfo.environment["CI", default: ""].isEmpty,
                   "needs PENGUINS_TEST_POSTGRES and PENGUINS_TEST_REDIS: scripts/services.sh start && eval \"$(scripts/services.sh env)\""))
    func serverOnPostgresAndRedisAnswersTheNewSpeciesAfterAReingestFromAnotherProcess() async throws {
        let (postgres, redis) = try #require(Self.servers, "PENGUINS_TEST_POSTGRES and PENGUINS_TEST_REDIS must be set in CI")
        let name = "cli_coherence_\(UInt32.random(in: 0...UInt32.max))"
        var penguins = PenguinsExecutable()
        penguins.environment = [
            "PENGUINS_LAKE": postgres + "&schema=\(name)",
            "PENGUINS_WAREHOUSE": postgres + "&schema=\(name)",
            "PENGUINS_CACHE": redis + "?prefix=\(name):",
        ]
        try await checkReingestWhileServing(penguins)
        try await checkDatasetReingestWhileServing(penguins)
        // The schema the commands made goes with the test.
        if case .postgres(let location) = try StoreLocation.parse(postgres + "&schema=\(name)", role: .warehouse) {
            let store = try PostgresStore(location: location)
            try await store.dropSchema()
            await store.shutdown()
        }
    }

    /// The PostgreSQL and Redis URLs of the integration tests, when both are set.
    static var servers: (postgres: String, redis: String)? {
        let environment = ProcessInfo.processInfo.environment
        guard let postgres = environment["PENGUINS_TEST_POSTGRES"], !postgres.isEmpty,
              let redis = environment["PENGUINS_TEST_REDIS"], !redis.isEmpty else { return nil }
        return (postgres, redis)
    }
}
