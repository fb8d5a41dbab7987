import Foundation
import GRDB
import GRDBSQLite
import PenguinsCore

/// Reads a dataset warehouse's rows through the SQLite C API. Whole-warehouse reads (training,
/// scoring, statistics) decode millions of values, and GRDB's `Row` costs several times more per
/// value; class and level names are matched as bytes, without making a string of each.
struct RecordColumnReader {
    let schema: DatasetSchema
    /// Each class name's UTF-8 bytes, by class index.
    private let classes: [[UInt8]]
    /// Each categorical feature's level names' bytes, by feature index (empty for numeric ones).
    private let levels: [[[UInt8]]]
    /// The general reading of stored values, for text the byte-wise reads do not take.
    private let coding: RecordCoding

    init(schema: DatasetSchema) {
        self.schema = schema
        coding = RecordCoding(schema: schema)
        classes = schema.target.classes.map { Array($0.utf8) }
        levels = schema.features.map { $0.levels.map { Array($0.utf8) } }
    }

    /// Steps `statement` (its arguments set) to the end, handing each row's handle to `body`.
    static func forEachRow(_ statement: Statement, _ body: (SQLiteStatement) throws -> Void) throws {
        try forEachRow(statement, while: { try body($0); return true })
    }

    /// Steps through the rows of `statement` while `body` answers true.
    static func forEachRow(_ statement: Statement, while body: (SQLiteStatement) throws -> Bool) throws {
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw StorageError.corrupt("reading the warehouse failed with SQLite code \(code)") }
            guard try body(handle) else { return }
        }
    }

    /// The text of `column`, or nil when it is null.
    func text(_ handle: SQLiteStatement, _ column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }

    /// The number in `column`, or nil when it is null.
    func number(_ handle: SQLiteStatement, _ column: Int32) -> Double? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_double(handle, column)
    }

    /// The class index of the class name in `column`.
    func targetClass(_ handle: SQLiteStatement, _ column: Int32, id: @autoclosure () -> String) throws -> Int {
        guard let index = match(handle, column, in: classes) else { throw unknown("class", handle, column, id: id()) }
        return index
    }

    /// The value of feature `feature` in `column`: the number, or the level index of a
    /// categorical feature; nil when null.
    func feature(_ feature: Int, _ handle: SQLiteStatement, _ column: Int32, id: @autoclosure () -> String) throws -> Double? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
        switch schema.features[feature].kind {
        case .numeric: return sqlite3_column_double(handle, column)
        case .categorical:
            guard let index = match(handle, column, in: levels[feature]) else {
                throw unknown(schema.features[feature].name, handle, column, id: id())
            }
            return Double(index)
        }
    }

    /// The stored record of a row selecting the id, the target, every feature and then the
    /// prediction columns (class, probabilities, model version, time), from `first` on.
    func storedRecord(_ handle: SQLiteStatement) throws -> StoredRecord {
        let id = text(handle, 0) ?? ""
        let count = schema.features.count
        var features = [Double?](repeating: nil, count: count)
        for index in 0..<count { features[index] = try feature(index, handle, Int32(2 + index), id: id) }
        let record = DatasetRecord(id: id, targetClass: try targetClass(handle, 1, id: id), features: features)
        let base = Int32(2 + count)
        guard sqlite3_column_type(handle, base) != SQLITE_NULL else { return StoredRecord(record: record, prediction: nil) }
        guard let predicted = match(handle, base, in: classes), let probabilities = sqlite3_column_text(handle, base + 1),
              sqlite3_column_type(handle, base + 2) != SQLITE_NULL, let time = number(handle, base + 3)
        else { throw StorageError.corrupt("the prediction columns of \(id) in dataset \(schema.name) are incomplete; score the dataset again") }
        let prediction = RecordPrediction(
            predictedClass: predicted, probabilities: try self.probabilities(probabilities, id: id),
            modelVersion: Int(sqlite3_column_int64(handle, base + 2)), predictedAt: Date(timeIntervalSince1970: time)
        )
        return StoredRecord(record: record, prediction: prediction)
    }

    /// Probabilities by class index from their stored text, a flat JSON object of class names
    /// and numbers: read byte by byte when written as ``ProbabilityText`` writes it, else by the
    /// JSON parser. A class the text lacks gets 0.
    func probabilities(_ text: UnsafePointer<UInt8>, id: String) throws -> [Double] {
        if let flat = flatProbabilities(text) { return flat }
        return try coding.probabilities(String(cString: text), id: id)
    }

    /// `{"name":number,...}` with no spaces, or nil for any other spelling.
    private func flatProbabilities(_ start: UnsafePointer<UInt8>) -> [Double]? {
        var cursor = start
        guard cursor.pointee == UInt8(ascii: "{") else { return nil }
        cursor += 1
        var result = [Double](repeating: 0, count: classes.count)
        while cursor.pointee != UInt8(ascii: "}") {
            guard cursor.pointee == UInt8(ascii: "\"") else { return nil }
            cursor += 1
            let nameStart = cursor
            while cursor.pointee != UInt8(ascii: "\""), cursor.pointee != 0 { cursor += 1 }
            guard cursor.pointee == UInt8(ascii: "\"") else { return nil }
            let name = UnsafeBufferPointer(start: nameStart, count: cursor - nameStart)
            guard let index = classes.firstIndex(where: { $0.elementsEqual(name) }) else { return nil }
            cursor += 1
            guard cursor.pointee == UInt8(ascii: ":") else { return nil }
            cursor += 1
            var end: UnsafeMutablePointer<CChar>?
            let value = cursor.withMemoryRebound(to: CChar.self, capacity: 1) { strtod($0, &end) }
            guard let end else { return nil }
            let consumed = UnsafeRawPointer(end) - UnsafeRawPointer(cursor)
            guard consumed > 0 else { return nil }
            cursor += consumed
            result[index] = value
            if cursor.pointee == UInt8(ascii: ",") { cursor += 1 } else if cursor.pointee != UInt8(ascii: "}") { return nil }
        }
        cursor += 1
        return cursor.pointee == 0 ? result : nil
    }

    /// The index of the name in `column` among `names`, compared as bytes.
    private func match(_ handle: SQLiteStatement, _ column: Int32, in names: [[UInt8]]) -> Int? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let stored = UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))
        return names.firstIndex { $0.elementsEqual(stored) }
    }

    private func unknown(_ what: String, _ handle: SQLiteStatement, _ column: Int32, id: String) -> StorageError {
        .corrupt("the \(what) \"\(text(handle, column) ?? "")\" stored for \(id) in dataset \(schema.name) is not in its schema; register the schema the data was ingested with, or ingest the data again")
    }
}
