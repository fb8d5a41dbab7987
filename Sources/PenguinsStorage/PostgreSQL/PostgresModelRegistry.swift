import Foundation
import PostgresNIO

/// The model registry in PostgreSQL: table `model_versions` (numbered 1, 2, ... by an identity
/// column, never reused) and the promotion history `model_promotions`, with the same stack
/// semantics as ``SQLiteModelRegistry``: the current version is the newest promotion not rolled
/// back, promoting the current version again records nothing, and rollback marks the newest live
/// promotion as rolled back. Promotions and rollbacks hold an advisory lock, so concurrent
/// processes apply them one at a time.
public struct PostgresModelRegistry: ModelRegistry {
    let store: PostgresStore
    /// The tables: `model_versions` and `model_promotions`, or a dataset\'s.
    var tables = ModelRegistryTables.penguins

    private static let lock: PostgresQuery = "SELECT pg_advisory_xact_lock(hashtext('penguins-model-promotions:' || current_schema()))"

    /// Stores a new version without making it current; returns its number.
    public func register(artifact: Data, createdAt: Date) async throws -> Int {
        try await store.run(.registry) { client in
            let rows = try await client.query("""
                INSERT INTO \(unescaped: tables.versions) (created_at, artifact) VALUES (\(createdAt.timeIntervalSince1970), \(artifact))
                RETURNING version
                """)
            for try await version in rows.decode(Int.self) { return version }
            throw StorageError.corrupt("registering a model returned no version")
        }
    }

    /// One version, or nil.
    public func model(version: Int) async throws -> RegisteredModel? {
        try await store.run(.registry) { client in try await model(version: version, client) }
    }

    /// The current version, or nil before the first promotion.
    public func current() async throws -> RegisteredModel? {
        try await store.run(.registry) { client -> RegisteredModel? in
            let rows = try await client.query("""
                SELECT v.version, v.created_at, v.artifact FROM \(unescaped: tables.versions) v
                WHERE v.version = (SELECT version FROM \(unescaped: tables.promotions) WHERE rolled_back_at IS NULL ORDER BY id DESC LIMIT 1)
                """)
            for try await (version, createdAt, artifact) in rows.decode((Int, Double, Data).self) {
                return RegisteredModel(version: version, createdAt: Date(timeIntervalSince1970: createdAt), artifact: artifact)
            }
            return nil
        }
    }

    /// Every version, newest first.
    public func versions() async throws -> [ModelVersionSummary] {
        try await store.run(.registry) { client in
            let rows = try await client.query("""
                SELECT version, created_at,
                       version IS NOT DISTINCT FROM (SELECT version FROM \(unescaped: tables.promotions) WHERE rolled_back_at IS NULL ORDER BY id DESC LIMIT 1)
                FROM \(unescaped: tables.versions) ORDER BY version DESC
                """)
            var summaries: [ModelVersionSummary] = []
            for try await (version, createdAt, isCurrent) in rows.decode((Int, Double, Bool).self) {
                summaries.append(ModelVersionSummary(version: version, createdAt: Date(timeIntervalSince1970: createdAt), isCurrent: isCurrent))
            }
            return summaries
        }
    }

    /// Makes `version` current and records it in the audit trail, in one transaction.
    /// Throws ``StorageError/notFound`` for an unknown version.
    public func promote(version: Int, audit: PromotionAudit) async throws {
        let now = Date()
        try await store.transaction(.registry) { connection in
            let logger = store.logger
            try await connection.query(PostgresModelRegistry.lock, logger: logger)
            var exists = false
            for try await _ in try await connection.query("SELECT 1 FROM \(unescaped: tables.versions) WHERE version = \(version)", logger: logger) {
                exists = true
            }
            guard exists else {
                throw StorageError.notFound("model version \(version); list the versions with `penguins models list`")
            }
            var previous: Int?
            for try await current in try await connection.query(
                "SELECT version FROM \(unescaped: tables.promotions) WHERE rolled_back_at IS NULL ORDER BY id DESC LIMIT 1", logger: logger
            ).decode(Int.self) {
                previous = current
            }
            guard previous != version else { return }
            try await connection.query(
                "INSERT INTO \(unescaped: tables.promotions) (version, promoted_at) VALUES (\(version), \(now.timeIntervalSince1970))", logger: logger)
            try await record(PromotionAudit(
                action: .promote, at: now, from: previous, to: version, actor: audit.actor, forced: audit.forced, comparison: audit.comparison
            ), on: connection)
        }
    }

    /// Rolls back the newest promotion, records it in the audit trail, and returns the version
    /// that is current again.
    public func rollback(by actor: String) async throws -> Int {
        let now = Date()
        return try await store.transaction(.registry) { connection in
            let logger = store.logger
            try await connection.query(PostgresModelRegistry.lock, logger: logger)
            var live: [(id: Int, version: Int)] = []
            for try await row in try await connection.query(
                "SELECT id, version FROM \(unescaped: tables.promotions) WHERE rolled_back_at IS NULL ORDER BY id DESC LIMIT 2", logger: logger
            ).decode((Int, Int).self) {
                live.append(row)
            }
            guard live.count == 2 else { throw StorageError.nothingToRollBack }
            try await connection.query(
                "UPDATE \(unescaped: tables.promotions) SET rolled_back_at = \(now.timeIntervalSince1970) WHERE id = \(live[0].id)", logger: logger)
            try await record(PromotionAudit(action: .rollback, at: now, from: live[0].version, to: live[1].version, actor: actor), on: connection)
            return live[1].version
        }
    }

    /// The audit trail, newest first.
    public func audit(limit: Int) async throws -> [PromotionAudit] {
        let table = tables.audit
        return try await store.run(.registry) { client in
            var entries: [PromotionAudit] = []
            for try await (action, at, from, to, actor, forced, comparison) in try await client.query("""
                SELECT action, at, from_version, to_version, actor, forced, comparison FROM \(unescaped: table) ORDER BY id DESC LIMIT \(max(limit, 0))
                """).decode((String, Double, Int?, Int, String, Bool, String?).self) {
                entries.append(PromotionAudit(
                    action: PromotionAudit.Action(rawValue: action) ?? .promote, at: Date(timeIntervalSince1970: at), from: from, to: to,
                    actor: actor, forced: forced, comparison: comparison))
            }
            return entries
        }
    }

    private func record(_ audit: PromotionAudit, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO \(unescaped: tables.audit) (action, at, from_version, to_version, actor, forced, comparison)
            VALUES (\(audit.action.rawValue), \(audit.at.timeIntervalSince1970), \(audit.from), \(audit.to), \(audit.actor), \(audit.forced), \(audit.comparison))
            """, logger: store.logger)
    }

    private func model(version: Int, _ client: PostgresClient) async throws -> RegisteredModel? {
        let rows = try await client.query("SELECT created_at, artifact FROM \(unescaped: tables.versions) WHERE version = \(version)")
        for try await (createdAt, artifact) in rows.decode((Double, Data).self) {
            return RegisteredModel(version: version, createdAt: Date(timeIntervalSince1970: createdAt), artifact: artifact)
        }
        return nil
    }
}
