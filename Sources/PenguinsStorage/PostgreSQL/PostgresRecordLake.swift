import Foundation
import PenguinsCore
import PostgresNIO

/// The lake of one dataset in PostgreSQL: table `ds_<name>_lake (id, document jsonb, source_id,
/// source_line)` (for the default dataset, the first lake, `lake (penguin_id, ...)`), each
/// document in its layout (``LakeLayout``). Where a document was read from is kept apart
/// (`lake_sources` holds each file and encoding once) and put back as `_provenance` when it is
/// read.
///
/// A new field of a document needs no migration: the document is stored whole. JSONB keeps
/// the value, not the text: keys come back in JSONB's order, which ``LakeDocument/body``
/// (a `JSONValue`) does not depend on.
public struct PostgresRecordLake: RecordLake {
    let store: PostgresStore
    let tables: DatasetTables

    public var schema: DatasetSchema { tables.schema }

    /// Rows per statement.
    static let rowsPerStatement = 10_000

    /// Inserts or replaces documents, one statement per 10,000 documents, each binding four
    /// arrays (ids, documents, sources, lines) that `unnest` expands: it updates the documents
    /// of known ids whose value or source changed and inserts the others. (That is about half
    /// the server's work of `INSERT ... ON CONFLICT DO UPDATE`, whose speculative insertion
    /// dominates bulk loads.) An advisory lock serialises concurrent upserts of the table, so
    /// two writers cannot insert one id twice. Within a batch, the last record of an id wins.
    public func upsert(_ batch: LakeBatch) async throws {
        let records = batch.records
        guard !records.isEmpty else { return }
        let source = batch.provenance.map(LakeSource.init)
        let (table, id) = (tables.lake, tables.lakeIDColumn)
        try await store.transaction(.lake) { connection in
            let logger = store.logger
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\("penguins-lake-upsert:" + table) || current_schema()))", logger: logger)
            try await PostgresStore.prepareBulkWrite(connection, logger: logger)
            var sourceID: Int32?
            if let source { sourceID = try await PostgresRecordLake.sourceID(of: source, on: connection, logger: logger) }
            for chunk in stride(from: 0, to: records.count, by: PostgresRecordLake.rowsPerStatement) {
                let end = min(chunk + PostgresRecordLake.rowsPerStatement, records.count)
                var ids = PostgresArray(of: .text, capacity: (end - chunk) * 16)
                var documents = PostgresArray(of: .jsonb, capacity: (end - chunk) * 256)
                var sources = PostgresArray(of: .int4, capacity: (end - chunk) * 8)
                var lines = PostgresArray(of: .int4, capacity: (end - chunk) * 8)
                batch.documents.withUnsafeBufferPointer { texts in
                    for index in chunk..<end {
                        ids.append(records[index].id)
                        documents.appendJSONB(UnsafeBufferPointer(rebasing: texts[batch.range(of: index)]))
                        let line = sourceID == nil ? nil : records[index].sourceLine
                        sources.append(line == nil ? nil : sourceID)
                        lines.append(line.map { Int32(clamping: $0) })
                    }
                }
                try await connection.query("""
                    WITH input AS (
                        SELECT * FROM unnest(\(ids), \(documents), \(sources), \(lines)) AS t(id, document, source_id, source_line)
                    ), updated AS (
                        UPDATE \(unescaped: table) AS l SET document = input.document, source_id = input.source_id, source_line = input.source_line
                        FROM input
                        WHERE l.\(unescaped: id) = input.id AND (l.document IS DISTINCT FROM input.document
                            OR l.source_id IS DISTINCT FROM input.source_id OR l.source_line IS DISTINCT FROM input.source_line)
                    )
                    INSERT INTO \(unescaped: table) (\(unescaped: id), document, source_id, source_line)
                    SELECT id, document, source_id, source_line FROM input
                    WHERE NOT EXISTS (SELECT 1 FROM \(unescaped: table) AS l WHERE l.\(unescaped: id) = input.id)
                    """, logger: logger)
            }
        }
    }

    /// The `lake_sources` id of a (file, encoding), added when new.
    static func sourceID(of source: LakeSource, on connection: PostgresConnection, logger: Logger) async throws -> Int32? {
        try await connection.query("""
            INSERT INTO lake_sources (file, encoding) VALUES (\(source.file), \(source.encoding))
            ON CONFLICT (file, encoding) DO NOTHING
            """, logger: logger)
        let rows = try await connection.query(
            "SELECT source_id FROM lake_sources WHERE file = \(source.file) AND encoding = \(source.encoding)", logger: logger)
        for try await found in rows.decode(Int32.self) { return found }
        return nil
    }

    /// The stored columns of a document, joined with its source: id, document text, source
    /// file, encoding and line (as text, which both the prepared point read and the extended
    /// protocol decode alike).
    private var selection: String {
        """
        SELECT l.\(tables.lakeIDColumn), l.document::text, s.file, s.encoding, l.source_line::text FROM \(tables.lake) l
        LEFT JOIN lake_sources s ON s.source_id = l.source_id
        """
    }

    private typealias StoredRow = (String, String, String?, String?, String?)

    /// The document of one record, or nil: a prepared statement on one of the store's read connections.
    public func document(id: String) async throws -> LakeDocument? {
        let sql = "\(selection) WHERE l.\(tables.lakeIDColumn) = $1"
        let row = try await store.read(.lake) { connection -> StoredRow? in
            try await connection.rows(sql, [PostgresData(string: id)]).first?.decode(StoredRow.self)
        }
        return try row.map(PostgresRecordLake.document)
    }

    /// Documents ordered by id (byte order), after `after`, at most `limit`.
    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let (selection, id) = (selection, tables.lakeIDColumn)
        let rows = try await store.run(.lake) { client in
            let query: PostgresQuery = if let after {
                "\(unescaped: selection) WHERE l.\(unescaped: id) > \(after) ORDER BY l.\(unescaped: id) LIMIT \(limit)"
            } else {
                "\(unescaped: selection) ORDER BY l.\(unescaped: id) LIMIT \(limit)"
            }
            var rows: [StoredRow] = []
            for try await row in try await client.query(query).decode(StoredRow.self) { rows.append(row) }
            return rows
        }
        return try rows.map(PostgresRecordLake.document)
    }

    public func count() async throws -> Int {
        let table = tables.lake
        return try await store.run(.lake, bulk: true) { client in try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)") }
    }

    /// A stored row as the document it stores, its provenance put back.
    private static func document(_ row: StoredRow) throws -> LakeDocument {
        let (id, text, file, encoding, line) = row
        let body = try JSONTextParser.parse(text, what: "the lake document of \(id) (re-ingest its source file)")
        return LakeDocument(id: id, body: body.withProvenance(file: file, encoding: encoding, line: line.flatMap { Int($0) }))
    }
}

extension PostgresStore {
    /// Runs a `SELECT count(*) ...` and returns the count.
    static func count(_ client: PostgresClient, _ query: PostgresQuery) async throws -> Int {
        for try await count in try await client.query(query).decode(Int.self) { return count }
        return 0
    }
}
