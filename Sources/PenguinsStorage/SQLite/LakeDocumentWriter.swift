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

    /// The members of the documents being written, sorted by name, each with its `"name":`
    /// bytes. Rows of one source file share their field names, so the order is worked out once
    /// and reused while the names stay the same.
    private var layout = LakeDocumentWriter.fixedMembers
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
        let otherMembers = otherNames.map { name -> (member: Member, quotedName: [UInt8]) in (.other(name), JSONBytes.quotedKey(name)) }
        layout = (LakeDocumentWriter.fixedMembers + otherMembers).sorted { $0.member.name < $1.member.name }
        layoutOtherFieldCount = otherNames.count == penguin.otherFields.count ? otherNames.count : nil
        _ = appendMembers(of: penguin)
    }

    /// Appends the document with the members of ``layout``; false when `penguin` lacks one of them.
    private mutating func appendMembers(of penguin: Penguin) -> Bool {
        out.bytes.append(UInt8(ascii: "{"))
        for (index, entry) in layout.enumerated() {
            if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
            out.bytes.append(contentsOf: entry.quotedName)
            switch entry.member {
            case .features: writeFeatures(penguin.measurements)
            case .island: writeString(penguin.island.rawValue)
            case .penguinID: writeString(penguin.id)
            case .sex: if let sex = penguin.sex { writeString(sex.rawValue) } else { writeLiteral("null") }
            case .species: writeString(penguin.species.rawValue)
            case .usableForTraining: writeLiteral(penguin.isUsableForTraining ? "true" : "false")
            case .year: writeNumber(Double(penguin.year))
            case .other(let name):
                guard let value = penguin.otherFields[name] else { return false }
                writeValue(value)
            }
        }
        out.bytes.append(UInt8(ascii: "}"))
        return true
    }

    private mutating func writeFeatures(_ measurements: Measurements) {
        out.bytes.append(UInt8(ascii: "{"))
        for (index, entry) in LakeDocumentWriter.featuresByKey.enumerated() {
            let feature = entry.feature
            if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
            out.bytes.append(contentsOf: entry.quotedKey)
            if let value = measurements[feature] { writeNumber(value) } else { writeLiteral("null") }
        }
        out.bytes.append(UInt8(ascii: "}"))
    }

    private mutating func writeValue(_ value: JSONValue) { out.writeValue(value) }
    private mutating func writeLiteral(_ literal: StaticString) { out.writeLiteral(literal) }
    private mutating func writeNumber(_ value: Double) { out.writeNumber(value) }
    private mutating func writeString(_ string: String) { out.writeString(string) }
}
