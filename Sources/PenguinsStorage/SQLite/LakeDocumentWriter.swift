import PenguinsCore

/// Writes a penguin's lake document as UTF-8 bytes, byte for byte the text of
/// `penguin.document.jsonText` (compact, keys sorted), straight from the penguin's fields.
///
/// Ingestion writes one document per row; going through ``PenguinsCore/Penguin/document``
/// builds two dictionaries and a string per row, which dominated lake upserts. The buffer is
/// reused from row to row. The tests compare the output with `jsonText` on varied penguins,
/// so the two cannot drift apart unnoticed.
struct LakeDocumentWriter {
    /// The document of the last ``write(_:)``.
    private(set) var bytes: [UInt8] = []

    /// The keys the document always has, sorted.
    private static let fixedKeys = ["features", "island", "penguin_id", "sex", "species", "usable_for_training", "year"]
    private static let fixedKeySet = Set(fixedKeys)
    /// The features in the order of their sorted document keys.
    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let featuresByKey = Feature.allCases.sorted { $0.documentKey < $1.documentKey }

    init() {
        bytes.reserveCapacity(1024)
    }

    /// Replaces ``bytes`` with the document of `penguin`.
    mutating func write(_ penguin: Penguin) {
        bytes.removeAll(keepingCapacity: true)
        let keys: [String]
        if penguin.otherFields.isEmpty {
            keys = LakeDocumentWriter.fixedKeys
        } else {
            keys = (penguin.otherFields.keys.filter { !LakeDocumentWriter.fixedKeySet.contains($0) } + LakeDocumentWriter.fixedKeys)
                .sorted()
        }
        bytes.append(UInt8(ascii: "{"))
        for (index, key) in keys.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(key)
            bytes.append(UInt8(ascii: ":"))
            switch key {
            case "features": writeFeatures(penguin.measurements)
            case "island": writeString(penguin.island.rawValue)
            case "penguin_id": writeString(penguin.id)
            case "sex": if let sex = penguin.sex { writeString(sex.rawValue) } else { writeLiteral("null") }
            case "species": writeString(penguin.species.rawValue)
            case "usable_for_training": writeLiteral(penguin.isUsableForTraining ? "true" : "false")
            case "year": writeNumber(Double(penguin.year))
            default: writeValue(penguin.otherFields[key]!)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeFeatures(_ measurements: Measurements) {
        bytes.append(UInt8(ascii: "{"))
        for (index, feature) in LakeDocumentWriter.featuresByKey.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(feature.documentKey)
            bytes.append(UInt8(ascii: ":"))
            if let value = measurements[feature] { writeNumber(value) } else { writeLiteral("null") }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeValue(_ value: JSONValue) {
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

    private mutating func writeLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Integers without a fraction, other finite numbers in Swift's shortest round-tripping
    /// form, non-finite numbers as null: the rules of `JSONValue.jsonText`.
    private mutating func writeNumber(_ value: Double) {
        guard value.isFinite else { return writeLiteral("null") }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: "\(value)".utf8)
        }
    }

    /// A quoted string escaping `"`, `\` and control characters as `JSONValue.jsonText` does.
    private mutating func writeString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): writeLiteral("\\\"")
            case UInt8(ascii: "\\"): writeLiteral("\\\\")
            case UInt8(ascii: "\n"): writeLiteral("\\n")
            case UInt8(ascii: "\r"): writeLiteral("\\r")
            case UInt8(ascii: "\t"): writeLiteral("\\t")
            case 0..<0x20:
                writeLiteral("\\u00")
                bytes.append(LakeDocumentWriter.hexDigits[Int(byte >> 4)])
                bytes.append(LakeDocumentWriter.hexDigits[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
