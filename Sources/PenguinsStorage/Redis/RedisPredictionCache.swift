import PenguinsCore

/// Cached predictions in Redis under one key prefix: key `{prefix}{model version}:{id}`, value
/// the prediction's text, expiring after the TTL (`SET key value EX ttl`; rewriting a key
/// refreshes it), and the coherence position under its own key. Expiry is Redis's own clock.
///
/// Counting and clearing walk only the keys under the prefix (`SCAN MATCH prefix*`), never
/// `FLUSHDB`, so other data in the same database is left alone. Every failure throws
/// ``StorageError/unavailable(role:location:reason:)`` naming the URL without its password.
struct RedisExpiringKeys: Sendable {
    let client: RedisClient
    /// What every key of these predictions starts with.
    let prefix: String
    /// The key that records the warehouse change up to which the entries are coherent.
    let coherenceKey: String

    /// Commands per pipelined write when storing or deleting many keys.
    static let commandsPerWrite = 1_000

    func key(id: String, modelVersion: Int) -> String { "\(prefix)\(modelVersion):\(id)" }

    /// The text under the key of (`id`, `modelVersion`), or nil when absent or expired (`GET`).
    func text(id: String, modelVersion: Int) async throws -> String? {
        try text(of: try await call { try await client.send(RedisCommand("GET", key(id: id, modelVersion: modelVersion))) })
    }

    /// Stores texts for `ttlSeconds`, pipelining one `SET key value EX ttl` per entry, 1,000 per
    /// write. A non-positive TTL removes the keys.
    func store(_ entries: [(id: String, modelVersion: Int, text: String)], ttlSeconds: Int) async throws {
        guard !entries.isEmpty else { return }
        let ttl = String(ttlSeconds)
        for start in stride(from: 0, to: entries.count, by: Self.commandsPerWrite) {
            let commands = entries[start..<min(start + Self.commandsPerWrite, entries.count)].map { entry in
                let key = key(id: entry.id, modelVersion: entry.modelVersion)
                return ttlSeconds > 0 ? RedisCommand("SET", key, entry.text, "EX", ttl) : RedisCommand("DEL", key)
            }
            let replies = try await call { try await client.pipeline(commands) }
            if let failure = replies.first(where: { if case .error = $0 { true } else { false } }) {
                throw unavailable("SET was refused: \(failure)")
            }
        }
    }

    /// Removes the keys of these ids by each of `modelVersions`: one `DEL` of up to 1,000 keys
    /// per command, pipelined.
    func remove(ids: [String], modelVersions: [Int]) async throws {
        let keys = ids.flatMap { id in modelVersions.map { key(id: id, modelVersion: $0) } }
        guard !keys.isEmpty else { return }
        let commands = stride(from: 0, to: keys.count, by: Self.commandsPerWrite).map { start in
            RedisCommand(arguments: [Array("DEL".utf8)] + keys[start..<min(start + Self.commandsPerWrite, keys.count)].map { Array($0.utf8) })
        }
        let replies = try await call { try await client.pipeline(commands) }
        if let failure = replies.first(where: { if case .error = $0 { true } else { false } }) {
            throw unavailable("DEL was refused: \(failure)")
        }
    }

    /// The recorded coherence position (`GET`), nil when never recorded.
    func coherentThrough() async throws -> Int64? {
        let reply = try await call { try await client.send(RedisCommand("GET", coherenceKey)) }
        switch reply {
        case .bulkString(nil): return nil
        case .bulkString(let bytes?):
            guard let value = Int64(String(decoding: bytes, as: UTF8.self)) else { throw unavailable("\(coherenceKey) holds \(reply)") }
            return value
        default: throw unavailable("GET answered \(reply)")
        }
    }

    /// Records the coherence position (`SET`, no expiry).
    func setCoherentThrough(_ sequence: Int64) async throws {
        let reply = try await call { try await client.send(RedisCommand("SET", coherenceKey, String(sequence))) }
        if case .error = reply { throw unavailable("SET was refused: \(reply)") }
    }

