import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// "Degraded, not down" against real servers: each test starts a PostgreSQL cluster and a
/// redis-server of its own (so stopping them disturbs nothing else), serves a platform on them
/// over a real port, stops one server mid-test and starts it again. They use the server programs
/// `scripts/services.sh` installs, not its servers, but are enabled with them, by
/// `PENGUINS_TEST_POSTGRES` (as `.ci/run` sets it); where it is set, missing server programs fail.
@Suite(.serialized, TestService.postgres.gate("Outage tests"))
struct OutageTests {
    @Test func whenRedisStopsLookupsFallBackAndTheCacheReturnsWithoutARestart() async throws {
        try await withOutageServers { servers, platform, metrics, client in
            #expect(try await lookup(client, knownPenguinID).source == "cache")

            await servers.redis.stop()
            for _ in 0..<3 {
                let answer = try await lookup(client, knownPenguinID)
                #expect(answer.status == .ok)
                #expect(answer.source == "warehouse")
            }
            let ready = try await client.send(.get, "/api/v1/ready")
            #expect(ready.status == .ok)
            #expect(try ready.object()["status"] as? String == "degraded")
            #expect((try ready.object()["stores"] as? [String: String])?["cache"] == "down")
            #expect(metricValue(metrics, "penguins_cache_fallbacks_total") >= 3)
            #expect(metricValue(metrics, #"penguins_store_up{role="cache"}"#) == 0)

            try await servers.redis.start()
            // The restarted Redis is empty: a lookup refills the key, the next one hits it.
            var source = ""
            let deadline = ContinuousClock.now + .seconds(10)
            while source != "cache", ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                let answer = try await lookup(client, knownPenguinID)
                #expect(answer.status == .ok)
                source = answer.source
            }
            #expect(source == "cache", "the cache was not used again within 10 s of Redis returning")
            #expect(try await client.send(.get, "/api/v1/ready").object()["status"] as? String == "ready")
            #expect(metricValue(metrics, #"penguins_store_up{role="cache"}"#) == 1)
        }
    }

    @Test func whenPostgreSQLStopsCachedLookupsAndPredictionsAnswerAndNothingIsLost() async throws {
        try await withOutageServers { servers, platform, metrics, client in
            // One penguin cached, one not.
            #expect(try await lookup(client, knownPenguinID).source == "cache")
            let uncachedID = "PAL0708-Adelie-2"
            let stored = try #require(try await platform.warehouse.row(id: uncachedID)?.prediction)
            try await platform.cache.store([(uncachedID, stored)], ttlSeconds: 0)
            let loggedBefore = try await platform.predictionLog.count()

            try await servers.postgres.stop()
            let cached = try await lookup(client, knownPenguinID)
            #expect(cached.status == .ok)
            #expect(cached.source == "cache")
            let masses = [3_701.0, 3_702.0, 3_703.0]
            for mass in masses {
                let body = #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": \#(mass)}"#
                let answer = try await client.postJSON("/api/v1/predict", body)
                #expect(answer.status == .ok)
                #expect(try answer.object()["species"] as? String == "Adelie")
            }
            let down = try await client.send(.get, "/api/v1/predictions/\(uncachedID)")
            try expectProblem(down, status: .serviceUnavailable, field: "warehouse", detailContains: "warehouse")
            try expectProblem(try await client.send(.get, "/api/v1/penguins?limit=5"), status: .serviceUnavailable, field: "warehouse")
            let ready = try await client.send(.get, "/api/v1/ready")
            #expect(ready.status == .ok)
            #expect(try ready.object()["status"] as? String == "degraded")
            let failing = try #require(try ready.object()["failing"] as? [[String: Any]]).compactMap { $0["role"] as? String }
            #expect(failing.contains("warehouse"))
            #expect(failing.contains("prediction_log"))
            #expect(try ready.object()["buffered_log_entries"] as? Int == masses.count)

            try await servers.postgres.start()
            var status = HTTPResponse.Status.serviceUnavailable
            let deadline = ContinuousClock.now + .seconds(15)
            while status != .ok, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.send(.get, "/api/v1/predictions/\(uncachedID)").status
            }
            #expect(status == .ok, "the warehouse did not answer within 15 s of PostgreSQL returning")

            // The predictions made during the outage reach the prediction log.
            var logged = loggedBefore
            let logDeadline = ContinuousClock.now + .seconds(10)
            while logged < loggedBefore + masses.count, ContinuousClock.now < logDeadline {
                try await Task.sleep(for: .milliseconds(100))
                logged = (try? await platform.predictionLog.count()) ?? logged
            }
            #expect(logged == loggedBefore + masses.count)
            let recent = try await platform.predictionLog.recent(limit: masses.count)
            let bodyMass = PenguinRecords.bundled.measurementIndices[Feature.allCases.firstIndex(of: .bodyMass)!]
            #expect(Set(recent.compactMap { $0.features[bodyMass] }) == Set(masses))
            #expect(try await client.send(.get, "/api/v1/ready").object()["status"] as? String == "ready")
            #expect(metricValue(metrics, #"penguins_store_errors_total{role="warehouse"}"#) >= 1)
        }
    }
}

