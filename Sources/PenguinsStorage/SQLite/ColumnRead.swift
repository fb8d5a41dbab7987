import GRDB
import GRDBSQLite

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
        return result.count == 0 ? true : try body(result)
    }
}
