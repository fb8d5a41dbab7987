import PenguinsCore

/// The document lake held in memory, for tests and `memory://` stores. Same semantics as
/// ``SQLiteLake``: one document per penguin id, scans in UTF-8 byte order of the id.
public actor MemoryLake: Lake {
    private var documents: [String: LakeDocument] = [:]

    /// An empty lake.
    public init() {}

    /// Inserts or replaces documents by penguin id.
    public func upsert(_ batch: LakeBatch) {
        for penguin in batch.penguins {
            documents[penguin.id] = LakeDocument(id: penguin.id, body: penguin.document(from: batch.provenance))
        }
    }

    /// The document of one penguin, or nil.
    public func document(id: String) -> LakeDocument? {
        documents[id]
    }

    /// Documents ordered by id, after `after`, at most `limit`.
    public func scan(after: String?, limit: Int) -> [LakeDocument] {
        documents.keys
            .filter { id in after.map { KeyOrder.precedes($0, id) } ?? true }
            .sorted(by: KeyOrder.precedes)
            .prefix(max(limit, 0))
            .map { documents[$0]! }
    }

    /// The number of documents.
    public func count() -> Int {
        documents.count
    }
}
