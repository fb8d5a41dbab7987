import PenguinsCore

/// Writes the lake documents of records as UTF-8 text, one after the other, in the layout of
/// their lake (``LakeLayout``): the schema's document of each record, or the penguins'
/// document, the shape the platform's first lake has always kept.
struct LakeDocumentEncoder {
    /// The writer of one layout or the other (the other is nil), mutated in place.
    private var records: RecordDocumentWriter?
    private var penguins: LakeDocumentWriter?
    private let coding: PenguinRecords?
    /// Where the records were read from.
    private let provenance: Provenance?

    /// The documents' texts so far.
    var bytes: [UInt8] { records?.bytes ?? penguins?.bytes ?? [] }

    /// An encoder of `layout` for records of `schema` read from `provenance`, whose buffer holds
    /// `capacity` bytes before it grows.
    init(_ layout: LakeLayout, schema: DatasetSchema, provenance: Provenance?, capacity: Int) {
        self.provenance = provenance
        switch layout {
        case .records:
            records = RecordDocumentWriter(schema: schema, capacity: capacity)
            coding = nil
        case .penguins:
            penguins = LakeDocumentWriter(capacity: capacity)
            coding = PenguinRecords(schema: schema)
        }
    }

    /// Appends the document of `record`: in the penguins' layout, the document of the penguin
    /// it was read as (``PenguinsCore/PenguinRecords/penguin(read:from:)``).
    /// - Throws: ``StorageError/notFound(_:)`` for a record that is not a penguin in a
    ///   penguins' lake (a class that is no species, or no island), which their schema never reads.
    mutating func append(_ record: DatasetRecord) throws {
        guard let coding else {
            records?.append(record)
            return
        }
        guard let penguin = coding.penguin(read: record, from: provenance) else {
            let species = Species.allCases.map(\.rawValue).joined(separator: ", ")
            throw StorageError.notFound("the species and island of row \(record.id) among the penguins' (\(species))")
        }
        penguins?.append(penguin)
    }
}
