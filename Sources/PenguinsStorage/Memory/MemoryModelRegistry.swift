import Foundation

/// The model registry held in memory, for tests and `memory://` stores. Same semantics as
/// ``SQLiteModelRegistry``: versions numbered from 1, promotions form a stack whose
/// neighbouring entries differ, rollback pops the newest promotion.
public actor MemoryModelRegistry: ModelRegistry {
    private var models: [RegisteredModel] = []
    /// Live promotions, oldest first; the last one is current.
    private var promotions: [Int] = []
    /// Every promotion and rollback, oldest first.
    private var trail: [PromotionAudit] = []

    /// An empty registry.
    public init() {}

    /// Stores a new version without making it current; returns its number.
    public func register(artifact: Data, createdAt: Date) -> Int {
        let version = models.count + 1
        models.append(RegisteredModel(version: version, createdAt: createdAt, artifact: artifact))
        return version
    }

    /// One version, or nil.
    public func model(version: Int) -> RegisteredModel? {
        models.indices.contains(version - 1) ? models[version - 1] : nil
    }

    /// The current version, or nil before the first promotion.
    public func current() -> RegisteredModel? {
        promotions.last.flatMap(model(version:))
    }

    /// Every version, newest first.
    public func versions() -> [ModelVersionSummary] {
        models.reversed().map {
            ModelVersionSummary(version: $0.version, createdAt: $0.createdAt, isCurrent: $0.version == promotions.last)
        }
    }

    /// Makes `version` current and records it in the audit trail.
    /// Throws ``StorageError/notFound`` for an unknown version.
    public func promote(version: Int, audit: PromotionAudit) throws {
        guard model(version: version) != nil else {
            throw StorageError.notFound("model version \(version); list the versions with `penguins models list`")
        }
        guard promotions.last != version else { return }
        trail.append(PromotionAudit(
            action: .promote, at: Date(), from: promotions.last, to: version, actor: audit.actor, forced: audit.forced, comparison: audit.comparison))
        promotions.append(version)
    }

    /// Rolls back the newest promotion, records it, and returns the version that is current again.
    public func rollback(by actor: String) throws -> Int {
        guard promotions.count >= 2 else { throw StorageError.nothingToRollBack }
        let undone = promotions.removeLast()
        trail.append(PromotionAudit(action: .rollback, at: Date(), from: undone, to: promotions[promotions.count - 1], actor: actor))
        return promotions[promotions.count - 1]
    }

    /// The audit trail, newest first.
    public func audit(limit: Int) -> [PromotionAudit] {
        Array(trail.reversed().prefix(max(limit, 0)))
    }
}
