import Foundation
import GRDB

/// The model registry in SQLite: table `model_versions` (numbered 1, 2, ... never reused) and
/// the promotion history `model_promotions`.
///
/// The promotions form a stack: the current version is the newest promotion not rolled back.
/// Promoting the current version again records nothing, so neighbouring entries of the stack
/// always differ. Rollback marks the newest live promotion as rolled back (it stays in the
/// history) and the one below it becomes current; with none below, it throws
/// ``StorageError/nothingToRollBack`` and changes nothing. For example promote 1, 2, 3 then
/// rollback gives 2, rollback again gives 1, and a third rollback throws.
public struct SQLiteModelRegistry: ModelRegistry {
    let pool: DatabasePool
    /// The tables: `model_versions` and `model_promotions`, or a dataset's.
    var tables = ModelRegistryTables.penguins

    /// Stores a new version without making it current; returns its number.
    public func register(artifact: Data, createdAt: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO \(tables.versions) (created_at, artifact) VALUES (?, ?)",
                arguments: [createdAt.timeIntervalSince1970, artifact]
            )
            return Int(db.lastInsertedRowID)
        }
    }

    /// One version, or nil.
    public func model(version: Int) async throws -> RegisteredModel? {
        try await pool.readInBackground { db in try model(version: version, in: db) }
    }

    /// The current version, or nil before the first promotion.
    public func current() async throws -> RegisteredModel? {
        try await pool.readInBackground { db in
            guard let version = try currentVersion(in: db) else { return nil }
            return try model(version: version, in: db)
        }
    }

    /// Every version, newest first.
    public func versions() async throws -> [ModelVersionSummary] {
        try await pool.readInBackground { db in
            let current = try currentVersion(in: db)
            return try Row.fetchAll(db, sql: "SELECT version, created_at FROM \(tables.versions) ORDER BY version DESC").map { row in
                let version: Int = row[0]
                return ModelVersionSummary(
                    version: version, createdAt: Date(timeIntervalSince1970: row[1]), isCurrent: version == current
                )
            }
        }
    }

    /// Makes `version` current and records it in the audit trail, in one transaction.
    /// Throws ``StorageError/notFound`` for an unknown version.
    public func promote(version: Int, audit: PromotionAudit) async throws {
        let now = Date()
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(tables.versions) WHERE version = ?", arguments: [version]) != nil else {
                throw StorageError.notFound("model version \(version); list the versions with `penguins models list`")
            }
            let previous = try currentVersion(in: db)
            guard previous != version else { return }
            try db.execute(
                sql: "INSERT INTO \(tables.promotions) (version, promoted_at) VALUES (?, ?)",
                arguments: [version, now.timeIntervalSince1970]
            )
            try record(PromotionAudit(
                action: .promote, at: now, from: previous, to: version, actor: audit.actor, forced: audit.forced, comparison: audit.comparison
            ), in: db)
        }
    }

    /// Rolls back the newest promotion, records it in the audit trail, and returns the version
    /// that is current again.
    public func rollback(by actor: String) async throws -> Int {
        let now = Date()
        return try await pool.write { db in
            let live = try Row.fetchAll(db, sql: """
                SELECT id, version FROM \(tables.promotions) WHERE rolled_back_at IS NULL ORDER BY id DESC LIMIT 2
                """)
            guard live.count == 2 else { throw StorageError.nothingToRollBack }
            try db.execute(
                sql: "UPDATE \(tables.promotions) SET rolled_back_at = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, live[0][0] as Int64]
            )
            try record(PromotionAudit(action: .rollback, at: now, from: live[0][1], to: live[1][1], actor: actor), in: db)
            return live[1][1] as Int
        }
    }

    /// The audit trail, newest first.
    public func audit(limit: Int) async throws -> [PromotionAudit] {
        try await pool.readInBackground { db in
            try Row.fetchAll(db, sql: """
                SELECT action, at, from_version, to_version, actor, forced, comparison FROM \(tables.audit) ORDER BY id DESC LIMIT ?
                """, arguments: [max(limit, 0)]).map { row in
                PromotionAudit(
                    action: PromotionAudit.Action(rawValue: row[0]) ?? .promote, at: Date(timeIntervalSince1970: row[1]), from: row[2], to: row[3],
                    actor: row[4], forced: row[5], comparison: row[6]
                )
            }
        }
    }

    private func record(_ audit: PromotionAudit, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO \(tables.audit) (action, at, from_version, to_version, actor, forced, comparison) VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [audit.action.rawValue, audit.at.timeIntervalSince1970, audit.from, audit.to, audit.actor, audit.forced, audit.comparison]
        )
    }

    private func currentVersion(in db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT version FROM \(tables.promotions) WHERE rolled_back_at IS NULL ORDER BY id DESC LIMIT 1")
    }

    private func model(version: Int, in db: Database) throws -> RegisteredModel? {
        try Row.fetchOne(db, sql: "SELECT created_at, artifact FROM \(tables.versions) WHERE version = ?", arguments: [version]).map { row in
            RegisteredModel(version: version, createdAt: Date(timeIntervalSince1970: row[0]), artifact: row[1])
        }
    }
}
