import Foundation

/// The API keys held in memory, for tests and `memory://` stores.
public actor MemoryAccessKeyStore: AccessKeyStore {
    private var keysByName: [String: StoredAccessKey] = [:]

    /// No keys.
    public init() {}

    public func add(_ key: StoredAccessKey) throws {
        guard keysByName[key.name] == nil else { throw StorageError.alreadyExists("the key \"\(key.name)\"") }
        keysByName[key.name] = key
    }

    public func keys() -> [StoredAccessKey] { keysByName.keys.sorted().compactMap { keysByName[$0] } }

    public func remove(name: String) -> Bool { keysByName.removeValue(forKey: name) != nil }
}
