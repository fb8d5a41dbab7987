import Foundation
import PenguinsCore
import PostgresNIO

/// The document lake in PostgreSQL: table `lake (penguin_id, document jsonb)`, with a GIN
/// index (`jsonb_path_ops`) on `document -> 'features'` so documents can be found by a
/// measurement (``documents(where:equals:limit:)``).
///
/// A new field of a document needs no migration: the document is stored whole. JSONB keeps
/// the value, not the text: keys come back in JSONB's order, which ``LakeDocument/body``
/// (a `JSONValue`) does not depend on.
public struct PostgresLake: Lake {
    let store: PostgresStore

    /// Rows per `INSERT` statement.
    static let rowsPerStatement = 10_000

    /// Inserts or replaces documents, one statement per 10,000 documents, each binding two
    /// arrays (ids and documents) that `unnest` expands: it updates the documents of known ids
    /// whose value changed and inserts the others. (That is about half the server's work of
    /// `INSERT ... ON CONFLICT DO UPDATE`, whose speculative insertion dominates bulk loads.) An
    /// advisory lock serialises concurrent upserts, so two writers cannot insert one id twice.
    /// A document whose value is unchanged is not rewritten. Within a batch, the last document
    /// of an id wins.
    public func upsert(_ penguins: [Penguin]) async throws {
        let penguins = PostgresLake.lastOfEachID(penguins)
        guard !penguins.isEmpty else { return }
        var statements: [PostgresQuery] = []
        var writer = LakeDocumentWriter(capacity: 512)
        for chunk in stride(from: 0, to: penguins.count, by: PostgresLake.rowsPerStatement) {
            let end = min(chunk + PostgresLake.rowsPerStatement, penguins.count)
            var ids = PostgresArray(of: .text, capacity: (end - chunk) * 16)
            var documents = PostgresArray(of: .jsonb, capacity: (end - chunk) * 256)
            for penguin in penguins[chunk..<end] {
                ids.append(penguin.id)
                writer.write(penguin)
                writer.bytes.withUnsafeBufferPointer { documents.appendJSONB($0) }
            }
            statements.append("""
                WITH input AS (
                    SELECT * FROM unnest(\(ids), \(documents)) AS t(penguin_id, document)
                ), updated AS (
                    UPDATE lake SET document = input.document FROM input
                    WHERE lake.penguin_id = input.penguin_id AND lake.document IS DISTINCT FROM input.document
                )
                INSERT INTO lake (penguin_id, document)
                SELECT penguin_id, document FROM input
                WHERE NOT EXISTS (SELECT 1 FROM lake WHERE lake.penguin_id = input.penguin_id)
                """)
        }
        let batch = statements
        try await store.transaction(.lake) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('penguins-lake-upsert'))", logger: store.logger)
            try await PostgresStore.prepareBulkWrite(connection, logger: store.logger)
            for statement in batch { try await connection.query(statement, logger: store.logger) }
        }
    }

    /// The document of one penguin, or nil: a prepared statement on one of the store's read connections.
    public func document(id: String) async throws -> LakeDocument? {
        let text = try await store.read(.lake) { connection -> String? in
            try await connection.rows(PostgresLake.documentByID, [PostgresData(string: id)]).first?.decode(String.self)
        }
        return try text.map { try PostgresLake.document(id: id, text: $0) }
    }

    /// Documents ordered by id (byte order), after `after`, at most `limit`.
    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let rows = try await store.run(.lake) { client in
            let query: PostgresQuery = if let after {
                "SELECT penguin_id, document::text FROM lake WHERE penguin_id > \(after) ORDER BY penguin_id LIMIT \(limit)"
            } else {
                "SELECT penguin_id, document::text FROM lake ORDER BY penguin_id LIMIT \(limit)"
            }
            return try await PostgresLake.collect(client.query(query))
        }
        return try rows.map { try PostgresLake.document(id: $0.0, text: $0.1) }
    }

    /// Documents whose measurement `feature` equals `value`, ordered by id, at most `limit`.
    /// Answered from the GIN index on the documents' `features`.
    public func documents(where feature: Feature, equals value: Double, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let pattern = JSONValue.object([feature.documentKey: .number(value)]).jsonText
        let rows = try await store.run(.lake) { client in
            try await PostgresLake.collect(client.query("""
                SELECT penguin_id, document::text FROM lake
                WHERE document -> 'features' @> \(pattern)::jsonb ORDER BY penguin_id LIMIT \(limit)
                """))
        }
        return try rows.map { try PostgresLake.document(id: $0.0, text: $0.1) }
    }

    /// The number of documents.
    public func count() async throws -> Int {
        try await store.run(.lake) { client in try await PostgresStore.count(client, "SELECT count(*) FROM lake") }
    }

    /// The last penguin of each id, in the order of those last occurrences; a batch without
    /// repeats comes back unchanged. (An `INSERT ... ON CONFLICT` may not touch a row twice.)
    static func lastOfEachID(_ penguins: [Penguin]) -> [Penguin] {
        var lastIndex: [String: Int] = [:]
        lastIndex.reserveCapacity(penguins.count)
        for (index, penguin) in penguins.enumerated() { lastIndex[penguin.id] = index }
        guard lastIndex.count < penguins.count else { return penguins }
        return penguins.enumerated().filter { lastIndex[$0.element.id] == $0.offset }.map(\.element)
    }

    private static func collect(_ rows: PostgresRowSequence) async throws -> [(String, String)] {
        var result: [(String, String)] = []
        for try await row in rows.decode((String, String).self) { result.append(row) }
        return result
    }

    private static func document(id: String, text: String) throws -> LakeDocument {
        LakeDocument(id: id, body: try JSONTextParser.parse(text, what: "the lake document of \(id) (re-ingest its source file)"))
    }

    /// The point read of one document.
    private static let documentByID = "SELECT document::text FROM lake WHERE penguin_id = $1"
}

extension PostgresStore {
    /// Runs a `SELECT count(*) ...` and returns the count.
    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        for try await count in try await client.query(query).decode(Int.self) { return count }
        return 0
    }
}
