import GRDB
import GRDBSQLite

/// Tells SQLite to copy a bound string before the binding call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// Argument binding straight through the SQLite C API, for the statements of bulk writes:
/// no `StatementArguments` array and no `DatabaseValue` per argument. Strings are copied by
/// SQLite, so they may change as soon as the call returns; bytes bound with
/// ``bindStaticText(_:at:)`` are read in place. Parameter indexes are 1-based, as in SQLite.
extension Statement {
    /// Binds a string as text.
    func bind(_ value: String, at index: Int32) {
        var value = value
        value.withUTF8 { bytes in
            if let base = bytes.baseAddress {
                _ = sqlite3_bind_text(sqliteStatement, index, base, Int32(bytes.count), sqliteTransient)
            } else {
                _ = sqlite3_bind_text(sqliteStatement, index, "", 0, sqliteTransient)
            }
        }
    }

    /// Binds UTF-8 bytes as text that SQLite reads in place: the bytes must stay where they are,
    /// unchanged, until the parameter is bound again or the statement is finalized (see
    /// ``clearBindings()``).
    func bindStaticText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        bytes.withMemoryRebound(to: CChar.self) { text in
            if let base = text.baseAddress, !text.isEmpty {
                _ = sqlite3_bind_text(sqliteStatement, index, base, Int32(text.count), nil)
            } else {
                _ = sqlite3_bind_text(sqliteStatement, index, "", 0, sqliteTransient)
            }
        }
    }

    /// Sets every parameter to NULL, so that none points at bytes bound in place any more.
    func clearBindings() {
        _ = sqlite3_clear_bindings(sqliteStatement)
    }

    /// Binds a string as text, or NULL.
    func bind(_ value: String?, at index: Int32) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }

    /// Binds a number as REAL, or NULL.
    func bind(_ value: Double?, at index: Int32) {
        if let value { _ = sqlite3_bind_double(sqliteStatement, index, value) } else { bindNull(at: index) }
    }

    /// Binds an INTEGER.
    func bind(_ value: Int, at index: Int32) {
        _ = sqlite3_bind_int64(sqliteStatement, index, Int64(value))
    }

    /// Binds NULL.
    func bindNull(at index: Int32) {
        _ = sqlite3_bind_null(sqliteStatement, index)
    }

    /// Runs the statement to completion with its current bindings and resets it for the next
    /// execution. Throws the `DatabaseError` SQLite reports (a constraint violation, a full disk, ...).
    func stepToCompletion(in db: Database) throws {
        let code = sqlite3_step(sqliteStatement)
        if code != SQLITE_DONE && code != SQLITE_ROW {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(sqliteStatement)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
        }
        sqlite3_reset(sqliteStatement)
    }
}
