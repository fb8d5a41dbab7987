import PenguinsCore

/// Compact JSON written as UTF-8 bytes into a reusable buffer, by the rules of
/// `JSONValue.jsonText`: keys sorted, integers without a fraction, other finite numbers in
/// Swift's shortest round-tripping form, non-finite numbers as null, `"`, `\` and control
/// characters escaped. The lake document writers build on it.
struct JSONBytes {
    var bytes: [UInt8] = []

    private static let hexDigits = Array("0123456789abcdef".utf8)

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// `"name":` as bytes, to append before a member's value.
    static func quotedKey(_ name: String) -> [UInt8] {
        var out = JSONBytes(capacity: name.utf8.count + 3)
        out.writeString(name)
        out.bytes.append(UInt8(ascii: ":"))
        return out.bytes
    }

    mutating func writeValue(_ value: JSONValue) {
        switch value {
        case .null: writeLiteral("null")
        case .bool(let flag): writeLiteral(flag ? "true" : "false")
        case .number(let number): writeNumber(number)
        case .string(let string): writeString(string)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeValue(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                writeValue(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Integers without a fraction, other finite numbers in Swift's shortest round-tripping
    /// form, non-finite numbers as null: the rules of `JSONValue.jsonText`.
    ///
    /// Field measurements mostly have one to three decimals: those are written digit by digit
    /// (``decimal(_:)``), which is what `description` writes for them, without making a string.
    mutating func writeNumber(_ value: Double) {
        guard value.isFinite else { return writeLiteral("null") }
        if value == value.rounded(), abs(value) < 1e15 {
            writeInteger(Int64(value))
        } else if let (scaled, decimals) = Self.decimal(value) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            let magnitude = scaled.magnitude
            let unit = JSONBytes.powersOfTen[decimals]
            writeDigits(magnitude / unit, minimumCount: 1)
            bytes.append(UInt8(ascii: "."))
            writeDigits(magnitude % unit, minimumCount: decimals)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    private static let powersOfTen: [UInt64] = [1, 10, 100, 1_000]
    private static let scales: [Double] = [1, 10, 100, 1_000]

    /// `value` as `scaled` / 10^`decimals` with the fewest decimals (one to three) whose decimal
    /// number reads back as exactly `value`; nil when it needs more, or is too large for the
    /// test to be exact. Below 10^9 two decimal numbers of at most three decimals are further
    /// apart than a `Double`'s spacing, so the one found is the one `description` writes
    /// (the shortest that reads back), in plain notation.
    static func decimal(_ value: Double) -> (scaled: Int64, decimals: Int)? {
        guard abs(value) < 1e9 else { return nil }
        for decimals in 1...3 {
            let scale = scales[decimals]
            let scaled = (value * scale).rounded()
            // An integer below 10^12 over a power of ten is correctly rounded: the Double the
            // decimal number reads as.
            if scaled / scale == value { return (Int64(scaled), decimals) }
        }
        return nil
    }

    /// An integer in decimal digits.
    private mutating func writeInteger(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        writeDigits(value.magnitude, minimumCount: 1)
    }

    /// The decimal digits of `value`, left-padded with zeros to `minimumCount`.
    private mutating func writeDigits(_ value: UInt64, minimumCount: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits, written from the end
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            var rest = value
            repeat {
                count += 1
                buffer[24 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0 || count < minimumCount
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    /// A quoted string escaping `"`, `\` and control characters as `JSONValue.jsonText` does.
    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var clean = utf8.startIndex
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<index]))
                clean = index + 1
                switch byte {
                case UInt8(ascii: "\""): writeLiteral("\\\"")
                case UInt8(ascii: "\\"): writeLiteral("\\\\")
                case UInt8(ascii: "\n"): writeLiteral("\\n")
                case UInt8(ascii: "\r"): writeLiteral("\\r")
                case UInt8(ascii: "\t"): writeLiteral("\\t")
                default:
                    writeLiteral("\\u00")
                    bytes.append(JSONBytes.hexDigits[Int(byte >> 4)])
                    bytes.append(JSONBytes.hexDigits[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
