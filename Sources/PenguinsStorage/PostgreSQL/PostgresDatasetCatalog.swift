import Foundation
import PostgresNIO

/// The dataset catalog in PostgreSQL: table `dataset_schemas (name, version, fingerprint,
/// document, registered_at)`. Registrations hold an advisory lock, so concurrent processes
/// number versions one at a time.
public struct PostgresDatasetCatalog: DatasetCatalog {
    let store: PostgresStore

    public func register(name: String, fingerprint: String, document: String, at time: Date) async throws -> RegisteredSchema {
        try await store.transaction(.registry) { connection in
            let logger = store.logger
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('penguins-dataset-schemas:' || current_schema()))", logger: logger)
            let newest = try await PostgresDatasetCatalog.decode(connection.query(
                PostgresDatasetCatalog.newest(name), logger: logger)).first
            if let newest, newest.fingerprint == fingerprint { return newest }
            let version = (newest?.version ?? 0) + 1
            try await connection.query("""
                INSERT INTO dataset_schemas (name, version, fingerprint, document, registered_at)
                VALUES (\(name), \(version), \(fingerprint), \(document), \(time.timeIntervalSince1970))
                """, logger: logger)
            return RegisteredSchema(name: name, version: version, fingerprint: fingerprint, document: document, registeredAt: time)
        }
    }

    public func schema(named name: String) async throws -> RegisteredSchema? {
        try await store.run(.registry) { client in try await PostgresDatasetCatalog.decode(client.query(PostgresDatasetCatalog.newest(name))).first }
    }

    public func schemas() async throws -> [RegisteredSchema] {
        try await store.run(.registry) { client in
            try await PostgresDatasetCatalog.decode(client.query("""
                SELECT DISTINCT ON (name) name, version, fingerprint, document, registered_at
                FROM dataset_schemas ORDER BY name, version DESC
                """))
        }
    }

    public func versions(of name: String) async throws -> [RegisteredSchema] {
        try await store.run(.registry) { client in
            try await PostgresDatasetCatalog.decode(client.query("""
                SELECT name, version, fingerprint, document, registered_at FROM dataset_schemas
                WHERE name = \(name) ORDER BY version DESC
                """))
        }
    }

    private static func newest(_ name: String) -> PostgresQuery {
        """
        SELECT name, version, fingerprint, document, registered_at FROM dataset_schemas
        WHERE name = \(name) ORDER BY version DESC LIMIT 1
        """
    }

    private static func decode(_ rows: PostgresRowSequence) async throws -> [RegisteredSchema] {
        var schemas: [RegisteredSchema] = []
        for try await (name, version, fingerprint, document, registeredAt) in rows.decode((String, Int, String, String, Double).self) {
            schemas.append(RegisteredSchema(
                name: name, version: version, fingerprint: fingerprint, document: document,
                registeredAt: Date(timeIntervalSince1970: registeredAt)))
        }
        return schemas
    }
}
