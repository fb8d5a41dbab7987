/// The quarantine held in memory, for tests and `memory://` stores. Same semantics as
/// ``SQLiteQuarantine``: one row per (file, line), a re-appended row replaces the old one and
/// counts as new.
public actor MemoryQuarantine: Quarantine {
    private struct Key: Hashable {
        var file: String
        var line: Int
    }

    /// Rows with the append sequence number that breaks ties between equal times.
    private var rowsByKey: [Key: (row: QuarantinedRow, sequence: Int)] = [:]
    private var nextSequence = 0

    /// An empty quarantine.
    public init() {}

    /// Appends rows, replacing earlier rows of the same (file, line).
    public func append(_ rows: [QuarantinedRow]) {
        for row in rows {
            rowsByKey[Key(file: row.file, line: row.line)] = (row, nextSequence)
            nextSequence += 1
        }
    }

    /// Removes the rows of `file` whose line is not in `lines`; returns how many were removed.
    @discardableResult
    public func release(file: String, keepingLines lines: Set<Int>) -> Int {
        let released = rowsByKey.keys.filter { $0.file == file && !lines.contains($0.line) }
        for key in released { rowsByKey[key] = nil }
        return released.count
    }

    /// Newest first (by quarantine time, then by append order), at most `limit`.
    public func rows(limit: Int) -> [QuarantinedRow] {
        rowsByKey.values
            .sorted { lhs, rhs in
                lhs.row.quarantinedAt != rhs.row.quarantinedAt
                    ? lhs.row.quarantinedAt > rhs.row.quarantinedAt
                    : lhs.sequence > rhs.sequence
            }
            .prefix(max(limit, 0))
            .map(\.row)
    }

    /// The number of quarantined rows.
    public func count() -> Int {
        rowsByKey.count
    }
}
