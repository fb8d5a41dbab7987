import PenguinsCore

/// The prediction cache in Redis, shared by every process that uses the same server and
/// database: key `prediction:{model version}:{penguin id}` (after the location's key prefix),
/// value the prediction as compact JSON, expiring after the TTL (`SET key value EX ttl`;
/// rewriting a key refreshes it). Expiry is Redis's own clock.
///
/// Counting and clearing walk only the platform's keys (`SCAN MATCH prefix + prediction:*`),
/// never `FLUSHDB`, so other data in the same database is left alone. Every failure throws
/// ``StorageError/unavailable(role:location:reason:)`` naming the URL without its password.
public struct RedisPredictionCache: PredictionCache {
    public let client: RedisClient

    /// Commands per pipelined write when storing or deleting many keys.
    static let commandsPerWrite = 1_000

    public init(client: RedisClient) {
        self.client = client
    }

    /// The key of a penguin's prediction by one model version.
    public func key(penguinID: String, modelVersion: Int) -> String {
        "\(client.location.keyPrefix)prediction:\(modelVersion):\(penguinID)"
    }

    /// The cached prediction of `penguinID` by `modelVersion`, or nil when absent or expired (`GET`).
    public func prediction(penguinID: String, modelVersion: Int) async throws -> Prediction? {
        let reply = try await call { try await client.send(RedisCommand("GET", key(penguinID: penguinID, modelVersion: modelVersion))) }
        return try decode(reply)
    }

    /// The cached predictions of several penguins by one model version, in one `MGET`; absent
    /// and expired ones are left out.
    public func predictions(penguinIDs: [String], modelVersion: Int) async throws -> [String: Prediction] {
        guard !penguinIDs.isEmpty else { return [:] }
        let command = RedisCommand(arguments: [Array("MGET".utf8)] + penguinIDs.map { Array(key(penguinID: $0, modelVersion: modelVersion).utf8) })
        let reply = try await call { try await client.send(command) }
        guard let values = reply.elements, values.count == penguinIDs.count else {
            throw unavailable("MGET answered \(penguinIDs.count) keys with \(reply)")
        }
        var found: [String: Prediction] = [:]
        for (id, value) in zip(penguinIDs, values) {
            if let prediction = try decode(value) { found[id] = prediction }
        }
        return found
    }

    /// Stores predictions (each under its own model version) for `ttlSeconds`, pipelining one
    /// `SET key value EX ttl` per prediction, 1,000 per write. A non-positive TTL removes the keys.
    public func store(_ predictions: [(penguinID: String, prediction: Prediction)], ttlSeconds: Int) async throws {
        guard !predictions.isEmpty else { return }
        let ttl = String(ttlSeconds)
        for start in stride(from: 0, to: predictions.count, by: RedisPredictionCache.commandsPerWrite) {
            let chunk = predictions[start..<min(start + RedisPredictionCache.commandsPerWrite, predictions.count)]
            let commands = chunk.map { entry in
                let key = key(penguinID: entry.penguinID, modelVersion: entry.prediction.modelVersion)
                return ttlSeconds > 0
                    ? RedisCommand("SET", key, PredictionText.prediction(entry.prediction), "EX", ttl)
                    : RedisCommand("DEL", key)
            }
            let replies = try await call { try await client.pipeline(commands) }
            if let failure = replies.first(where: { if case .error = $0 { true } else { false } }) {
                throw unavailable("SET was refused: \(failure)")
            }
        }
    }

    /// Removes the keys of these penguins by each of `modelVersions`: one `DEL` of up to 1,000
    /// keys per command, pipelined.
    public func remove(penguinIDs: [String], modelVersions: [Int]) async throws {
        let keys = penguinIDs.flatMap { id in modelVersions.map { key(penguinID: id, modelVersion: $0) } }
        guard !keys.isEmpty else { return }
        let commands = stride(from: 0, to: keys.count, by: RedisPredictionCache.commandsPerWrite).map { start in
            RedisCommand(arguments: [Array("DEL".utf8)] + keys[start..<min(start + RedisPredictionCache.commandsPerWrite, keys.count)].map { Array($0.utf8) })
        }
        let replies = try await call { try await client.pipeline(commands) }
        if let failure = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw unavailable("DEL was refused: \(failure)")
        }
    }

    /// The key that records the warehouse change up to which the cache is coherent:
    /// `warehouse-change` after the location's key prefix (outside `prediction:*`, so counting
    /// and clearing leave it alone).
    public var coherenceKey: String { "\(client.location.keyPrefix)warehouse-change" }

    /// The warehouse change up to which the cache is coherent (`GET`), nil when never recorded.
    public func coherentThrough() async throws -> Int64? {
        let reply = try await call { try await client.send(RedisCommand("GET", coherenceKey)) }
        switch reply {
        case .bulkString(nil): return nil
        case .bulkString(let bytes?):
            guard let value = Int64(String(decoding: bytes, as: UTF8.self)) else { throw unavailable("\(coherenceKey) holds \(reply)") }
            return value
        default: throw unavailable("GET answered \(reply)")
        }
    }

    /// Records the warehouse change up to which the cache is coherent (`SET`, no expiry).
    public func setCoherentThrough(_ sequence: Int64) async throws {
        let reply = try await call { try await client.send(RedisCommand("SET", coherenceKey, String(sequence))) }
        if case .error = reply { throw unavailable("SET was refused: \(reply)") }
    }

    /// Removes every prediction key of the platform (`SCAN` then `DEL`).
    public func removeAll() async throws {
        var batch: [String] = []
        try await scanKeys { key in
            batch.append(key)
            if batch.count >= RedisPredictionCache.commandsPerWrite {
                try await delete(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await delete(batch)
    }

    /// The number of live prediction keys of the platform (`SCAN`; expired keys are not returned).
    public func count() async throws -> Int {
        var count = 0
        try await scanKeys { _ in count += 1 }
        return count
    }

    /// The server's `PING`.
    public func ping() async throws {
        try await call { try await client.ping() }
    }

    // MARK: - Helpers

    /// The glob that matches the platform's keys, with the prefix's glob characters escaped.
    var keyPattern: String {
        var escaped = ""
        for character in client.location.keyPrefix {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "prediction:*"
    }

    private func scanKeys(_ body: (String) async throws -> Void) async throws {
        var cursor = "0"
        let pattern = keyPattern
        repeat {
            let reply = try await call { try await client.send(RedisCommand("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")) }
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].string, let keys = parts[1].elements else {
                throw unavailable("SCAN answered \(reply)")
            }
            for key in keys { if let key = key.string { try await body(key) } }
            cursor = next
        } while cursor != "0"
    }

    private func delete(_ keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        let command = RedisCommand(arguments: [Array("DEL".utf8)] + keys.map { Array($0.utf8) })
        try await call { try await client.send(command) }
    }

    private func decode(_ reply: RESPValue) throws -> Prediction? {
        switch reply {
        case .bulkString(nil): return nil
        case .bulkString(let bytes?): return try PredictionText.prediction(parsing: String(decoding: bytes, as: UTF8.self))
        default: throw unavailable("GET answered \(reply)")
        }
    }

    @discardableResult
    private func call<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as RedisError {
            throw unavailable(error.description)
        }
    }

    private func unavailable(_ reason: String) -> StorageError {
        .unavailable(role: StoreRole.cache.rawValue, location: client.location.maskedURL, reason: reason)
    }
}
