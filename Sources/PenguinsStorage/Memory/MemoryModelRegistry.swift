import Foundation

/// The model registry held in memory, for tests and `memory://` stores. Same semantics as
/// ``SQLiteModelRegistry``: versions numbered from 1, promotions form a stack whose
/// neighbouring entries differ, rollback pops the newest promotion.
public actor MemoryModelRegistry: ModelRegistry {
    private var models: [RegisteredModel] = []
    /// Live promotions, oldest first; the last one is current.
    private var promotions: [Int] = []

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

    /// Makes `version` current. Throws ``StorageError/notFound`` for an unknown version.
    public func promote(version: Int) throws {
        guard model(version: version) != nil else {
            throw StorageError.notFound("model version \(version); list the versions with `penguins models list`")
        }
        if promotions.last != version { promotions.append(version) }
    }

    /// Rolls back the newest promotion and returns the version that is current again.
    public func rollback() throws -> Int {
        guard promotions.count >= 2 else { throw StorageError.nothingToRollBack }
        promotions.removeLast()
        return promotions[promotions.count - 1]
    }
}
