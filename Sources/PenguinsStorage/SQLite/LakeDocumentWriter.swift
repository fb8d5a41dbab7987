import PenguinsCore

/// Writes a penguin's lake document as UTF-8 bytes, byte for byte the text of
/// `penguin.document.jsonText` (compact, keys sorted), straight from the penguin's fields.
/// Its provenance is not part of the text: the SQLite and PostgreSQL lakes keep it in columns of
/// their own (a few bytes a row instead of a file name in every document) and put it back when
/// they read.
///
/// Ingestion writes one document per row; going through ``PenguinsCore/Penguin/document``
/// builds two dictionaries and a string per row, which dominated lake upserts. The buffer is
/// reused from row to row. The tests compare the output with `jsonText` on varied penguins,
/// so the two cannot drift apart unnoticed.
struct LakeDocumentWriter {
    private var out: JSONBytes
    /// The document of the last ``write(_:)``, or the documents appended since.
    var bytes: [UInt8] { out.bytes }

    /// A member of the document: one of the fields every document has, or one of `otherFields`
    /// (by its index in ``Layout/otherNames``). A plain value, so walking a layout retains nothing.
    private enum Member {
        case features, island, penguinID, sex, species, usableForTraining, year
        case other(Int)
    }

    /// The members every document has, by name.
    private static let fixedMembers: [(name: String, member: Member)] = [
        ("features", .features), ("island", .island), ("penguin_id", .penguinID), ("sex", .sex),
        ("species", .species), ("usable_for_training", .usableForTraining), ("year", .year),
    ]
    private static let fixedNames = Set(fixedMembers.map(\.name))

    /// The members of the documents being written, sorted by name, with their `"name":` bytes
    /// (text `i` of `quotedNames` for member `i`).
    private struct Layout {
        var members: [Member] = []
        var quotedNames = BoundTexts(capacity: 256)
        var otherNames: [String] = []

        /// The layout of documents with the fixed members and `otherNames`.
        init(otherNames: [String]) {
            let others = otherNames.enumerated().map { (name: $1, member: Member.other($0)) }
            for (name, member) in (LakeDocumentWriter.fixedMembers + others).sorted(by: { $0.name < $1.name }) {
                members.append(member)
                quotedNames.append(bytes: JSONBytes.quotedKey(name))
            }
            self.otherNames = otherNames
        }
    }

    /// The features in the order of their sorted document keys, and their `"key":` bytes (text
    /// `i` of `featureKeys` for feature `i`).
    private static let featuresByKey: [Feature] = Feature.allCases.sorted { $0.documentKey < $1.documentKey }
    private static let featureKeys: BoundTexts = featuresByKey.reduce(into: BoundTexts(capacity: 128)) { keys, feature in
        keys.append(bytes: JSONBytes.quotedKey(feature.documentKey))
    }

    /// The layout of the documents being written. Rows of one source file share their field
    /// names, so the order is worked out once and reused while the names stay the same.
    private var layout = Layout(otherNames: [])
    /// The number of `otherFields` that ``layout`` covers, or nil when it cannot be reused
    /// (its penguin had fields named like the fixed members, which the document overrides).
    private var layoutOtherFieldCount: Int? = 0

    /// A writer whose buffer holds `capacity` bytes before it grows.
    init(capacity: Int = 1024) {
        out = JSONBytes(capacity: capacity)
    }

    /// Replaces ``bytes`` with the document of `penguin`.
    mutating func write(_ penguin: Penguin) {
        out.bytes.removeAll(keepingCapacity: true)
        append(penguin)
    }

    /// Appends the document of `penguin` to ``bytes``.
    mutating func append(_ penguin: Penguin) {
        let start = out.bytes.count
        if layoutOtherFieldCount == penguin.otherFields.count, appendMembers(of: penguin) { return }
        out.bytes.removeSubrange(start...)
        let otherNames = penguin.otherFields.keys.filter { !LakeDocumentWriter.fixedNames.contains($0) }
        layout = Layout(otherNames: otherNames)
        layoutOtherFieldCount = otherNames.count == penguin.otherFields.count ? otherNames.count : nil
        _ = appendMembers(of: penguin)
    }

    /// Appends the document with the members of ``layout``; false when `penguin` lacks one of them.
    private mutating func appendMembers(of penguin: Penguin) -> Bool {
        out.bytes.append(UInt8(ascii: "{"))
        let (members, names, otherNames) = (layout.members, layout.quotedNames, layout.otherNames)
        let complete = names.bytes.withUnsafeBufferPointer { quoted in
            for (index, member) in members.enumerated() {
                if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: quoted[names.range(index)]))
                switch member {
                case .features: writeFeatures(penguin.measurements)
                case .island: writeString(penguin.island.rawValue)
                case .penguinID: writeString(penguin.id)
                case .sex: if let sex = penguin.sex { writeString(sex.rawValue) } else { writeLiteral("null") }
                case .species: writeString(penguin.species.rawValue)
                case .usableForTraining: writeLiteral(penguin.isUsableForTraining ? "true" : "false")
                case .year: out.writeNumber(Double(penguin.year))
                case .other(let name):
                    guard let value = penguin.otherFields[otherNames[name]] else { return false }
                    writeValue(value)
                }
            }
            return true
        }
        guard complete else { return false }
        out.bytes.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func writeFeatures(_ measurements: Measurements) {
        out.bytes.append(UInt8(ascii: "{"))
        let keys = LakeDocumentWriter.featureKeys
        keys.bytes.withUnsafeBufferPointer { quoted in
            for (index, feature) in LakeDocumentWriter.featuresByKey.enumerated() {
                if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
                out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: quoted[keys.range(index)]))
                if let value = measurements[feature] { out.writeNumber(value) } else { writeLiteral("null") }
            }
        }
        out.bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeValue(_ value: JSONValue) { out.writeValue(value) }
    private mutating func writeLiteral(_ literal: StaticString) { out.writeLiteral(literal) }
    private mutating func writeString(_ string: String) { out.writeString(string) }
}
