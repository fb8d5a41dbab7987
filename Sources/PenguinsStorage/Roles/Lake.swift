import PenguinsCore

/// A stored lake document: the penguin's id and its schema-free JSON.
public struct LakeDocument: Hashable, Sendable {
    public var id: String
    public var body: JSONValue
    public init(id: String, body: JSONValue) {
        self.id = id
        self.body = body
    }
}

/// The document lake: one JSON document per penguin, keeping every field of the source row.
public protocol Lake: Sendable {
    /// Inserts or replaces documents by `penguin_id`, each with its provenance when the batch's
    /// `provenance` and the penguin's ``PenguinsCore/Penguin/sourceLine`` are known: the document
    /// then reads as `penguin.document(from: provenance)`. Writing the same document twice
    /// changes nothing.
    func upsert(_ penguins: [Penguin], from provenance: Provenance?) async throws
    /// The document of one penguin, or nil.
    func document(id: String) async throws -> LakeDocument?
    /// Documents ordered by id, starting after `after` (exclusive), at most `limit`.
    func scan(after: String?, limit: Int) async throws -> [LakeDocument]
    func count() async throws -> Int
}

extension Lake {
    /// Inserts or replaces documents that were not read from a file.
    public func upsert(_ penguins: [Penguin]) async throws {
        try await upsert(penguins, from: nil)
    }
}
