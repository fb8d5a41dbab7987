import Foundation
import GRDB
import PenguinsCore

/// The lake of one dataset in SQLite: table `ds_<name>_lake (id, document, source_id,
/// source_line)` (for the default dataset, the first lake, `lake (penguin_id, ...)`), each
/// document as compact JSON text with sorted keys in its layout (``LakeLayout``), and where it
/// was read from kept in columns: `source_id` names a (file, encoding) of the shared
/// `lake_sources`, `source_line` the line. Reads put `_provenance` back.
///
/// New fields of a document need no migration: the document is stored whole.
public struct SQLiteRecordLake: RecordLake {
    let pool: DatabasePool
    let tables: DatasetTables

    public var schema: DatasetSchema { tables.schema }

    /// Inserts or replaces documents in one transaction; an unchanged row is not rewritten.
    public func upsert(_ batch: LakeBatch) async throws {
        guard !batch.records.isEmpty else { return }
        let source = batch.provenance.map(LakeSource.init)
        let (table, idColumn) = (tables.lake, tables.lakeIDColumn)
        let ids = BoundTexts(batch.records.map(\.id)), lines = batch.records.map(\.sourceLine)
        try await pool.write { db in
            let sourceID = try source.flatMap { try SQLiteRecordLake.sourceID(of: $0, in: db) }
            try db.upsertLakeDocuments(
                table: table, idColumn: idColumn, ids: ids, lines: lines, documents: batch.documents, ends: batch.ends, sourceID: sourceID)
        }
    }

    /// The `lake_sources` id of a (file, encoding), added when new.
    static func sourceID(of source: LakeSource, in db: Database) throws -> Int? {
        try db.execute(
            sql: "INSERT INTO lake_sources (file, encoding) VALUES (?, ?) ON CONFLICT (file, encoding) DO NOTHING",
            arguments: [source.file, source.encoding])
        return try Int.fetchOne(
            db, sql: "SELECT source_id FROM lake_sources WHERE file = ? AND encoding = ?", arguments: [source.file, source.encoding])
    }

    private var selection: String {
        "SELECT l.\(tables.lakeIDColumn), l.document, s.file, s.encoding, l.source_line FROM \(tables.lake) l LEFT JOIN lake_sources s ON s.source_id = l.source_id"
    }

    public func document(id: String) async throws -> LakeDocument? {
        let sql = "\(selection) WHERE l.\(tables.lakeIDColumn) = ?"
        // A point read, run on the calling thread (see `readOnCallingThread`).
        return try pool.readOnCallingThread { db in try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [id]).map(SQLiteRecordLake.document) }
    }

    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let (selection, id) = (selection, tables.lakeIDColumn)
        return try await pool.readInBackground { db in
            if let after {
                return try Row.fetchAll(db.cachedStatement(sql: "\(selection) WHERE l.\(id) > ? ORDER BY l.\(id) LIMIT ?"), arguments: [after, limit]).map(SQLiteRecordLake.document)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "\(selection) ORDER BY l.\(id) LIMIT ?"), arguments: [limit]).map(SQLiteRecordLake.document)
        }
    }

    public func count() async throws -> Int {
        let sql = "SELECT COUNT(*) FROM \(tables.lake)"
        return try await pool.readInBackground { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    private static func document(_ row: Row) throws -> LakeDocument {
        let id: String = row[0]
        let body = try JSONTextParser.parse(row[1], what: "the lake document of \(id) (re-ingest its source file)")
        return LakeDocument(id: id, body: body.withProvenance(file: row[2], encoding: row[3], line: row[4]))
    }
}

extension Database {
    /// Inserts or replaces lake rows, many a statement: each id (text `i` of `ids`) with its
    /// document (the bytes of `documents` from the previous row's end to `ends[i]`) and, when the batch has a
    /// source, its line. A row whose text and source are unchanged is not rewritten, so
    /// re-ingesting the same data changes no page.
    func upsertLakeDocuments(
        table: String, idColumn: String, ids: BoundTexts, lines: [Int?], documents: [UInt8], ends: [Int], sourceID: Int?
    ) throws {
        let clause = """
            ON CONFLICT (\(idColumn)) DO UPDATE SET
                document = excluded.document, source_id = excluded.source_id, source_line = excluded.source_line
            WHERE document <> excluded.document OR source_id IS NOT excluded.source_id
                OR source_line IS NOT excluded.source_line
            """
        let head = "INSERT INTO \(table) (\(idColumn), document, source_id, source_line)"
        _ = try documents.withUnsafeBufferPointer { documents in
            try ids.bytes.withUnsafeBufferPointer { idBytes in
                try insertRows(Array(lines.indices), head: head, columnCount: 4, clause: clause) { statement, index, first in
                    let start = index == 0 ? 0 : ends[index - 1]
                    statement.bindStaticText(UnsafeBufferPointer(rebasing: idBytes[ids.range(index)]), at: first)
                    statement.bindStaticText(UnsafeBufferPointer(rebasing: documents[start..<ends[index]]), at: first + 1)
                    if let sourceID, let line = lines[index] {
                        statement.bind(sourceID, at: first + 2)
                        statement.bind(line, at: first + 3)
                    } else {
                        statement.bindNull(at: first + 2)
                        statement.bindNull(at: first + 3)
                    }
                }
            }
        }
    }
}
