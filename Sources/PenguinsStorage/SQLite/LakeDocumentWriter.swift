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

    /// A member of the document: one of the fields every document has, or one of `otherFields`.
    private enum Member {
        case features, island, penguinID, sex, species, usableForTraining, year
        case other(String)

        var name: String {
            switch self {
            case .features: "features"
            case .island: "island"
            case .penguinID: "penguin_id"
            case .sex: "sex"
            case .species: "species"
            case .usableForTraining: "usable_for_training"
            case .year: "year"
            case .other(let name): name
            }
        }
    }

    /// The members every document has, sorted by name, each with its `"name":` bytes.
    private static let fixedMembers: [(member: Member, quotedName: [UInt8])] =
        [Member.features, .island, .penguinID, .sex, .species, .usableForTraining, .year]
            .map { ($0, Array("\"\($0.name)\":".utf8)) }
            .sorted { $0.member.name < $1.member.name }
    private static let fixedNames = Set(fixedMembers.map(\.member.name))
    /// The features in the order of their sorted document keys, each with its `"key":` bytes.
    private static let featuresByKey: [(feature: Feature, quotedKey: [UInt8])] = Feature.allCases
        .sorted { $0.documentKey < $1.documentKey }
        .map { ($0, Array("\"\($0.documentKey)\":".utf8)) }
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init() {
        bytes.reserveCapacity(1024)
    }

    /// Replaces ``bytes`` with the document of `penguin`.
    mutating func write(_ penguin: Penguin) {
        bytes.removeAll(keepingCapacity: true)
        append(penguin)
    }

    /// Appends the document of `penguin` to ``bytes``.
    mutating func append(_ penguin: Penguin) {
        bytes.append(UInt8(ascii: "{"))
        if penguin.otherFields.isEmpty {
            for (index, fixed) in LakeDocumentWriter.fixedMembers.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: fixed.quotedName)
                writeValue(of: fixed.member, penguin)
            }
        } else {
            let members = (
                LakeDocumentWriter.fixedMembers.map(\.member)
                    + penguin.otherFields.keys.filter { !LakeDocumentWriter.fixedNames.contains($0) }.map(Member.other)
            ).map { (name: $0.name, member: $0) }.sorted { $0.name < $1.name }
            for (index, entry) in members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(entry.name)
                bytes.append(UInt8(ascii: ":"))
                writeValue(of: entry.member, penguin)
            }
        }
        bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeValue(of member: Member, _ penguin: Penguin) {
        switch member {
        case .features: writeFeatures(penguin.measurements)
        case .island: writeString(penguin.island.rawValue)
        case .penguinID: writeString(penguin.id)
        case .sex: if let sex = penguin.sex { writeString(sex.rawValue) } else { writeLiteral("null") }
        case .species: writeString(penguin.species.rawValue)
        case .usableForTraining: writeLiteral(penguin.isUsableForTraining ? "true" : "false")
        case .year: writeNumber(Double(penguin.year))
        case .other(let name): writeValue(penguin.otherFields[name]!)
        }
    }

    private mutating func writeFeatures(_ measurements: Measurements) {
        bytes.append(UInt8(ascii: "{"))
        for (index, entry) in LakeDocumentWriter.featuresByKey.enumerated() {
            let feature = entry.feature
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: entry.quotedKey)
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
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// A quoted string escaping `"`, `\` and control characters as `JSONValue.jsonText` does.
    private mutating func writeString(_ string: String) {
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
                    bytes.append(LakeDocumentWriter.hexDigits[Int(byte >> 4)])
                    bytes.append(LakeDocumentWriter.hexDigits[Int(byte & 0x0F)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...]))
            bytes.append(UInt8(ascii: "\""))
        }
    }
}
