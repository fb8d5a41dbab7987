import Foundation

/// One registered model version: its artifact is opaque JSON to storage.
public struct RegisteredModel: Hashable, Sendable {
    public var version: Int
    public var createdAt: Date
    /// The model artifact as JSON (parameters, scaler, trees, metrics, ...); its shape belongs to the ML module.
    public var artifact: Data
    public init(version: Int, createdAt: Date, artifact: Data) {
        self.version = version
        self.createdAt = createdAt
        self.artifact = artifact
    }
}

/// A version's entry in the list of models.
public struct ModelVersionSummary: Hashable, Sendable, Codable {
    public var version: Int
    public var createdAt: Date
    public var isCurrent: Bool
    public init(version: Int, createdAt: Date, isCurrent: Bool) {
        self.version = version
        self.createdAt = createdAt
        self.isCurrent = isCurrent
    }
}

/// One change of the current version, as the audit trail keeps it: who made which version
/// current instead of which, when, and on what comparison.
public struct PromotionAudit: Hashable, Sendable, Codable {
    public enum Action: String, Hashable, Sendable, Codable {
        case promote, rollback
    }

    public var action: Action
    public var at: Date
    /// The version current before; nil for the first promotion.
    public var from: Int?
    public var to: Int
    /// Who: an API key's name, `cli`, `train`, `dashboard:<key>`.
    public var actor: String
    /// True when a promotion went ahead although the candidate was worse than the margin allows.
    public var forced: Bool
    /// The comparison the promotion was decided on, as JSON; nil when there was none.
    public var comparison: String?

    public init(action: Action, at: Date, from: Int?, to: Int, actor: String, forced: Bool = false, comparison: String? = nil) {
        self.action = action
        self.at = at
        self.from = from
        self.to = to
        self.actor = actor
        self.forced = forced
        self.comparison = comparison
    }
}

/// Versioned model artifacts with a current version, promotion and rollback.
public protocol ModelRegistry: Sendable {
    /// Stores a new version (numbered 1, 2, ...) without making it current; returns its number.
    func register(artifact: Data, createdAt: Date) async throws -> Int
    func model(version: Int) async throws -> RegisteredModel?
    /// The current version, or nil before the first promotion.
    func current() async throws -> RegisteredModel?
    /// Every version, newest first.
    func versions() async throws -> [ModelVersionSummary]
    /// Makes `version` current and adds the change to the audit trail (`audit`'s actor, forced
    /// flag and comparison; its other members are the registry's). Promoting the current
    /// version again changes and records nothing. Throws ``StorageError/notFound`` for an
    /// unknown version.
    func promote(version: Int, audit: PromotionAudit) async throws
    /// Makes the previously current version current again, adds the change to the audit trail
    /// under `actor`, and returns the version.
    /// Throws ``StorageError/nothingToRollBack`` when there is no earlier promotion.
    func rollback(by actor: String) async throws -> Int
    /// The audit trail, newest first, at most `limit` entries.
    func audit(limit: Int) async throws -> [PromotionAudit]
}

extension ModelRegistry {
    /// Makes `version` current on behalf of `actor`, with no comparison.
    public func promote(version: Int, by actor: String = "system") async throws {
        try await promote(version: version, audit: PromotionAudit(action: .promote, at: Date(), from: nil, to: version, actor: actor))
    }

    /// Rolls back on behalf of the platform itself.
    public func rollback() async throws -> Int {
        try await rollback(by: "system")
    }
}
