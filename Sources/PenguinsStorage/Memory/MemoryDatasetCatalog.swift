import Foundation

/// The dataset catalog held in memory, for tests and `memory://` stores.
public actor MemoryDatasetCatalog: DatasetCatalog {
    /// Every version of each dataset, oldest first.
    private var versionsByName: [String: [RegisteredSchema]] = [:]

    /// An empty catalog.
    public init() {}

    public func register(name: String, fingerprint: String, document: String, at time: Date) -> RegisteredSchema {
        if let newest = versionsByName[name]?.last, newest.fingerprint == fingerprint { return newest }
        let schema = RegisteredSchema(
            name: name, version: (versionsByName[name]?.count ?? 0) + 1, fingerprint: fingerprint, document: document, registeredAt: time)
        versionsByName[name, default: []].append(schema)
        return schema
    }

    public func schema(named name: String) -> RegisteredSchema? { versionsByName[name]?.last }

    public func schemas() -> [RegisteredSchema] {
        versionsByName.keys.sorted().compactMap { versionsByName[$0]?.last }
    }

    public func versions(of name: String) -> [RegisteredSchema] { (versionsByName[name] ?? []).reversed() }
}
