import Foundation
import GRDB
import PenguinsCore

/// The document lake in SQLite: table `lake (penguin_id, document, source_id, source_line)`
/// holding each penguin's document as compact JSON text with sorted keys (the text of
/// `penguin.document.jsonText` without `_provenance`, written by ``LakeDocumentWriter``), and
/// where it was read from: `source_id` names a (file, encoding) of `lake_sources`, `source_line`
/// the line. Reads put `_provenance` back, so a document reads as `penguin.document`.
///
/// New fields of a document need no migration: the document is stored whole.
public struct SQLiteLake: Lake {
    let pool: DatabasePool

    /// Inserts or replaces documents in one transaction. A row whose text and source are
    /// unchanged is not rewritten, so re-ingesting the same data changes no page.
    public func upsert(_ batch: LakeBatch) async throws {
        guard !batch.penguins.isEmpty else { return }
        let source = batch.provenance.map(LakeSource.init)
        let ids = BoundTexts(batch.penguins.map(\.id)), lines = batch.penguins.map(\.sourceLine)
        try await pool.write { db in
            let sourceID = try source.flatMap { try SQLiteRecordLake.sourceID(of: $0, in: db) }
            try db.upsertLakeDocuments(
                table: "lake", idColumn: "penguin_id", ids: ids, lines: lines, documents: batch.documents, ends: batch.ends, sourceID: sourceID)
        }
    }

    /// The stored columns of a document, joined with its source.
    private static let selection = """
        SELECT l.penguin_id, l.document, s.file, s.encoding, l.source_line FROM lake l
        LEFT JOIN lake_sources s ON s.source_id = l.source_id
        """

    /// The document of one penguin, or nil. A point lookup, run on the calling thread.
    public func document(id: String) async throws -> LakeDocument? {
        let row = try pool.readOnCallingThread { db in
            try Row.fetchOne(db.cachedStatement(sql: "\(SQLiteLake.selection) WHERE l.penguin_id = ?"), arguments: [id])
        }
        return try row.map(SQLiteLake.document)
    }

    /// Documents ordered by id (byte order of the UTF-8 text), after `after`, at most `limit`.
    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        return try await pool.readInBackground { db in
            if let after {
                return try Row.fetchAll(
                    db.cachedStatement(sql: "\(SQLiteLake.selection) WHERE l.penguin_id > ? ORDER BY l.penguin_id LIMIT ?"),
                    arguments: [after, limit]).map(SQLiteLake.document)
            }
            return try Row.fetchAll(db.cachedStatement(sql: "\(SQLiteLake.selection) ORDER BY l.penguin_id LIMIT ?"), arguments: [limit]).map(SQLiteLake.document)
        }
    }

    /// The number of documents.
    public func count() async throws -> Int {
        try await pool.readInBackground { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lake") ?? 0 }
    }

    /// A row of ``selection`` as the document it stores, its provenance put back.
    private static func document(_ row: Row) throws -> LakeDocument {
        let id: String = row[0]
        let body = try JSONTextParser.parse(row[1], what: "the lake document of \(id) (re-ingest its source file)")
        return LakeDocument(id: id, body: body.withProvenance(file: row[2], encoding: row[3], line: row[4]))
    }
}
