import Foundation
import GRDB
import PenguinsCore

/// The document lake in SQLite: table `lake (penguin_id, document)` holding each penguin's
/// document as compact JSON text with sorted keys: the text of `penguin.document.jsonText`,
/// written by ``LakeDocumentWriter``.
///
/// New fields of a document need no migration: the document is stored whole.
public struct SQLiteLake: Lake {
    let pool: DatabasePool

    /// Inserts or replaces documents in one transaction. A row whose text is unchanged is not
    /// rewritten, so re-ingesting the same data changes no page.
    ///
    /// The documents are serialised before the write transaction starts, so a warehouse upsert
    /// of the same batch running concurrently (`async let`) overlaps with that work.
    public func upsert(_ penguins: [Penguin]) async throws {
        guard !penguins.isEmpty else { return }
        var writer = LakeDocumentWriter(capacity: penguins.count * 256)
        var documentEnds: [Int] = []
        documentEnds.reserveCapacity(penguins.count)
        for penguin in penguins {
            writer.append(penguin)
            documentEnds.append(writer.bytes.count)
        }
        let documents = writer.bytes
        let ends = documentEnds
        try await pool.write { db in
            try documents.withUnsafeBufferPointer { documents in
                try db.insertRows(
                    Array(penguins.indices),
                    head: "INSERT INTO lake (penguin_id, document)",
                    columnCount: 2,
                    clause: """
                        ON CONFLICT (penguin_id) DO UPDATE SET document = excluded.document
                        WHERE document <> excluded.document
                        """
                ) { statement, index, first in
                    let start = index == 0 ? 0 : ends[index - 1]
                    statement.bind(penguins[index].id, at: first)
                    statement.bindText(UnsafeBufferPointer(rebasing: documents[start..<ends[index]]), at: first + 1)
                }
            }
        }
    }

    /// The document of one penguin, or nil. A point lookup, run on the calling thread.
    public func document(id: String) async throws -> LakeDocument? {
        let text = try pool.readOnCallingThread { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT document FROM lake WHERE penguin_id = ?"), arguments: [id])
        }
        return try text.map { try SQLiteLake.document(id: id, text: $0) }
    }

    /// Documents ordered by id (byte order of the UTF-8 text), after `after`, at most `limit`.
    public func scan(after: String?, limit: Int) async throws -> [LakeDocument] {
        guard limit > 0 else { return [] }
        let rows: [(id: String, text: String)] = try await pool.read { db in
            let statement: Statement
            let arguments: StatementArguments
            if let after {
                statement = try db.cachedStatement(
                    sql: "SELECT penguin_id, document FROM lake WHERE penguin_id > ? ORDER BY penguin_id LIMIT ?"
                )
                arguments = [after, limit]
            } else {
                statement = try db.cachedStatement(sql: "SELECT penguin_id, document FROM lake ORDER BY penguin_id LIMIT ?")
                arguments = [limit]
            }
            return try Row.fetchAll(statement, arguments: arguments).map { row in (row[0], row[1]) }
        }
        return try rows.map { row in try SQLiteLake.document(id: row.id, text: row.text) }
    }

    /// The number of documents.
    public func count() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM lake") ?? 0 }
    }

    private static func document(id: String, text: String) throws -> LakeDocument {
        LakeDocument(
            id: id,
            body: try JSONTextParser.parse(text, what: "the lake document of \(id) (re-ingest its source file)")
        )
    }
}