/// The servers of one outage test.
struct OutageServers {
    let postgres: DisposablePostgres
    let redis: DisposableRedis
}

/// Starts PostgreSQL and Redis, builds the platform on them (bundled data ingested, a small
/// model trained, every penguin scored), serves it on an ephemeral port with short store
/// timeouts, runs `body`, then shuts everything down and removes the servers' files.
func withOutageServers(
    _ body: @Sendable (OutageServers, Platform, ServerMetrics, any TestClientProtocol) async throws -> Void
) async throws {
    let postgres = try await DisposablePostgres()
    let redis: DisposableRedis
    do { redis = try await DisposableRedis() } catch { await postgres.remove(); throw error }
    let directory = Scratch.directory.appendingPathComponent("penguins-outage-\(UUID().uuidString)")
    let configuration = PlatformConfiguration(
        dataDirectory: directory, locations: [.lake: postgres.url, .warehouse: postgres.url, .cache: redis.url]
    )
    var platform: Platform?
    do {
        let connected = try await Platform.connect(configuration)
        platform = connected
        _ = try await Ingestor(platform: connected).ingest(file: BundledDataset.rawCSV)
        _ = try await Trainer(platform: connected, parameters: smallForest).train()
        _ = try await Scorer(platform: connected).score()
        let metrics = ServerMetrics()
        let options = ServerOptions(
            trainingParameters: smallForest, registryPollInterval: .seconds(3600), logFlushInterval: .milliseconds(50),
            storeTimeout: .seconds(1), storeRetryInterval: .milliseconds(300), storeCheckInterval: .milliseconds(200), metrics: metrics
        )
        // A port below the ephemeral range (not port 0), so as not to take one another test
        // has just picked for a server of its own.
        let app = try await PenguinsServer.makeApplication(
            platform: connected, configuration: ServerConfiguration(host: "127.0.0.1", port: try freeLoopbackPort()), options: options
        )
        let servers = OutageServers(postgres: postgres, redis: redis)
        try await app.test(.live) { client in try await body(servers, connected, metrics, client) }
    } catch {
        await platform?.shutdown()
        await redis.remove()
        await postgres.remove()
        try? FileManager.default.removeItem(at: directory)
        throw error
    }
    await platform?.shutdown()
    await redis.remove()
    await postgres.remove()
    try? FileManager.default.removeItem(at: directory)
}

/// A prediction lookup's status and source.
func lookup(_ client: any TestClientProtocol, _ id: String) async throws -> (status: HTTPResponse.Status, source: String) {
    let response = try await client.send(.get, "/api/v1/predictions/\(id)")
    guard response.status == .ok else { return (response.status, "") }
    return (response.status, try response.object()["source"] as? String ?? "")
}

/// The value of one sample (`name` with its labels) in the metrics' text, or -1 when absent.
func metricValue(_ metrics: ServerMetrics, _ name: String) -> Double {
    let text = String(decoding: metrics.render(), as: UTF8.self)
    for line in text.split(separator: "\n") where line.hasPrefix(name + " ") {
        return Double(line.dropFirst(name.count + 1)) ?? -1
    }
    return -1
}
