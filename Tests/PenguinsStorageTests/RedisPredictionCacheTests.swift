import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import PenguinsCore
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// The prediction cache against a real Redis server, each test under a key prefix of its own,
/// plus the client's reconnection (to a redis-server of the test's own) and error reporting.
@Suite(TestService.redis.gate())
struct RedisPredictionCacheTests {
    private func cache(_ purpose: String, _ configure: (inout RedisClient.Configuration) -> Void = { _ in }) throws -> PenguinPredictionCache {
        var configuration = RedisClient.Configuration()
        configure(&configuration)
        return .redis(RedisClient(location: try TestServers.redisLocation(purpose), configuration: configuration))
    }

    @Test func keysContract() async throws {
        let cache = try cache("contract")
        try await checkPredictionCacheKeysContract(cache)
        try await cache.removeAll()
        cache.client.close()
    }

    @Test func removalAndCoherenceContract() async throws {
        let cache = try cache("removal")
        try await checkPredictionCacheRemoval(cache, removesEveryVersion: false)
        // The position lives under the prefix, outside the prediction keys.
        #expect(try await cache.client.send(RedisCommand("GET", cache.coherenceKey)).string == "42")
        try await cache.removeAll()
        #expect(try await cache.coherentThrough() == 42)
        _ = try await cache.client.send(RedisCommand("DEL", cache.coherenceKey))
        cache.client.close()
    }

    /// Each dataset's cache under keys of its own, apart from the penguins' keys.
    @Test func datasetCachesContract() async throws {
        let penguins = try cache("datasets")
        let caches = RedisRecordPredictionCaches(client: penguins.client)
        try await checkRecordPredictionCacheContract(caches, clock: nil, removesEveryVersion: false)
        let otters = RedisRecordPredictionCache(client: penguins.client, dataset: "otters")
        #expect(otters.key(id: "o1", modelVersion: 3) == penguins.client.location.keyPrefix + "dataset:otters:prediction:3:o1")
        try await otters.store([("o1", otterPrediction(1, version: 3))], ttlSeconds: 60)
        try await penguins.store([("p-1", Fixtures.prediction(.adelie, version: 3))], ttlSeconds: 60)
        #expect(try await penguins.count() == 1)
        try await penguins.removeAll()
        #expect(try await otters.prediction(id: "o1", modelVersion: 3) == otterPrediction(1, version: 3))
        try await otters.removeAll()
        #expect(try await penguins.client.send(RedisCommand("DEL", penguins.client.location.keyPrefix + "dataset:otters:warehouse-change")).integer == 1)
        penguins.client.close()
    }

