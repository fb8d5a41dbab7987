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
    mutating func writeNumber(_ value: Double) {
        guard value.isFinite else { return writeLiteral("null") }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
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
