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

/// Records on their way to a lake, their documents already written in the lake's layout, so
/// that ingestion prepares its next batch while the lake writes the current one
/// (``RecordLake/batch(_:from:)``).
public struct LakeBatch: Sendable {
    /// The records, the last of each id only: within a batch, the last record of an id wins.
    public let records: [DatasetRecord]
    /// The file they were read from, when known.
    public let provenance: Provenance?
    /// The documents' texts one after the other, without their provenance, and where each ends.
    let documents: [UInt8]
    let ends: [Int]

    /// The documents of `records` of `schema`, read from `provenance`'s file when given, in the
    /// layout of the dataset's lake (``LakeLayout``).
    /// - Throws: ``StorageError/notFound(_:)`` for a record the layout cannot write (in the
    ///   penguins' lake, a record that is not a penguin).
    init(_ records: [DatasetRecord], schema: DatasetSchema, provenance: Provenance?) throws {
        let records = records.lastOfEachID(\.id)
        var writer = LakeDocumentEncoder(DatasetTables(schema: schema).lakeLayout, schema: schema, provenance: provenance, capacity: records.count * 256)
        var ends: [Int] = []
        ends.reserveCapacity(records.count)
        for record in records {
            try writer.append(record)
            ends.append(writer.bytes.count)
        }
        self.records = records
        self.provenance = provenance
        documents = writer.bytes
        self.ends = ends
    }

    /// Where the text of record `index`'s document lies in ``documents``.
    func range(of index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

    /// The document of record `index`, its provenance added when the batch has one and the
    /// record its line.
    func document(_ index: Int) throws -> JSONValue {
        let text = String(decoding: documents[range(of: index)], as: UTF8.self)
        let body = try JSONTextParser.parse(text, what: "the lake document of \(records[index].id)")
        return body.withProvenance(file: provenance?.file, encoding: provenance?.dialect.encoding.rawValue, line: records[index].sourceLine)
    }
}

/// The document lake of one dataset: one JSON document per record with every column of its
/// source row (``PenguinsCore/DatasetSchema/document(of:from:)``; the penguins' in their own
/// layout, ``LakeLayout``), `_provenance` included when the record was read from a file.
public protocol RecordLake: Sendable {
    /// The schema the documents are written with.
    var schema: DatasetSchema { get }
    /// Inserts or replaces the documents of a batch (made by ``batch(_:from:)``) by id;
    /// writing the same document twice changes nothing.
    func upsert(_ batch: LakeBatch) async throws
    /// The document of one record, or nil.
    func document(id: String) async throws -> LakeDocument?
    /// Documents ordered by id, after `after` (exclusive), at most `limit`.
    func scan(after: String?, limit: Int) async throws -> [LakeDocument]
    func count() async throws -> Int
}

extension RecordLake {
    /// The batch that writes `records` read from `provenance`'s file (when given): their
    /// documents written now, in the lake's layout. Within a batch, the last record of an id wins.
    /// - Throws: ``StorageError/notFound(_:)`` for a record the lake's layout cannot write.
    public func batch(_ records: [DatasetRecord], from provenance: Provenance?) throws -> LakeBatch {
        try LakeBatch(records, schema: schema, provenance: provenance)
    }

    /// Inserts or replaces the documents of `records` (``batch(_:from:)``, then ``upsert(_:)``).
    public func upsert(_ records: [DatasetRecord], from provenance: Provenance?) async throws {
        try await upsert(batch(records, from: provenance))
    }
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
