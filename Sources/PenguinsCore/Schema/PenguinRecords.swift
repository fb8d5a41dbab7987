/// The penguins as records of their bundled schema (``BundledSchemas/penguins``) and back: what
/// lets the penguins' own types read and write the tables every dataset has.
///
/// A penguin's measurements, island, sex and year are features of the schema; any other
/// feature of the schema (the isotope ratios `delta_15_n` and `delta_13_c`, or a feature an
/// edited schema adds, such as `clutch_completion`) is taken from the penguin's `otherFields`,
/// where the lake keeps every other column, and leaves them: a number, or a level's name.
public struct PenguinRecords: Sendable {
    public let schema: DatasetSchema
    /// The index in the schema of each ``Feature``, in `Feature.allCases` order.
    public let measurementIndices: [Int]
    /// The schema's indices of the island, sex and year features.
    public let islandIndex: Int
    public let sexIndex: Int
    public let yearIndex: Int
    /// The schema's other features: (index, name, and the levels of a categorical one).
    let others: [(index: Int, name: String, levels: [String]?)]
    /// The species of each class index, the island of each level, the sex of each level.
    private let speciesByClass: [Species?]
    /// The class index of each species, in `Species.allCases` order.
    private let classBySpecies: [Int]
    /// The islands of the schema, by level index.
    public let islands: [Island]
    private let sexByLevel: [Sex?]

    /// The conversions of `schema`, which must name the penguins' columns as the bundled schema does.
    public init(schema: DatasetSchema = BundledSchemas.penguins) {
        func index(_ name: String) -> Int {
            guard let index = schema.features.firstIndex(where: { $0.name == name }) else {
                preconditionFailure("the penguins' schema has no feature \(name)")
            }
            return index
        }
        self.schema = schema
        measurementIndices = Feature.allCases.map { index($0.rawValue) }
        islandIndex = index("island")
        sexIndex = index("sex")
        yearIndex = index("year")
        for species in Species.allCases {
            precondition(schema.target.classes.contains(species.rawValue), "the penguins' schema has no class \(species.rawValue)")
        }
        speciesByClass = schema.target.classes.map(Species.init(rawValue:))
        classBySpecies = Species.allCases.map { schema.target.classes.firstIndex(of: $0.rawValue)! }
        islands = schema.features[islandIndex].levels.map(Island.init(rawValue:))
        sexByLevel = schema.features[sexIndex].levels.map(Sex.init(rawValue:))
        let known = Set(measurementIndices + [islandIndex, sexIndex, yearIndex])
        others = schema.features.indices.filter { !known.contains($0) }.map { index in
            let feature = schema.features[index]
            return (index, feature.name, feature.kind == .categorical ? feature.levels : nil)
        }
    }

    /// The shared conversions of the bundled schema.
    public static let bundled = PenguinRecords()

    /// How `schema`, an edited schema of the penguins, departs from what the penguins' own types
    /// read: (the field as the YAML spells it, the problem), empty when it keeps the bundled
    /// schema's target and classes, its partition, and each of its features with its kind and
    /// its levels in their order (the stored rows hold levels by position). It may add features,
    /// aliases, headers and kept columns, change ranges, and add islands after the bundled ones.
    public static func departures(of schema: DatasetSchema, from bundled: DatasetSchema = BundledSchemas.penguins) -> [(field: String, problem: String)] {
        var found: [(field: String, problem: String)] = []
        if schema.target.name != bundled.target.name || schema.target.classes != bundled.target.classes {
            found.append(("target", "must stay \(bundled.target.name) with the classes \(bundled.target.classes.joined(separator: ", "))"))
        }
        if schema.partition != bundled.partition {
            found.append(("partition", "must stay \(bundled.partition)"))
        }
        for kept in bundled.features {
            guard let feature = schema.feature(named: kept.name) else {
                found.append(("features", "must keep \(kept.name)"))
                continue
            }
            if feature.kind != kept.kind {
                found.append(("features.\(kept.name).kind", "must stay \(kept.kind.rawValue)"))
            } else if kept.kind == .categorical {
                let growing = kept.name == bundled.partition
                let keepsLevels = growing ? feature.levels.starts(with: kept.levels) : feature.levels == kept.levels
                if !keepsLevels {
                    found.append((
                        "features.\(kept.name).levels",
                        "must \(growing ? "begin with" : "stay") \(kept.levels.joined(separator: ", "))\(growing ? ", in that order" : "")"))
                }
            }
        }
        return found
    }

