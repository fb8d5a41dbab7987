import Foundation

/// One API key as storage keeps it: its name, its role and the SHA-256 digest of its token.
/// The token itself is never stored.
public struct StoredAccessKey: Hashable, Sendable {
    /// Unique among the keys; how `keys list` and `keys revoke` name it.
    public var name: String
    /// The role's name (`admin`, `reader`); what it allows belongs to the server.
    public var role: String
    /// The SHA-256 digest of the token, as 64 lowercase hexadecimal digits.
    public var digest: String
    public var createdAt: Date

    public init(name: String, role: String, digest: String, createdAt: Date) {
        self.name = name
        self.role = role
        self.digest = digest
        self.createdAt = createdAt
    }
}

/// The API keys, kept where the model registry is.
public protocol AccessKeyStore: Sendable {
    /// Stores a new key. Throws ``StorageError/alreadyExists(_:)`` when a key of that name exists.
    func add(_ key: StoredAccessKey) async throws
    /// Every key, ordered by name.
    func keys() async throws -> [StoredAccessKey]
    /// Deletes the key named `name`; false when there was none.
    func remove(name: String) async throws -> Bool
}
