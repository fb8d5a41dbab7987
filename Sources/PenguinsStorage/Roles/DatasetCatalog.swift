import Foundation

/// One registered version of a dataset's schema. The document is opaque text to storage (the
/// schema's YAML); its shape belongs to `PenguinsCore.DatasetSchema`.
public struct RegisteredSchema: Hashable, Sendable {
    public var name: String
    /// 1, 2, ... per dataset, never reused.
    public var version: Int
    /// Identifies the schema's content: registering an unchanged schema adds no version.
    public var fingerprint: String
    public var document: String
    public var registeredAt: Date

    public init(name: String, version: Int, fingerprint: String, document: String, registeredAt: Date) {
        self.name = name
        self.version = version
        self.fingerprint = fingerprint
        self.document = document
        self.registeredAt = registeredAt
    }
}

/// The registered datasets: every version of each one's schema. Kept where the model
/// registry is.
public protocol DatasetCatalog: Sendable {
    /// Registers `document` as the newest version of dataset `name` and returns it. When the
    /// newest version already has `fingerprint`, nothing is added and that version is returned.
    func register(name: String, fingerprint: String, document: String, at time: Date) async throws -> RegisteredSchema
    /// The newest version of dataset `name`, or nil when it was never registered.
    func schema(named name: String) async throws -> RegisteredSchema?
    /// The newest version of every dataset, ordered by name.
    func schemas() async throws -> [RegisteredSchema]
    /// Every version of dataset `name`, newest first.
    func versions(of name: String) async throws -> [RegisteredSchema]
}