    /// The record of `penguin`, with its source line. Its other fields come along (but for the
    /// schema's other features, which become features) unless `otherFields` is false,
    /// as for a warehouse, which keeps none.
    public func record(_ penguin: Penguin, otherFields keepsOtherFields: Bool = true) -> DatasetRecord {
        var features = [Double?](repeating: nil, count: schema.features.count)
        for (feature, index) in zip(Feature.allCases, measurementIndices) { features[index] = penguin.measurements[feature] }
        features[islandIndex] = islands.firstIndex(of: penguin.island).map(Double.init)
        features[sexIndex] = penguin.sex.flatMap { sexByLevel.firstIndex(of: $0) }.map(Double.init)
        features[yearIndex] = Double(penguin.year)
        for (index, name, levels) in others {
            let value = penguin.otherFields[name]
            if let levels {
                features[index] = value?.stringValue.flatMap { levels.firstIndex(of: $0) }.map(Double.init)
            } else {
                features[index] = value?.numberValue
            }
        }
        var otherFields: [String: JSONValue] = [:]
        if keepsOtherFields {
            otherFields = penguin.otherFields
            for (_, name, _) in others { otherFields[name] = nil }
        }
        return DatasetRecord(
            id: penguin.id, targetClass: targetClass(of: penguin.species),
            features: features, otherFields: otherFields, sourceLine: penguin.sourceLine
        )
    }

    /// The penguin of `record`; nil when its class is not a species or it has no island. Its
    /// other fields are the schema's other features it has (the isotope ratios), where the
    /// lake keeps them, so that ``record(_:otherFields:)`` gives its features back.
    public func penguin(_ record: DatasetRecord) -> Penguin? {
        guard let species = self.species(ofClass: record.targetClass),
              let island = level(record.features[islandIndex], in: islands) else { return nil }
        let features = record.features
        var otherFields: [String: JSONValue] = [:]
        for (index, name, levels) in others {
            if let value = Self.value(features[index], levels: levels) { otherFields[name] = value }
        }
        return Penguin(
            id: record.id, species: species, island: island,
            measurements: Measurements(
                billLength: features[measurementIndices[0]], billDepth: features[measurementIndices[1]],
                flipperLength: features[measurementIndices[2]], bodyMass: features[measurementIndices[3]]
            ),
            sex: level(features[sexIndex], in: sexByLevel) ?? nil,
            year: features[yearIndex].map { Int($0) } ?? 0,
            otherFields: otherFields
        )
    }

    /// The penguin a row of a file was read as, for its lake document: ``penguin(_:)`` with
    /// the record's other fields and source line, and each other feature of the schema among
    /// its other fields: a number or a level's name, null when the file has the column
    /// (`fileColumns`, ``SchemaRowParser/featureColumns``) but the row no value, absent when the
    /// file lacks the column.
    public func penguin(read record: DatasetRecord, fileColumns: [Bool]) -> Penguin? {
        guard var penguin = penguin(record) else { return nil }
        var otherFields = record.otherFields
        for (index, name, levels) in others where fileColumns[index] {
            otherFields[name] = Self.value(record.features[index], levels: levels) ?? .null
        }
        penguin.otherFields = otherFields
        penguin.sourceLine = record.sourceLine
        return penguin
    }

    /// The penguin a row of `provenance`'s file was read as (``penguin(read:fileColumns:)``,
    /// with the file's columns when known, else the features the record has).
    public func penguin(read record: DatasetRecord, from provenance: Provenance?) -> Penguin? {
        penguin(read: record, fileColumns: provenance?.featureColumns ?? record.features.map { $0 != nil })
    }

    /// The island of a level index of the island feature, or nil.
    public func island(level value: Double) -> Island? { level(value, in: islands) }

    /// The sex of a level index of the sex feature; nil when missing (NaN).
    public func sex(level value: Double) -> Sex? { level(value, in: sexByLevel) ?? nil }

    /// The class index of `species` (every species is a class of the schema).
    public func targetClass(of species: Species) -> Int { classBySpecies[Species.allCases.firstIndex(of: species)!] }

    /// The species of class index `index`.
    public func species(ofClass index: Int) -> Species? {
        speciesByClass.indices.contains(index) ? speciesByClass[index] : nil
    }

    /// A feature's value as a lake document keeps it: the number, or the name of the level.
    private static func value(_ feature: Double?, levels: [String]?) -> JSONValue? {
        guard let feature, !feature.isNaN else { return nil }
        guard let levels else { return .number(feature) }
        let index = Int(feature)
        return levels.indices.contains(index) ? .string(levels[index]) : nil
    }

    private func level<Value>(_ value: Double?, in values: [Value]) -> Value? {
        guard let value, value >= 0, value < Double(values.count) else { return nil }
        return values[Int(value)]
    }
}
