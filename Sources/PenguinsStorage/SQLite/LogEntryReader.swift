import Foundation
import GRDB
import GRDBSQLite
import PenguinsCore

/// Reads prediction log rows through the SQLite C API. A drift history reads up to a million
/// of them: the inputs object is scanned byte by byte against the schema's feature and level
/// names, with no dictionary or string made per value, and the class and probabilities are read
/// as the warehouse's ``RecordColumnReader`` reads them. Inputs this scan does not take (an
/// escape, an unknown level) go through ``RecordCoding``'s general reading.
/// A class, so that the scan's closure shares it instead of copying its tables per row.
final class LogEntryReader: Sendable {
    let coding: RecordCoding
    private let columns: RecordColumnReader
    private let featureNames: [[UInt8]]
    private let kinds: [FeatureColumn.Kind]
    private let levels: [[[UInt8]]]

    init(schema: DatasetSchema) {
        coding = RecordCoding(schema: schema)
        columns = RecordColumnReader(schema: schema)
        featureNames = schema.features.map { Array($0.name.utf8) }
        kinds = schema.features.map(\.kind)
        levels = schema.features.map { $0.levels.map { Array($0.utf8) } }
    }

    /// The entry of the row at `handle`: columns id, inputs, predicted_class, probabilities,
    /// model_version, predicted_at.
    func entry(_ handle: SQLiteStatement) throws -> RecordLogEntry {
        let features = try bytes(handle, 1).flatMap { scanInputs($0) } ?? coding.features(inputs: text(handle, 1), entry: name(handle))
        let predicted = try columns.targetClass(handle, 2, id: name(handle))
        guard let probabilitiesText = sqlite3_column_text(handle, 3) else {
            throw StorageError.corrupt("\(name(handle)) of dataset \(coding.schema.name) has no probabilities")
        }
        let probabilities = try columns.probabilities(probabilitiesText, id: name(handle))
        return RecordLogEntry(features: features, prediction: RecordPrediction(
            predictedClass: predicted, probabilities: probabilities, modelVersion: Int(sqlite3_column_int64(handle, 4)),
            predictedAt: Date(timeIntervalSince1970: sqlite3_column_double(handle, 5))))
    }

    private func name(_ handle: SQLiteStatement) -> String { "prediction log entry \(sqlite3_column_int64(handle, 0))" }

    private func text(_ handle: SQLiteStatement, _ column: Int32) -> String {
        sqlite3_column_text(handle, column).map { String(cString: $0) } ?? ""
    }

    /// The column's text as bytes (NUL-terminated past `count`), or nil when null.
    private func bytes(_ handle: SQLiteStatement, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let start = sqlite3_column_text(handle, column) else { return nil }
        return UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column)))
    }

    private func match(_ bytes: UnsafeBufferPointer<UInt8>, in names: [[UInt8]]) -> Int? {
        names.firstIndex { $0.count == bytes.count && $0.withUnsafeBufferPointer { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 } }
    }

    /// Appends the row at `handle` (columns id, inputs, predicted_class, predicted_at) to
    /// `columns`; `scratch` holds one value per feature between rows.
    func appendColumns(_ handle: SQLiteStatement, to columns: inout LogColumns, scratch: inout [Double]) throws {
        if let text = bytes(handle, 1), scanInputs(text, into: &scratch) {
            for index in scratch.indices { columns.features[index].append(scratch[index]) }
        } else {
            let features = try coding.features(inputs: text(handle, 1), entry: name(handle))
            for index in columns.features.indices { columns.features[index].append(features[index] ?? .nan) }
        }
        columns.predictedClasses.append(try self.columns.targetClass(handle, 2, id: name(handle)))
        columns.times.append(sqlite3_column_double(handle, 3))
    }

    /// `{"feature": number | "level" | null, ...}`; nil when the text is not that.
    func scanInputs(_ text: UnsafeBufferPointer<UInt8>) -> [Double?]? {
        var values = [Double](repeating: .nan, count: featureNames.count)
        guard scanInputs(text, into: &values) else { return nil }
        return values.map { $0.isNaN ? nil : $0 }
    }

    /// Reads `{"feature": number | "level" | null, ...}` into `values`, one per feature, `nan`
    /// when missing; false when the text is not that.
    func scanInputs(_ text: UnsafeBufferPointer<UInt8>, into values: inout [Double]) -> Bool {
        for index in values.indices { values[index] = .nan }
        var scanner = ObjectScanner(bytes: text)
        return scanner.members { key, scanner in
            guard let index = match(key, in: featureNames) else { return scanner.skipScalar() }
            switch scanner.scalar() {
            case .number(let value)? where kinds[index] == .numeric: values[index] = value
            case .string(let level)? where kinds[index] == .categorical:
                guard let found = match(level, in: levels[index]) else { return false }
                values[index] = Double(found)
            case .null?: values[index] = .nan
            default: return false
            }
            return true
        }
    }
}

