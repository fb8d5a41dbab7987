import PenguinsCore

/// Writes a dataset record's lake document as UTF-8 bytes, byte for byte the text of
/// `schema.document(of: record).jsonText` (compact, keys sorted, no `_provenance`: the stores
/// keep it in columns), straight from the record's values. Going through the `JSONValue`
/// document builds a dictionary and sorts its keys for every row; here the order of the members
/// is worked out once per set of field names (the rows of one file share theirs) and reused.
/// The tests compare the output with `jsonText` on varied records.
struct RecordDocumentWriter {
    private var out: JSONBytes
    /// The documents appended so far.
    var bytes: [UInt8] { out.bytes }

    /// A member of the document: the id, the target, a feature (by index), or an other field.
    private enum Member {
        case id, target, feature(Int), other(String)
    }

    private let classes: [String]
    /// Per feature: nil for a numeric one, its levels for a categorical one.
    private let levels: [[String]?]
    /// The members the schema gives every document, with their names.
    private let fixedMembers: [(name: String, member: Member)]
    private let fixedNames: Set<String>
    /// The members of the documents being written, sorted by name, each with its `"name":` bytes.
    private var layout: [(member: Member, quotedName: [UInt8])] = []
    /// The number of other fields ``layout`` covers, or nil before the first document (or when
    /// a field is named like a fixed member, which the document overrides).
    private var layoutOtherFieldCount: Int?

    init(schema: DatasetSchema, capacity: Int = 1024) {
        classes = schema.target.classes
        levels = schema.features.map { $0.kind == .categorical ? $0.levels : nil }
        out = JSONBytes(capacity: capacity)
        var fixed: [(name: String, member: Member)] = schema.features.indices.map { (schema.features[$0].name, .feature($0)) }
        fixed.append((schema.target.name, .target))
        fixed.append((schema.idColumnName, .id))
        // A later member of the same name wins, as in `DatasetSchema.document(of:)`.
        var byName: [String: Member] = [:]
        for (name, member) in fixed { byName[name] = member }
        fixedMembers = byName.map { ($0.key, $0.value) }
        fixedNames = Set(byName.keys)
    }

    /// Replaces ``bytes`` with the document of `record`.
    mutating func write(_ record: DatasetRecord) {
        out.bytes.removeAll(keepingCapacity: true)
        append(record)
    }

    /// Appends the document of `record` to ``bytes``.
    mutating func append(_ record: DatasetRecord) {
        // Same count, and every field of the layout found (``appendMembers(of:)``): same names.
        let start = out.bytes.count
        if layoutOtherFieldCount == record.otherFields.count, appendMembers(of: record) { return }
        out.bytes.removeSubrange(start...)
        let otherNames = record.otherFields.keys.filter { !fixedNames.contains($0) }
        layout = (fixedMembers.map { ($0.member, JSONBytes.quotedKey($0.name), $0.name) }
            + otherNames.map { (Member.other($0), JSONBytes.quotedKey($0), $0) })
            .sorted { $0.2 < $1.2 }
            .map { ($0.0, $0.1) }
        layoutOtherFieldCount = otherNames.count == record.otherFields.count ? otherNames.count : nil
        _ = appendMembers(of: record)
    }

    /// Appends the document with the members of ``layout``; false when `record` lacks one of its other fields.
    private mutating func appendMembers(of record: DatasetRecord) -> Bool {
        out.bytes.append(UInt8(ascii: "{"))
        for (index, entry) in layout.enumerated() {
            if index > 0 { out.bytes.append(UInt8(ascii: ",")) }
            out.bytes.append(contentsOf: entry.quotedName)
            switch entry.member {
            case .id: out.writeString(record.id)
            case .target: out.writeString(classes[record.targetClass])
            case .feature(let feature):
                guard let value = record.features[feature] else { out.writeLiteral("null"); continue }
                if let levels = levels[feature] {
                    let level = Int(value)
                    if levels.indices.contains(level) { out.writeString(levels[level]) } else { out.writeLiteral("null") }
                } else {
                    out.writeNumber(value)
                }
            case .other(let name):
                guard let value = record.otherFields[name] else { return false }
                out.writeValue(value)
            }
        }
        out.bytes.append(UInt8(ascii: "}"))
        return true
    }
}
