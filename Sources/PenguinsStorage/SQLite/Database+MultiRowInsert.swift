import GRDB
import GRDBSQLite

extension Database {
    /// Inserts `rows` with `INSERT <head> VALUES (?, ...), (?, ...), ... <clause>`, many rows per
    /// execution: SQLite then opens its cursors and runs its statement prologue once per
    /// `rowsPerStatement` rows instead of once per row; ingestion into lake and warehouse measured
    /// 10 to 15% faster than one row per execution (256 rows did better than 64 and 1,024). Rows are inserted in order, so a later row of the same key behaves as if it had
    /// been inserted by its own statement (an `ON CONFLICT` clause sees the earlier one).
    ///
    /// - Parameters:
    ///   - head: the statement up to `VALUES`, such as `INSERT INTO lake (penguin_id, document)`.
    ///   - columnCount: the number of parameters of one row.
    ///   - clause: what follows the values, such as an `ON CONFLICT` clause; may be empty.
    ///   - bind: binds one row's parameters, given the 1-based index of its first parameter.
    /// - Returns: the rows the statements inserted or updated (SQLite's `changes()`, summed).
    @discardableResult
    func insertRows<Element>(
        _ rows: [Element], head: String, columnCount: Int, clause: String,
        rowsPerStatement: Int = 256,
        bind: (Statement, Element, Int32) -> Void
    ) throws -> Int {
        func statement(rowCount: Int) throws -> Statement {
            let row = "(" + Array(repeating: "?", count: columnCount).joined(separator: ", ") + ")"
            let values = Array(repeating: row, count: rowCount).joined(separator: ", ")
            return try makeStatement(sql: "\(head) VALUES \(values) \(clause)")
        }
        let full = rows.count >= rowsPerStatement ? try statement(rowCount: rowsPerStatement) : nil
        var start = rows.startIndex
        var changed = 0
        while start < rows.endIndex {
            let end = min(start + rowsPerStatement, rows.endIndex)
            let chunk = end - start == rowsPerStatement ? full! : try statement(rowCount: end - start)
            for (offset, index) in (start..<end).enumerated() {
                bind(chunk, rows[index], Int32(offset * columnCount + 1))
            }
            try chunk.stepToCompletion(in: self)
            changed += Int(sqlite3_changes(sqliteConnection))
            start = end
        }
        // No statement keeps pointing at the caller's bytes (``Statement/bindStaticText(_:at:)``).
        full?.clearBindings()
        return changed
    }
}
