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

/// Penguins on their way to a lake, their documents already serialised (as the SQLite and
/// PostgreSQL lakes store them), so that ingestion prepares its next batch while the lake
/// writes the current one.
public struct LakeBatch: Sendable {
    /// The penguins, the last of each id only: within a batch, the last row of an id wins.
    public let penguins: [Penguin]
    /// The file they were read from, when known.
    public let provenance: Provenance?
    /// The documents' texts one after the other (see ``LakeDocumentWriter``), and where each ends.
    let documents: [UInt8]
    let ends: [Int]

    /// Serialises the documents of `penguins`, read from `provenance`'s file when given.
    public init(_ penguins: [Penguin], from provenance: Provenance? = nil) {
        let penguins = penguins.lastOfEachID(\.id)
        var writer = LakeDocumentWriter(capacity: penguins.count * 256)
        var ends: [Int] = []
        ends.reserveCapacity(penguins.count)
        for penguin in penguins {
            writer.append(penguin)
            ends.append(writer.bytes.count)
        }
        self.penguins = penguins
        self.provenance = provenance
        documents = writer.bytes
        self.ends = ends
    }

    /// Where the text of the document of penguin `index` lies in ``documents``.
    func range(of index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }
}

/// The document lake: one JSON document per penguin, keeping every field of the source row.
public protocol Lake: Sendable {
    /// Inserts or replaces the documents of a batch by `penguin_id`, each with its provenance
    /// when the batch's `provenance` and the penguin's ``PenguinsCore/Penguin/sourceLine`` are
    /// known: the document then reads as `penguin.document(from: provenance)`. Writing the same
    /// document twice changes nothing.
    func upsert(_ batch: LakeBatch) async throws
    /// The document of one penguin, or nil.
    func document(id: String) async throws -> LakeDocument?
    /// Documents ordered by id, starting after `after` (exclusive), at most `limit`.
    func scan(after: String?, limit: Int) async throws -> [LakeDocument]
    func count() async throws -> Int
}

extension Lake {
    /// Inserts or replaces the documents of `penguins` read from `provenance`'s file (see
    /// ``upsert(_:)-(LakeBatch)``), or not read from a file.
    public func upsert(_ penguins: [Penguin], from provenance: Provenance? = nil) async throws {
        try await upsert(LakeBatch(penguins, from: provenance))
    }
}