    /// Removes every key under the prefix (`SCAN` then `DEL`).
    func removeAll() async throws {
        var batch: [String] = []
        try await scanKeys { key in
            batch.append(key)
            if batch.count >= Self.commandsPerWrite {
                try await delete(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try await delete(batch)
    }

    /// The number of live keys under the prefix (`SCAN`; expired keys are not returned).
    func count() async throws -> Int {
        var count = 0
        try await scanKeys { _ in count += 1 }
        return count
    }

    func ping() async throws {
        try await call { try await client.ping() }
    }

    /// The glob that matches the keys under the prefix, with the prefix's glob characters escaped.
    var keyPattern: String {
        var escaped = ""
        for character in prefix {
            if "*?[]\\".contains(character) { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "*"
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

    private func text(of reply: RESPValue) throws -> String? {
        switch reply {
        case .bulkString(nil): return nil
        case .bulkString(let bytes?): return String(decoding: bytes, as: UTF8.self)
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

/// The prediction cache of one dataset in Redis, shared by every process that uses the same
/// server and database: keys `dataset:{name}:prediction:{model version}:{id}` and
/// `dataset:{name}:warehouse-change` after the location's key prefix, apart from every other
/// dataset's; the penguins' keep the keys of the platform's first cache, `prediction:{model
/// version}:{penguin id}` and `warehouse-change`. Values are the prediction as compact JSON,
/// expiring after the TTL. See ``RedisExpiringKeys``.
public struct RedisRecordPredictionCache: RecordPredictionCache {
    public let client: RedisClient
    let keys: RedisExpiringKeys
    /// The classes by which an entry the first cache wrote (by species name) is read.
    let legacyClasses: [String]?

    public init(client: RedisClient, dataset: String) {
        self.client = client
        let base = client.location.keyPrefix + "dataset:\(dataset):"
        keys = RedisExpiringKeys(client: client, prefix: base + "prediction:", coherenceKey: base + "warehouse-change")
        legacyClasses = nil
    }

    /// The penguins' cache, under the keys of the platform's first cache; its entries of before
    /// are read as they were written.
    public init(penguinsIn client: RedisClient, schema: DatasetSchema = BundledSchemas.penguins) {
        self.client = client
        keys = RedisExpiringKeys(
            client: client, prefix: client.location.keyPrefix + "prediction:", coherenceKey: client.location.keyPrefix + "warehouse-change")
        legacyClasses = schema.target.classes
    }

    /// The key of a row's prediction by one model version.
    public func key(id: String, modelVersion: Int) -> String { keys.key(id: id, modelVersion: modelVersion) }

    /// The key that records the warehouse change up to which the cache is coherent.
    public var coherenceKey: String { keys.coherenceKey }

    public func prediction(id: String, modelVersion: Int) async throws -> RecordPrediction? {
        try await keys.text(id: id, modelVersion: modelVersion).map { try PredictionText.recordPrediction(parsing: $0, legacyClasses: legacyClasses) }
    }

    public func store(_ predictions: [(id: String, prediction: RecordPrediction)], ttlSeconds: Int) async throws {
        try await keys.store(
            predictions.map { ($0.id, $0.prediction.modelVersion, PredictionText.recordPrediction($0.prediction)) }, ttlSeconds: ttlSeconds)
    }

    public func remove(ids: [String], modelVersions: [Int]) async throws { try await keys.remove(ids: ids, modelVersions: modelVersions) }

    public func removeAll() async throws { try await keys.removeAll() }

    public func count() async throws -> Int { try await keys.count() }

    public func coherentThrough() async throws -> Int64? { try await keys.coherentThrough() }

    public func setCoherentThrough(_ sequence: Int64) async throws { try await keys.setCoherentThrough(sequence) }

    /// The server's `PING`.
    public func ping() async throws { try await keys.ping() }
}

/// The caches of datasets in one Redis database.
public struct RedisRecordPredictionCaches: RecordPredictionCaches {
    public let client: RedisClient

    public init(client: RedisClient) { self.client = client }

    public func cache(ofDataset name: String) -> any RecordPredictionCache {
        RedisRecordPredictionCache(client: client, dataset: name)
    }
}

extension RedisClient {
    /// The penguins' prediction cache and the datasets' caches, in this client's database.
    public var caches: (PenguinPredictionCache, any RecordPredictionCaches) {
        (PenguinPredictionCache(records: RedisRecordPredictionCache(penguinsIn: self)), RedisRecordPredictionCaches(client: self))
    }
}
