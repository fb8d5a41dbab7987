import Foundation
import GRDB

/// The quarantine of a dataset in SQLite: table `ds_<name>_quarantine` (the default dataset's,
/// the first one, `quarantine`), unique on (file, line). Appending a row for a (file, line)
/// already present replaces it, so re-ingesting a file adds nothing.
public struct SQLiteQuarantine: Quarantine {
    let pool: DatabasePool
    /// The table: `quarantine`, or a dataset's.
    var table = "quarantine"

    /// Appends rows in one transaction, replacing earlier rows of the same (file, line).
    /// A replaced row counts as new for ``rows(limit:)``.
    public func append(_ rows: [QuarantinedRow]) async throws {
        guard !rows.isEmpty else { return }
        try await pool.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO \(table) (file, line, raw_text, reason, quarantined_at) VALUES (?, ?, ?, ?, ?)
                """)
            for row in rows {
                statement.bind(row.file, at: 1)
                statement.bind(row.line, at: 2)
                statement.bind(row.rawText, at: 3)
                statement.bind(row.reason, at: 4)
                statement.bind(row.quarantinedAt.timeIntervalSince1970, at: 5)
                try statement.stepToCompletion(in: db)
            }
        }
    }

    /// Removes the rows of `file` whose line is not in `lines`, in one statement (the kept lines
    /// travel as one JSON array).
    @discardableResult
    public func release(file: String, keepingLines lines: Set<Int>) async throws -> Int {
        let kept = "[" + lines.sorted().map(String.init).joined(separator: ",") + "]"
        return try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM \(table) WHERE file = ? AND line NOT IN (SELECT value FROM json_each(?))",
                arguments: [file, kept]
            )
            return db.changesCount
        }
    }

    /// Newest first (by quarantine time, then by append order), at most `limit`.
    public func rows(limit: Int) async throws -> [QuarantinedRow] {
        guard limit > 0 else { return [] }
        return try await pool.readInBackground { db in
            try Row.fetchAll(db, sql: """
                SELECT file, line, raw_text, reason, quarantined_at FROM \(table)
                ORDER BY quarantined_at DESC, id DESC LIMIT ?
                """, arguments: [limit]).map { row in
                QuarantinedRow(
                    file: row[0], line: row[1], rawText: row[2], reason: row[3],
                    quarantinedAt: Date(timeIntervalSince1970: row[4])
                )
            }
        }
    }

    /// The number of quarantined rows.
    public func count() async throws -> Int {
        try await pool.readInBackground { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}