    @Test func entriesExpireOnTheServersClock() async throws {
        let cache = try cache("ttl")
        let prediction = Fixtures.prediction(.gentoo, version: 4)
        // A minute, so that the first read comes before the expiry however loaded the machine is
        // (a store and a read once took over six seconds under the other suites); then the entry
        // is written again with a second to live, which is what must expire.
        try await cache.store([("p-1", prediction)], ttlSeconds: 60)
        #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 4) == prediction)
        try await cache.store([("p-1", prediction)], ttlSeconds: 1)
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 4) == nil)
        #expect(try await cache.count() == 0)

        // Rewriting a key sets its TTL anew.
        let key = cache.key(penguinID: "p-2", modelVersion: 4)
        try await cache.store([("p-2", prediction)], ttlSeconds: 100)
        let first = try await cache.client.send(RedisCommand("PTTL", key)).integer
        try await cache.store([("p-2", prediction)], ttlSeconds: 1_000)
        let second = try await cache.client.send(RedisCommand("PTTL", key)).integer
        #expect(try #require(first) <= 100_000)
        #expect(try #require(second) > 100_000)
        try await cache.removeAll()
        cache.client.close()
    }

    @Test func keysAreScopedByModelVersionAndHoldCompactJSON() async throws {
        let cache = try cache("keys")
        let prediction = Fixtures.prediction(.adelie, version: 3)
        try await cache.store([("PAL0708-Adelie-1", prediction)], ttlSeconds: 60)
        let key = cache.key(penguinID: "PAL0708-Adelie-1", modelVersion: 3)
        #expect(key == cache.client.location.keyPrefix + "prediction:3:PAL0708-Adelie-1")
        let stored = try #require(try await cache.client.send(RedisCommand("GET", key)).string)
        #expect(!stored.contains(" "))
        let json = try JSONValue(parsing: Data(stored.utf8))
        #expect(json["class"] == .number(Double(PenguinRecords.bundled.targetClass(of: .adelie))))
        #expect(json["model_version"] == .number(3))
        // A promoted model (version 4) finds nothing of version 3.
        #expect(try await cache.prediction(penguinID: "PAL0708-Adelie-1", modelVersion: 4) == nil)
        try await cache.removeAll()
        cache.client.close()
    }

    /// An entry the platform's first cache wrote (by species name) under the same key still
    /// reads as the prediction it was.
    @Test func anEntryOfTheFirstCacheStillReads() async throws {
        let cache = try cache("first")
        let key = cache.key(penguinID: "PAL0708-Adelie-1", modelVersion: 2)
        let first = #"{"model_version":2,"predicted_at":1700000100,"probabilities":{"Adelie":0.75,"Chinstrap":0.125,"Gentoo":0.125},"species":"Adelie"}"#
        try await cache.client.send(RedisCommand("SET", key, first, "EX", "60"))
        #expect(try await cache.prediction(penguinID: "PAL0708-Adelie-1", modelVersion: 2) == Fixtures.prediction(.adelie, version: 2))
        try await cache.removeAll()
        cache.client.close()
    }

    @Test func countingAndClearingTouchOnlyThePlatformsKeys() async throws {
        let mine = try cache("mine")
        let other = try cache("other")
        let foreignKey = TestServers.uniqueName("foreign")
        try await mine.client.send(RedisCommand("SET", foreignKey, "keep", "EX", "60"))
        try await mine.store([("p-1", Fixtures.prediction())], ttlSeconds: 60)
        try await other.store([("p-1", Fixtures.prediction())], ttlSeconds: 60)
        try await mine.removeAll()
        #expect(try await mine.count() == 0)
        #expect(try await other.count() == 1)
        #expect(try await mine.client.send(RedisCommand("GET", foreignKey)).string == "keep")
        try await other.removeAll()
        try await mine.client.send(RedisCommand("DEL", foreignKey))
        mine.client.close()
        other.client.close()
    }

    @Test func concurrentCallsShareConnectionsWithoutMixingReplies() async throws {
        let cache = try cache("pipelining") { $0.connections = 2 }
        let entries = (0..<300).map { (penguinID: "p-\($0)", prediction: Fixtures.prediction(.gentoo, version: 1, at: Double(1_700_000_000 + $0))) }
        try await cache.store(entries, ttlSeconds: 60)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for entry in entries {
                group.addTask { try await cache.prediction(penguinID: entry.penguinID, modelVersion: 1) == entry.prediction }
            }
            for try await matched in group { #expect(matched) }
        }
        try await cache.removeAll()
        cache.client.close()
    }

    @Test func selectChoosesTheDatabase() async throws {
        var location = try TestServers.redisLocation("select")
        location.database = 1
        let inOne = PenguinPredictionCache.redis(RedisClient(location: location))
        location.database = 0
        let inZero = PenguinPredictionCache.redis(RedisClient(location: location))
        try await inOne.store([("p-1", Fixtures.prediction())], ttlSeconds: 60)
        #expect(try await inOne.count() == 1)
        #expect(try await inZero.count() == 0)
        try await inOne.removeAll()
        inOne.client.close()
        inZero.client.close()
    }

    @Test func aRefusedPasswordIsUnavailableAndMasked() async throws {
        var location = try TestServers.redisLocation("auth")
        location.password = "wrong-password"
        let cache = PenguinPredictionCache.redis(RedisClient(location: location))
        do {
            _ = try await cache.prediction(penguinID: "p-1", modelVersion: 1)
            Issue.record("a wrong password was accepted")
        } catch {
            let text = String(describing: error)
            #expect(text.contains("the cache at redis://:***@"))
            #expect(text.contains("WRONGPASS") || text.contains("invalid password"))
            #expect(!text.contains("wrong-password"))
        }
        cache.client.close()
    }

    @Test func concurrentCallersOnOneConnectionEachGetTheirOwnReply() async throws {
        let cache = try cache("concurrent") { $0.connections = 1 }
        let client = cache.client
        let keys = (0..<300).map { cache.key(penguinID: "p-\($0)", modelVersion: 1) }
        try await client.pipeline(keys.map { RedisCommand("SET", $0, "value of \($0)", "EX", "60") })
        // Written from many tasks at once, the GETs leave in coalesced writes and their replies
        // come back in batches; each caller must still receive the reply to its own command.
        let replies = try await withThrowingTaskGroup(of: (String, String?).self) { group in
            for key in keys {
                group.addTask { (key, try await client.send(RedisCommand("GET", key)).string) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(replies.count == keys.count)
        #expect(keys.allSatisfy { replies[$0] == "value of \($0)" })
        try await client.pipeline(keys.map { RedisCommand("DEL", $0) })
        client.close()
    }

    @Test func reconnectsAfterTheServerRestartsAndFailsFastWhileItIsDown() async throws {
        let server = try await PrivateRedisServer.start()
        do {
            try await reconnects(through: server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func reconnects(through server: PrivateRedisServer) async throws {
        var configuration = RedisClient.Configuration()
        configuration.connections = 2
        configuration.commandTimeout = .seconds(1)
        configuration.maximumBackoff = .milliseconds(500)
        let cache = PenguinPredictionCache.redis(RedisClient(location: RedisLocation(host: "127.0.0.1", port: server.port), configuration: configuration))
        let prediction = Fixtures.prediction(.adelie, version: 1)
        try await cache.store([("p-1", prediction)], ttlSeconds: 60)
        #expect(try await cache.prediction(penguinID: "p-1", modelVersion: 1) == prediction)
        await server.stop()
        // While the server is down, every call throws a clear error instead of hanging.
        for _ in 0..<5 {
            do {
                _ = try await cache.prediction(penguinID: "p-1", modelVersion: 1)
                Issue.record("a read succeeded with the server stopped")
            } catch let error as StorageError {
                guard case .unavailable(let role, let location, _) = error else { Issue.record("\(error)"); continue }
                #expect(role == "cache")
                #expect(location == "redis://127.0.0.1:\(server.port)/0")
            }
        }

        // The same client works again once the server is back (its data is gone: no
        // persistence), through every connection of its pool.
        try await server.restart()
        var recovered = false
        for _ in 0..<100 where !recovered {
            do {
                try await cache.store([("p-2", prediction)], ttlSeconds: 60)
                recovered = try await cache.prediction(penguinID: "p-2", modelVersion: 1) == prediction
            } catch {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(recovered)
        for _ in 0..<4 {
            #expect(try await cache.prediction(penguinID: "p-2", modelVersion: 1) == prediction)
        }
        cache.client.close()
    }
}

/// The Redis client's behaviour that needs no Redis server.
@Suite struct RedisClientTests {
    @Test func aServerThatNeverAnswersTimesOut() async throws {
        // A listener that accepts connections and never replies.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        // Long enough for the connection itself to be made on a loaded machine: the wait that
        // runs out is the reply's.
        var configuration = RedisClient.Configuration()
        configuration.commandTimeout = .seconds(2)
        let client = RedisClient(location: RedisLocation(host: "127.0.0.1", port: port), configuration: configuration)
        await #expect(throws: RedisError.timeout(command: "GET", after: .seconds(2))) {
            try await client.send(RedisCommand("GET", "k"))
        }
        client.close()
        try await silent.close()
    }

    @Test func backoffDoublesUpToItsCeiling() {
        let delays = (0...6).map { RedisClient.backoff(afterFailures: $0, minimum: .milliseconds(100), maximum: .seconds(2)) }
        #expect(delays == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1_600), .seconds(2)])
        #expect(RedisClient.backoff(afterFailures: 1_000, minimum: .milliseconds(100), maximum: .seconds(2)) == .seconds(2))
    }
}

/// A redis-server of the test's own on a free loopback port, stopped and started by its PID,
/// so a restart disturbs no other test.
final class PrivateRedisServer: @unchecked Sendable {
    let port: Int
    private let lock = NSLock()
    private var process: ChildProcess?

    private init(port: Int) {
        self.port = port
    }

    static func start() async throws -> PrivateRedisServer {
        let server = PrivateRedisServer(port: try await closedPort())
        try await server.restart()
        return server
    }

    /// Starts the server (again) and waits until it accepts connections.
    func restart() async throws {
        let executable = try #require(
            ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "redis-server is not installed; scripts/services.sh start redis installs it"
        )
        let process = try ChildProcess(
            executable, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"],
            outputPath: ChildProcess.temporaryPath("redis.log")
        )
        lock.withLock { self.process = process }
        for _ in 0..<100 {
            if canConnect() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("redis-server did not start on port \(port)")
    }

    /// Kills the server (SIGKILL, as a crash would) and waits for it to exit, without blocking a thread.
    func stop() async {
        guard let process = lock.withLock({ () -> ChildProcess? in defer { self.process = nil }; return self.process }) else { return }
        await process.stop(SIGKILL)
        process.removeOutput()
    }

    private func canConnect() -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

extension PenguinPredictionCache {
    /// The penguins' cache in the Redis database of `client`, under the keys of the first cache.
    static func redis(_ client: RedisClient) -> PenguinPredictionCache {
        PenguinPredictionCache(records: RedisRecordPredictionCache(penguinsIn: client))
    }

    var redisRecords: RedisRecordPredictionCache { records as! RedisRecordPredictionCache }
    var client: RedisClient { redisRecords.client }
    var coherenceKey: String { redisRecords.coherenceKey }
    func key(penguinID: String, modelVersion: Int) -> String { redisRecords.key(id: penguinID, modelVersion: modelVersion) }
}
