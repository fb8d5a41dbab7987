import Foundation
import GRDB
import GRDBSQLite

/// A warehouse's insertion log in SQLite (`ds_<name>_insertions`: a row per upsert, its data
/// version and inserted ids as a JSON array, or NULL), written by each upsert in its transaction.
struct SQLiteInsertionLog {
    let table: String
    let dataVersion: String
    /// The upserts the log remembers; a reader further behind reads all the records again.
    static let retained = 256

    /// Logs an upsert of `ids` that wrote `written` rows, `updated` of them stored records,
    /// at the data version the upsert has just made.
    func record(_ db: Database, written: Int, updated: Int, ids: [String]) throws {
        guard written > 0 else { return }
        // Only an upsert that inserted every record it was given is known record by record.
        let inserted: String? = updated == 0 && written == ids.count ? Self.jsonArray(ids) : nil
        try db.execute(sql: "INSERT OR REPLACE INTO \(table) (version, ids) SELECT version, ? FROM \(dataVersion)", arguments: [inserted])
        // Beyond the retained upserts, the oldest one kept stands for all before it: unknown.
        let sql = "SELECT version FROM \(table) ORDER BY version DESC LIMIT 1 OFFSET \(Self.retained - 1)"
        if let oldest = try Int64.fetchOne(db, sql: sql) {
            try db.execute(sql: "DELETE FROM \(table) WHERE version < ?", arguments: [oldest])
            try db.execute(sql: "UPDATE \(table) SET ids = NULL WHERE version = ?", arguments: [oldest])
        }
    }

    /// `strings` as a JSON array: quoted as they are when no character needs escaping (ids
    /// rarely have one), else through the encoder.
    static func jsonArray(_ strings: [String]) -> String {
        let plain = strings.allSatisfy { string in
            string.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        }
        guard plain else { return String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self) }
        return "[\"" + strings.joined(separator: "\",\"") + "\"]"
    }
}

/// A read of a warehouse's ids, classes and features (and, when asked, batch predictions)
/// into ``RecordColumns``; `select` ends at its `FROM` clause, for the caller to add a
/// condition or an order.
struct ColumnRead {
    let select: String
    let reader: RecordColumnReader
    let featureIndices: [Int]
    let predictions: Bool

    func run(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> RecordColumns {
        var result = RecordColumns(features: Array(repeating: [], count: featureIndices.count))
        _ = try run(db, sql: sql, arguments: arguments, chunk: .max) { result = $0; return true }
        return result
    }

    /// Reads the rows `chunk` at a time, handing each chunk (and the last, shorter one) to
    /// `body`, which answers false to stop the read. Answers whether the read went to the end.
    func run(
        _ db: Database, sql: String, arguments: StatementArguments = [], chunk: Int, _ body: (RecordColumns) throws -> Bool
    ) throws -> Bool {
        let predictionColumn = Int32(2 + featureIndices.count)
        var result = RecordColumns(features: Array(repeating: [], count: featureIndices.count))
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        var stopped = false
        try RecordColumnReader.forEachRow(statement, while: { handle in
            let id = reader.text(handle, 0) ?? ""
            result.ids.append(id)
            result.targetClasses.append(try reader.targetClass(handle, 1, id: id))
            for (column, index) in featureIndices.enumerated() {
                result.features[column].append(try reader.feature(index, handle, Int32(column + 2), id: id) ?? .nan)
            }
            if predictions {
                let scored = sqlite3_column_type(handle, predictionColumn) != SQLITE_NULL
                result.predictedClasses.append(scored ? try reader.targetClass(handle, predictionColumn, id: id) : -1)
                result.modelVersions.append(scored ? Int(sqlite3_column_int64(handle, predictionColumn + 1)) : -1)
            }
            if result.count >= chunk {
                guard try body(result) else { stopped = true; return false }
                result.removeAll(keepingCapacity: true)
            }
            return true
        })
        if stopped { return false }
        return result.count == 0 && chunk != .max ? true : try body(result)
    }
}
