import Foundation
import PostgresNIO

/// The API keys in PostgreSQL: table `access_keys (name, role, digest, created_at)`, beside
/// the model registry.
public struct PostgresAccessKeyStore: AccessKeyStore {
    let store: PostgresStore

    public func add(_ key: StoredAccessKey) async throws {
        let inserted = try await store.run(.registry) { client in
            try await client.query("""
                INSERT INTO access_keys (name, role, digest, created_at)
                VALUES (\(key.name), \(key.role), \(key.digest), \(key.createdAt.timeIntervalSince1970))
                ON CONFLICT (name) DO NOTHING RETURNING 1
                """).decode(Int.self).reduce(0) { $0 + $1 }
        }
        guard inserted == 1 else { throw StorageError.alreadyExists("the key \"\(key.name)\"") }
    }

    public func keys() async throws -> [StoredAccessKey] {
        try await store.run(.registry) { client in
            var keys: [StoredAccessKey] = []
            let rows = try await client.query("SELECT name, role, digest, created_at FROM access_keys ORDER BY name")
            for try await (name, role, digest, createdAt) in rows.decode((String, String, String, Double).self) {
                keys.append(StoredAccessKey(name: name, role: role, digest: digest, createdAt: Date(timeIntervalSince1970: createdAt)))
            }
            return keys
        }
    }

    public func remove(name: String) async throws -> Bool {
        try await store.run(.registry) { client in
            try await client.query("DELETE FROM access_keys WHERE name = \(name) RETURNING 1").decode(Int.self).reduce(0) { $0 + $1 } > 0
        }
    }
}
