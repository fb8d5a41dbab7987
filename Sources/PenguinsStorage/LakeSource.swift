import PenguinsCore

/// The file and encoding a lake document was read from: what the SQLite and PostgreSQL lakes
/// keep once per file (`lake_sources`) rather than in every document.
struct LakeSource: Hashable, Sendable {
    var file: String
    var encoding: String

    init(_ provenance: Provenance) {
        file = provenance.file
        encoding = provenance.dialect.encoding.rawValue
    }
}

/// The sources of a batch of documents, gathered while the documents are written: each
/// distinct (file, encoding) once, and per document the slot of its source (-1 for none) and
/// its line. Rows of one file share a source, so a row costs two comparisons, not a lookup.
struct LakeSources: Sendable {
    private(set) var distinct: [LakeSource] = []
    private(set) var slots: [Int32] = []
    private(set) var lines: [Int32] = []
    private var lastFile: String?
    private var lastEncoding: CSVDialect.Encoding?
    private var lastSlot: Int32 = -1

    init(capacity: Int) {
        slots.reserveCapacity(capacity)
        lines.reserveCapacity(capacity)
    }

    mutating func append(_ provenance: Provenance?) {
        guard let provenance else {
            slots.append(-1)
            lines.append(0)
            return
        }
        if provenance.file != lastFile || provenance.dialect.encoding != lastEncoding {
            let source = LakeSource(provenance)
            if let known = distinct.firstIndex(of: source) {
                lastSlot = Int32(known)
            } else {
                distinct.append(source)
                lastSlot = Int32(distinct.count - 1)
            }
            lastFile = provenance.file
            lastEncoding = provenance.dialect.encoding
        }
        slots.append(lastSlot)
        lines.append(Int32(clamping: provenance.line))
    }
}

extension JSONValue {
    /// The document with its `_provenance` put back, when the row has a source.
    func withProvenance(file: String?, encoding: String?, line: Int?) -> JSONValue {
        guard let file, let encoding, let line, case .object(var members) = self else { return self }
        members[Provenance.documentKey] = Provenance.document(file: file, line: line, encoding: encoding)
        return .object(members)
    }
}
