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

extension JSONValue {
    /// The document with its `_provenance` put back, when the row has a source.
    func withProvenance(file: String?, encoding: String?, line: Int?) -> JSONValue {
        guard let file, let encoding, let line, case .object(var members) = self else { return self }
        members[Provenance.documentKey] = Provenance.document(file: file, line: line, encoding: encoding)
        return .object(members)
    }
}
