import Foundation
import PostgresNIO

/// The quarantine of a dataset in PostgreSQL: table `ds_<name>_quarantine` (the default
/// dataset's, the first one, `quarantine`), unique on (file, line). Appending a row for a
/// (file, line) already present replaces it and gives it a new position in the append order,
/// so it counts as new for ``rows(limit:)``, as in ``SQLiteQuarantine``.
public struct PostgresQuarantine: Quarantine {
    let store: PostgresStore
    /// The table: `quarantine`, or a dataset's.
    var table = "quarantine"

    /// Appends rows in one statement, replacing earlier rows of the same (file, line); within a
    /// batch, the last row of a (file, line) wins.
    public func append(_ rows: [QuarantinedRow]) async throws {
        struct Key: Hashable { var file: String; var line: Int }
        var lastIndex: [Key: Int] = [:]
        for (index, row) in rows.enumerated() { lastIndex[Key(file: row.file, line: row.line)] = index }
        let unique = rows.enumerated().filter { lastIndex[Key(file: $0.element.file, line: $0.element.line)] == $0.offset }.map(\.element)
        guard !unique.isEmpty else { return }
        var files = PostgresArray(of: .text, capacity: unique.count * 16)
        var lines = PostgresArray(of: .int4, capacity: unique.count * 8)
        var texts = PostgresArray(of: .text, capacity: unique.count * 64)
        var reasons = PostgresArray(of: .text, capacity: unique.count * 64)
        var times = PostgresArray(of: .float8, capacity: unique.count * 12)
        for row in unique {
            files.append(row.file)
            lines.append(Int32(clamping: row.line))
            texts.append(row.rawText)
            reasons.append(row.reason)
            times.append(row.quarantinedAt.timeIntervalSince1970)
        }
        let statement: PostgresQuery = """
            INSERT INTO \(unescaped: table) AS q (file, line, raw_text, reason, quarantined_at)
            SELECT file, line, raw_text, reason, quarantined_at
            FROM unnest(\(files), \(lines), \(texts), \(reasons), \(times)) WITH ORDINALITY
                AS t(file, line, raw_text, reason, quarantined_at, position)
            ORDER BY position
            ON CONFLICT (file, line) DO UPDATE SET
                raw_text = EXCLUDED.raw_text, reason = EXCLUDED.reason, quarantined_at = EXCLUDED.quarantined_at,
                id = nextval(pg_get_serial_sequence(\(table), 'id'))
            """
        try await store.run(.quarantine) { client in try await client.query(statement) }
    }

    /// Removes the rows of `file` whose line is not in `lines`, in one statement.
    @discardableResult
    public func release(file: String, keepingLines lines: Set<Int>) async throws -> Int {
        var kept = PostgresArray(of: .int4, capacity: lines.count * 8)
        for line in lines.sorted() { kept.append(Int32(clamping: line)) }
        let statement: PostgresQuery = """
            WITH released AS (
                DELETE FROM \(unescaped: table) WHERE file = \(file) AND NOT (line = ANY(\(kept))) RETURNING 1
            )
            SELECT count(*) FROM released
            """
        return try await store.run(.quarantine) { client in try await PostgresStore.count(client, statement) }
    }

    /// Newest first (by quarantine time, then by append order), at most `limit`.
    public func rows(limit: Int) async throws -> [QuarantinedRow] {
        guard limit > 0 else { return [] }
        return try await store.run(.quarantine) { client in
            let rows = try await client.query("""
                SELECT file, line, raw_text, reason, quarantined_at FROM \(unescaped: table)
                ORDER BY quarantined_at DESC, id DESC LIMIT \(limit)
                """)
            var result: [QuarantinedRow] = []
            for try await (file, line, rawText, reason, quarantinedAt) in rows.decode((String, Int, String, String, Double).self) {
                result.append(QuarantinedRow(
                    file: file, line: line, rawText: rawText, reason: reason, quarantinedAt: Date(timeIntervalSince1970: quarantinedAt)
                ))
            }
            return result
        }
    }

    /// The number of quarantined rows.
    public func count() async throws -> Int {
        try await store.run(.quarantine, bulk: true) { client in try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)") }
    }
}