/// A JSON object of scalars, read in place: strings without escapes, numbers through `strtod`
/// (the text must be NUL-terminated, as SQLite's is), `null`, `true`, `false`.
struct ObjectScanner {
    enum Scalar {
        case number(Double)
        case string(UnsafeBufferPointer<UInt8>)
        case null
        case boolean
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Calls `body` with each member's key, positioned at its value, which `body` reads or skips;
    /// false when the text is not an object of scalars or `body` says so.
    mutating func members(_ body: (UnsafeBufferPointer<UInt8>, inout ObjectScanner) -> Bool) -> Bool {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return false }
        skipSpace()
        if take(UInt8(ascii: "}")) { return atEnd() }
        while true {
            skipSpace()
            guard let key = string() else { return false }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard body(key, &self) else { return false }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}")) && atEnd()
        }
    }

    /// The scalar at the cursor, or nil (an array, an object, an escape, malformed text).
    mutating func scalar() -> Scalar? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string().map(Scalar.string)
        case UInt8(ascii: "n"): return literal("null") ? .null : nil
        case UInt8(ascii: "t"): return literal("true") ? .boolean : nil
        case UInt8(ascii: "f"): return literal("false") ? .boolean : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let (value, length) = Self.shortDecimal(bytes, from: index) {
                index += length
                return .number(value)
            }
            let start = bytes.baseAddress! + index
            var end: UnsafeMutablePointer<CChar>?
            let value = start.withMemoryRebound(to: CChar.self, capacity: bytes.count - index) { strtod($0, &end) }
            let length = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? 0
            guard length > 0, value.isFinite else { return nil }
            index += length
            return .number(value)
        default: return nil
        }
    }

    /// A number of at most 15 significant digits and no exponent, as the log writes
    /// measurements: exactly the correctly rounded value, since both the digits and the power of
    /// ten are exact doubles and one division rounds once. Nil for anything else, which `strtod` reads.
    static func shortDecimal(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Double, Int)? {
        var index = start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var digits: UInt64 = 0, count = 0, fraction = -1
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits = digits * 10 + UInt64(byte - UInt8(ascii: "0"))
                count += 1
                if fraction >= 0 { fraction += 1 }
            } else if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
            } else {
                break
            }
            index += 1
        }
        guard count > 0, count <= 15, fraction != 0 else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") { return nil }
        var value = Double(digits)
        if fraction > 0 { value /= powersOfTen[fraction] }
        return (negative ? -value : value, index - start)
    }

    /// 10⁰ … 10¹⁵, each exact.
    private static let powersOfTen: [Double] = (0...15).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// Skips a scalar; false when there is none.
    mutating func skipScalar() -> Bool { scalar() != nil }

    private mutating func string() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return UnsafeBufferPointer(rebasing: bytes[start..<index - 1])
            case UInt8(ascii: "\\"): return nil
            default: index += 1
            }
        }
        return nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count, memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0 else { return false }
        index += count
        return true
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private func atEnd() -> Bool {
        var rest = index
        while rest < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[rest]) { rest += 1 }
        return rest == bytes.count
    }
}
