/// A cleaned, validated penguin: what ingestion stores in the lake and the warehouse.
public struct Penguin: Hashable, Sendable {
    /// Stable identifier: the same source row always gets the same id.
    public var id: String
    public var species: Species
    public var island: Island
    public var measurements: Measurements
    public var sex: Sex?
    public var year: Int
    /// Every other column of the source row, under its normalised name, kept verbatim
    /// (missing values as ``JSONValue/null``). The lake stores these; the warehouse does not.
    public var otherFields: [String: JSONValue]
    /// The line of its file the row was read from (its first line), when it was read from a
    /// file; the file itself is the batch's ``Provenance``.
    public var sourceLine: Int?

    public init(
        id: String, species: Species, island: Island, measurements: Measurements,
        sex: Sex?, year: Int, otherFields: [String: JSONValue] = [:], sourceLine: Int? = nil
    ) {
        self.id = id
        self.species = species
        self.island = island
        self.measurements = measurements
        self.sex = sex
        self.year = year
        self.otherFields = otherFields
        self.sourceLine = sourceLine
    }

    /// A penguin can train a model only when all four measurements are present.
    public var isUsableForTraining: Bool { measurements.isComplete }

    /// The lake document of this penguin:
    /// `{"penguin_id", "species", "island", "features": {...}, "sex", "year", "usable_for_training", ...other fields}`.
    public var document: JSONValue {
        var object = otherFields
        var features: [String: JSONValue] = [:]
        for feature in Feature.allCases {
            features[feature.documentKey] = measurements[feature].map(JSONValue.number) ?? .null
        }
        object["penguin_id"] = .string(id)
        object["species"] = .string(species.rawValue)
        object["island"] = .string(island.rawValue)
        object["features"] = .object(features)
        object["sex"] = sex.map { .string($0.rawValue) } ?? .null
        object["year"] = .number(Double(year))
        object["usable_for_training"] = .bool(isUsableForTraining)
        return .object(object)
    }

    /// The lake document of this penguin read from `provenance`'s file: ``document`` with
    /// `_provenance` when both the file and ``sourceLine`` are known.
    public func document(from provenance: Provenance?) -> JSONValue {
        guard let provenance, let sourceLine, case .object(var members) = document else { return document }
        members[Provenance.documentKey] = provenance.document(line: sourceLine)
        return .object(members)
    }
}
