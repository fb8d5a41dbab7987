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

/// Versioned model artifacts with a current version, promotion and rollback.
public protocol ModelRegistry: Sendable {
    /// Stores a new version (numbered 1, 2, ...) without making it current; returns its number.
    func register(artifact: Data, createdAt: Date) async throws -> Int
    func model(version: Int) async throws -> RegisteredModel?
    /// The current version, or nil before the first promotion.
    func current() async throws -> RegisteredModel?
    /// Every version, newest first.
    func versions() async throws -> [ModelVersionSummary]
    /// Makes `version` current. Throws ``StorageError/notFound`` for an unknown version.
    func promote(version: Int) async throws
    /// Makes the previously current version current again and returns it.
    /// Throws ``StorageError/nothingToRollBack`` when there is no earlier promotion.
    func rollback() async throws -> Int
}
