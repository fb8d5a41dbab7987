import Foundation
import PenguinsCore
import PostgresNIO

/// The document lake in PostgreSQL: table `lake (penguin_id, document jsonb, source_id,
/// source_line)`, with a GIN index (`jsonb_path_ops`) on `document -> 'features'` so documents
/// can be found by a measurement (``documents(where:equals:limit:)``). As in ``SQLiteLake``,
/// where a document was read from is kept apart (`lake_sources` holds each file and encoding
/// once) and put back as `_provenance` when it is read.
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
    public func upsert(_ batch: LakeBatch) async throws {
        let penguins = batch.penguins
        guard !penguins.isEmpty else { return }
        let source = batch.provenance.map(LakeSource.init)
        try await store.transaction(.lake) { connection in
            let logger = store.logger
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('penguins-lake-upsert:' || current_schema()))", logger: logger)
            try await PostgresStore.prepareBulkWrite(connection, logger: logger)
            var sourceID: Int32?
            if let source { sourceID = try await PostgresRecordLake.sourceID(of: source, on: connection, logger: logger) }
            for chunk in stride(from: 0, to: penguins.count, by: PostgresLake.rowsPerStatement) {
                let end = min(chunk + PostgresLake.rowsPerStatement, penguins.count)
                var ids = PostgresArray(of: .text, capacity: (end - chunk) * 16)
                var documents = PostgresArray(of: .jsonb, capacity: (end - chunk) * 256)
                var sourceColumn = PostgresArray(of: .int4, capacity: (end - chunk) * 8)
                var lines = PostgresArray(of: .int4, capacity: (end - chunk) * 8)
                for index in chunk..<end {
                    ids.append(penguins[index].id)
                    batch.documents.withUnsafeBufferPointer { documents.appendJSONB(UnsafeBufferPointer(rebasing: $0[batch.range(of: index)])) }
                    let line = sourceID == nil ? nil : penguins[index].sourceLine
                    sourceColumn.append(line == nil ? nil : sourceID)
                    lines.append(line.map { Int32(clamping: $0) })
                }
                try await connection.query("""
                    WITH input AS (
                        SELECT * FROM unnest(\(ids), \(documents), \(sourceColumn), \(lines)) AS t(penguin_id, document, source_id, source_line)
                    ), updated AS (
                        UPDATE lake SET document = input.document, source_id = input.source_id, source_line = input.source_line
                        FROM input
                        WHERE lake.penguin_id = input.penguin_id AND (lake.document IS DISTINCT FROM input.document
                            OR lake.source_id IS DISTINCT FROM input.source_id OR lake.source_line IS DISTINCT FROM input.source_line)
                    )
                    INSERT INTO lake (penguin_id, document, source_id, source_line)
                    SELECT penguin_id, document, source_id, source_line FROM input
                    WHERE NOT EXISTS (SELECT 1 FROM lake WHERE lake.penguin_id = input.penguin_id)
                    """, logger: logger)
            }
        }
    }

    /// The document of one penguin, or nil: a prepared statement on one of the store's read connections.
    public func document(id: String) async throws -> LakeDocument? {
        let row = try await store.read(.lake) { connection -> StoredRow? in
            try await connection.rows(PostgresLake.documentByID, [PostgresData(string: id)]).first?
                .decode(StoredRow.self)
        }
        return try row.map(PostgresLake.document)
    }

    /// Documents ordered by id (byte order), after `after`, at most `limit`.
    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let rows = try await store.run(.lake) { client in
            let query: PostgresQuery = if let after {
                "\(unescaped: PostgresLake.selection) WHERE l.penguin_id > \(after) ORDER BY l.penguin_id LIMIT \(limit)"
            } else {
                "\(unescaped: PostgresLake.selection) ORDER BY l.penguin_id LIMIT \(limit)"
            }
            return try await PostgresLake.collect(client.query(query))
        }
        return try rows.map(PostgresLake.document)
    }

    /// Documents whose measurement `feature` equals `value`, ordered by id, at most `limit`.
    /// Answered from the GIN index on the documents' `features`.
    public func documents(where feature: Feature, equals value: Double, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let pattern = JSONValue.object([feature.documentKey: .number(value)]).jsonText
        let rows = try await store.run(.lake) { client in
            try await PostgresLake.collect(client.query("""
                \(unescaped: PostgresLake.selection)
                WHERE l.document -> 'features' @> \(pattern)::jsonb ORDER BY l.penguin_id LIMIT \(limit)
                """))
        }
        return try rows.map(PostgresLake.document)
    }

    /// The number of documents.
    public func count() async throws -> Int {
        try await store.run(.lake, bulk: true) { client in try await PostgresStore.count(client, "SELECT count(*) FROM lake") }
    }

    /// A row of ``selection``: id, document text, source file, encoding and line (as text, which
    /// both the prepared point read and the extended protocol decode alike).
    private typealias StoredRow = (String, String, String?, String?, String?)

    /// The stored columns of a document, joined with its source.
    private static let selection = """
        SELECT l.penguin_id, l.document::text, s.file, s.encoding, l.source_line::text FROM lake l
        LEFT JOIN lake_sources s ON s.source_id = l.source_id
        """

    private static func collect(_ rows: PostgresRowSequence) async throws -> [StoredRow] {
        var result: [StoredRow] = []
        for try await row in rows.decode(StoredRow.self) { result.append(row) }
        return result
    }

    /// A stored row as the document it stores, its provenance put back.
    private static func document(_ row: StoredRow) throws -> LakeDocument {
        let (id, text, file, encoding, line) = row
        let body = try JSONTextParser.parse(text, what: "the lake document of \(id) (re-ingest its source file)")
        return LakeDocument(id: id, body: body.withProvenance(file: file, encoding: encoding, line: line.flatMap { Int($0) }))
    }

    /// The point read of one document.
    private static let documentByID = selection + " WHERE l.penguin_id = $1"
}

extension PostgresStore {
    /// Runs a `SELECT count(*) ...` and returns the count.
    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        for try await count in try await client.query(query).decode(Int.self) { return count }
        return 0
    }
}
