/// The penguins as records of their bundled schema (``BundledSchemas/penguins``) and back: what
/// lets the penguins' own types read and write the tables every dataset has.
///
/// A penguin's measurements, island, sex and year are features of the schema; any other numeric
/// feature of the schema (the isotope ratios `delta_15_n` and `delta_13_c`) is taken from the
/// penguin's `otherFields`, where the parser of the raw layout keeps them, and leaves them.
public struct PenguinRecords: Sendable {
    public let schema: DatasetSchema
    /// The index in the schema of each ``Feature``, in `Feature.allCases` order.
    public let measurementIndices: [Int]
    let islandIndex: Int
    let sexIndex: Int
    let yearIndex: Int
    /// The schema's other numeric features: (index, name).
    let otherNumeric: [(index: Int, name: String)]

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
        let known = Set(measurementIndices + [islandIndex, sexIndex, yearIndex])
        otherNumeric = schema.features.indices
            .filter { !known.contains($0) && schema.features[$0].kind == .numeric }
            .map { ($0, schema.features[$0].name) }
    }

    /// The shared conversions of the bundled schema.
    public static let bundled = PenguinRecords()

    /// The record of `penguin`. Its other fields, but for the schema's other numeric features,
    /// and its source line come along.
    public func record(_ penguin: Penguin) -> DatasetRecord {
        var features = [Double?](repeating: nil, count: schema.features.count)
        for (feature, index) in zip(Feature.allCases, measurementIndices) { features[index] = penguin.measurements[feature] }
        features[islandIndex] = level(penguin.island.rawValue, of: islandIndex)
        features[sexIndex] = penguin.sex.flatMap { level($0.rawValue, of: sexIndex) }
        features[yearIndex] = Double(penguin.year)
        var otherFields = penguin.otherFields
        for (index, name) in otherNumeric {
            features[index] = otherFields.removeValue(forKey: name)?.numberValue
        }
        return DatasetRecord(
            id: penguin.id, targetClass: targetClass(of: penguin.species),
            features: features, otherFields: otherFields, sourceLine: penguin.sourceLine
        )
    }

    /// The penguin of `record`, without other fields; nil when its class is not a species or it
    /// has no island.
    public func penguin(_ record: DatasetRecord) -> Penguin? {
        guard schema.target.classes.indices.contains(record.targetClass),
              let species = Species(rawValue: schema.target.classes[record.targetClass]),
              let island = levelName(record.features[islandIndex], of: islandIndex) else { return nil }
        var measurements = Measurements(billLength: nil, billDepth: nil, flipperLength: nil, bodyMass: nil)
        for (feature, index) in zip(Feature.allCases, measurementIndices) { measurements[feature] = record.features[index] }
        return Penguin(
            id: record.id, species: species, island: Island(rawValue: island), measurements: measurements,
            sex: levelName(record.features[sexIndex], of: sexIndex).flatMap(Sex.init(rawValue:)),
            year: record.features[yearIndex].map { Int($0) } ?? 0
        )
    }

    /// The class index of `species` (every species is a class of the schema).
    public func targetClass(of species: Species) -> Int { schema.target.classes.firstIndex(of: species.rawValue)! }

    /// The species of class index `index`.
    public func species(ofClass index: Int) -> Species? {
        schema.target.classes.indices.contains(index) ? Species(rawValue: schema.target.classes[index]) : nil
    }

    private func level(_ name: String, of feature: Int) -> Double? {
        schema.features[feature].levels.firstIndex(of: name).map(Double.init)
    }

    private func levelName(_ value: Double?, of feature: Int) -> String? {
        guard let value, value >= 0 else { return nil }
        let levels = schema.features[feature].levels
        let index = Int(value)
        return levels.indices.contains(index) ? levels[index] : nil
    }
}
