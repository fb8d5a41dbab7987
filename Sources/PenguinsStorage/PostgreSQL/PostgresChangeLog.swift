import Foundation
import PostgresNIO

/// A warehouse's change log in PostgreSQL: `table (sequence bigint identity, <idColumn> text,
/// changed_at double precision)`, written by the warehouse's upsert in the same transaction.
struct PostgresChangeLog: ChangeLog {
    let store: PostgresStore
    let table: String
    let idColumn: String

    func latestChange() async throws -> Int64 {
        let query = PostgresQuery(unsafeSQL: "SELECT COALESCE(max(sequence), 0) FROM \(table)")
        return try await store.run(.warehouse) { client in
            for try await latest in try await client.query(query).decode(Int64.self) { return latest }
            return 0
        }
    }

    /// The changes logged after `after`, at most `limit`, with the log's bounds, in one statement.
    func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        var binds = PostgresBindings()
        binds.append(after)
        binds.append(max(limit, 0) + 1)
        let query = PostgresQuery(unsafeSQL: """
            WITH bounds AS (SELECT min(sequence) AS oldest, max(sequence) AS latest FROM \(table))
            SELECT c.sequence, c.\(idColumn), bounds.oldest, bounds.latest
            FROM bounds LEFT JOIN LATERAL (
                SELECT sequence, \(idColumn) FROM \(table) WHERE sequence > $1 ORDER BY sequence LIMIT $2
            ) c ON true
            ORDER BY c.sequence
            """, binds: binds)
        return try await store.run(.warehouse) { client in
            var entries: [(sequence: Int64, id: String)] = []
            var oldest: Int64?
            var latest: Int64 = 0
            for try await (sequence, id, first, last) in try await client.query(query).decode((Int64?, String?, Int64?, Int64?).self) {
                oldest = first
                latest = last ?? 0
                if let sequence, let id { entries.append((sequence, id)) }
            }
            return .reading(entries, after: after, limit: limit, oldest: oldest, latest: latest)
        }
    }

    /// Drops change log entries older than `date`, keeping the newest.
    func pruneChanges(before date: Date) async throws {
        var binds = PostgresBindings()
        binds.append(date.timeIntervalSince1970)
        let query = PostgresQuery(
            unsafeSQL: "DELETE FROM \(table) WHERE changed_at < $1 AND sequence < (SELECT max(sequence) FROM \(table))", binds: binds)
        try await store.run(.warehouse) { client in try await client.query(query) }
    }
}
