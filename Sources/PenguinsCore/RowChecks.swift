/// Why one row is refused, thrown while a parser cleans it; the reason goes to the quarantine.
struct RowRejection: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// FNV-1a 64 over the parts of a cleaned row, each followed by a unit separator byte: the
/// content id the schema's parser gives a row that has no id column, and the name of a dataset's
/// change-log trigger step (over its column names).
public struct ContentHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds `text`'s UTF-8 bytes, then a unit separator.
    public mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        value ^= 0x1F
        value &*= 0x0000_0100_0000_01b3
    }
}

/// The checks of a row's fields, with their messages, shared by the schema's parser and its validator.
enum RowChecks {
    /// Refuses a record that cannot be read field by field: bytes that are not the file's
    /// UTF-8, or another number of fields than the header has.
    static func checkShape(of record: CSVRecord, columnCount: Int) throws(RowRejection) {
        if record.hasInvalidUTF8 {
            throw RowRejection(
                "the line is not valid UTF-8 (shown here read as Windows-1252); if the file is Windows-1252, "
                    + "ingest it with --encoding windows-1252, else fix the line's bytes")
        }
        guard record.fields.count == columnCount else {
            throw RowRejection("expected \(columnCount) fields as in the header, found \(record.fields.count)")
        }
    }

    /// A finite number written with `decimalMark`, or a rejection naming `column`. With a
    /// decimal comma, a point is refused: it may group thousands (`3.750`).
    static func number(_ text: String, column: @autoclosure () -> String, decimalMark: CSVDialect.DecimalMark) throws(RowRejection) -> Double {
        let comma = UInt8(ascii: ","), point = UInt8(ascii: ".")
        var written = text
        if decimalMark == .comma {
            if text.utf8.contains(point) {
                throw RowRejection(
                    "\(column()): \(quoted(text)) has a \".\" but the file's decimal mark is \",\" "
                        + "(a \".\" may group thousands); write the number with a decimal comma, or pass --decimal point")
            }
            if let value = shortDecimal(text, mark: comma) { return value }
            if text.utf8.contains(comma) { written = String(decoding: text.utf8.map { $0 == comma ? point : $0 }, as: UTF8.self) }
        } else if let value = shortDecimal(text, mark: point) {
            return value
        }
        guard let value = Double(written) else { throw RowRejection("\(column()): \(quoted(text)) is not a number") }
        guard value.isFinite else { throw RowRejection("\(column()): \(quoted(text)) is not a finite number") }
        return value
    }

    private static let powersOfTen: [Double] = (0...15).map { exponent in (0..<exponent).reduce(1.0) { value, _ in value * 10 } }

    /// The value of a number written as digits with at most one `mark` between them and an
    /// optional sign (`-24.69454`, `3750`), of at most 15 digits; nil for any other text, which
    /// `Double(_:)` then reads. Such a number is its digits as an integer, exact in a `Double`,
    /// divided by a power of ten, exact too: one correctly rounded division, the value
    /// `Double(_:)` reads (Clinger's fast path), without its C call and its copy of the text.
    static func shortDecimal(_ text: String, mark: UInt8) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            var index = 0
            var negative = false
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                index = 1
            }
            var digits: UInt64 = 0
            var digitCount = 0
            var fractionDigits: Int?
            while index < bytes.count {
                let byte = bytes[index]
                if byte &- UInt8(ascii: "0") < 10 {
                    digits = digits * 10 + UInt64(byte &- UInt8(ascii: "0"))
                    digitCount += 1
                    guard digitCount <= 15 else { return nil }
                    if let count = fractionDigits { fractionDigits = count + 1 }
                } else if byte == mark, fractionDigits == nil, digitCount > 0 {
                    fractionDigits = 0
                } else {
                    return nil
                }
                index += 1
            }
            guard digitCount > 0, fractionDigits != 0 else { return nil }
            let magnitude = Double(digits) / powersOfTen[fractionDigits ?? 0]
            return negative ? -magnitude : magnitude
        }
    }

    /// How a column that is neither a feature nor the target is kept in the lake.
    enum KeptKind: Sendable {
        /// Always a number: a value that is not one rejects the row.
        case number
        /// Always text, even when it looks like a number.
        case text
        /// A number when the value is a plain decimal number, else text.
        case inferred
    }

    /// The lake value of a present (non-missing) field kept as `kind`.
    static func keptValue(_ text: String, column: String, kind: KeptKind, decimalMark: CSVDialect.DecimalMark) throws(RowRejection) -> JSONValue {
        switch kind {
        case .number: return .number(try number(text, column: column, decimalMark: decimalMark))
        case .text: return .string(text)
        case .inferred: return inferredNumber(text, decimalMark: decimalMark).map(JSONValue.number) ?? .string(text)
        }
    }

    /// The value of a plain decimal number written with `decimalMark`, or nil for any other text.
    static func inferredNumber(_ text: String, decimalMark: CSVDialect.DecimalMark) -> Double? {
        guard looksLikeDecimalNumber(text, decimalMark: decimalMark) else { return nil }
        return try? number(text, column: "", decimalMark: decimalMark)
    }

    /// The value in quotes for a message, with inner quotes escaped.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// True for plain decimal numbers: optional sign, digits with an optional fraction after
    /// `decimalMark`, optional exponent.
    static func looksLikeDecimalNumber(_ text: String, decimalMark: CSVDialect.DecimalMark = .point) -> Bool {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let integerDigits = bytes.prefix(while: isDigit).count
        bytes = bytes.dropFirst(integerDigits)
        var fractionDigits = 0
        if bytes.first == UInt8(ascii: decimalMark == .point ? "." : ",") {
            bytes = bytes.dropFirst()
            fractionDigits = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fractionDigits)
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if let first = bytes.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponentDigits = bytes.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return false }
            bytes = bytes.dropFirst(exponentDigits)
        }
        return bytes.isEmpty
    }

    /// The first run of exactly four digits, e.g. 2007 in `2007-11-11` or `11/16/2007`.
    static func firstFourDigitNumber(in text: String) -> Int? {
        var run = 0
        var value = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                run += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            } else {
                if run == 4 { return value }
                run = 0
                value = 0
            }
        }
        return run == 4 ? value : nil
    }
}
