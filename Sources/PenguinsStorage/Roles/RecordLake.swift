import PenguinsCore

/// A stored lake document: the record's id and its schema-free JSON.
public struct LakeDocument: Hashable, Sendable {
    public var id: String
    public var body: JSONValue
    public init(id: String, body: JSONValue) {
        self.id = id
        self.body = body
    }
}

/// The document lake of one dataset: one JSON document per record with every column of its
/// source row (``PenguinsCore/DatasetSchema/document(of:from:)``), `_provenance` included when
/// the record was read from a file.
public protocol RecordLake: Sendable {
    /// The schema the documents are written with.
    var schema: DatasetSchema { get }
    /// Inserts or replaces documents by id; writing the same document twice changes nothing.
    /// Within a batch, the last record of an id wins.
    func upsert(_ records: [DatasetRecord], from provenance: Provenance?) async throws
    /// The document of one record, or nil.
    func document(id: String) async throws -> LakeDocument?
    /// Documents ordered by id, after `after` (exclusive), at most `limit`.
    func scan(after: String?, limit: Int) async throws -> [LakeDocument]
    func count() async throws -> Int
}

/// A store that can keep the tables of any dataset. The tables of a dataset are made (and
/// their migrations recorded) the first time they are asked for; asking again returns the
/// same tables.
public protocol DatasetTablesProvider: RecordPredictionLogs {
    func lake(for schema: DatasetSchema) async throws -> any RecordLake
    func warehouse(for schema: DatasetSchema) async throws -> any RecordWarehouse
    func quarantine(for schema: DatasetSchema) async throws -> any Quarantine
    /// The dataset's model versions, apart from every other dataset's.
    func registry(for schema: DatasetSchema) async throws -> any ModelRegistry
}

extension Array {
    /// Only the last element of each id kept, in the order of those last ones; an array without
    /// repeats comes back unchanged. (A PostgreSQL `INSERT ... ON CONFLICT` may not touch a row
    /// twice, and within a batch the last version of a row wins.) Ids that ascend, as in a
    /// file sorted by its id, are told apart by comparing each with the one before, without
    /// hashing them all.
    @inlinable
    public func lastOfEachID(_ id: (Element) -> String) -> [Element] {
        if idsAscend(id) { return self }
        var lastIndex: [String: Int] = [:]
        lastIndex.reserveCapacity(count)
        for (index, element) in enumerated() { lastIndex[id(element)] = index }
        guard lastIndex.count < count else { return self }
        return indices.filter { lastIndex[id(self[$0])] == $0 }.map { self[$0] }
    }

    /// Whether each element's id sorts after the one before (so no id repeats).
    @inlinable
    func idsAscend(_ id: (Element) -> String) -> Bool {
        guard var previous = first.map(id) else { return true }
        for element in dropFirst() {
            let current = id(element)
            guard previous < current else { return false }
            previous = current
        }
        return true
    }
}
