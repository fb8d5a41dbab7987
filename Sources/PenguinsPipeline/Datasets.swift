import Foundation
import PenguinsCore
import PenguinsStorage

/// A dataset as the platform knows it: its schema and where that schema comes from.
public struct DatasetDescription: Sendable, Encodable {
    public var name: String
    /// The registered version, or 0 for a bundled schema not registered yet.
    public var version: Int
    public var fingerprint: String
    /// When the version was registered; nil for a bundled schema not registered yet.
    public var registeredAt: Date?
    /// The platform ships this dataset's schema (and data file).
    public var bundled: Bool
    public var schema: DatasetSchema
    /// What the platform stores of the dataset, when asked for (``Platform/describeStoredData(of:)``).
    public var stored: StoredData?
    /// What registering this version did to the stored rows, when it changed the schema.
    public var evolution: EvolutionReport?

    /// Spelled out in snake_case, so that a JSON encoder needs no key strategy (which would
    /// also rewrite the schema's alias keys, raw values such as `Adelie Penguin (...)`).
    enum CodingKeys: String, CodingKey {
        case name, version, fingerprint, bundled, schema, stored, evolution
        case registeredAt = "registered_at"
    }
}

/// How much of a dataset is stored: warehouse rows (by partition), lake documents, quarantined rows.
public struct StoredData: Sendable, Codable, Equatable {
    public var rows: Int
    public var partitions: [String: Int]
    public var documents: Int
    public var quarantined: Int
}

extension Platform {
    /// The number of quarantined rows of `dataset`.
    public func quarantinedRows(of dataset: DatasetDescription) async throws -> Int {
        try await tables(for: dataset.schema).quarantine.count()
    }

    /// The counts of what is stored of `dataset`.
    public func describeStoredData(of dataset: DatasetDescription) async throws -> StoredData {
        let stores = try await tables(for: dataset.schema)
        return StoredData(
            rows: try await stores.warehouse.count(), partitions: try await stores.warehouse.countsByPartition(),
            documents: try await stores.lake.count(), quarantined: try await stores.quarantine.count())
    }
}

/// The datasets of a platform: the bundled schemas and those registered in its catalog.
/// A registered version of a bundled name (an edited penguins schema) takes its place.
public struct Datasets: Sendable {
    public var catalog: any DatasetCatalog

    public init(catalog: any DatasetCatalog) { self.catalog = catalog }

    /// Registers `schema` (validated first) as its dataset's newest version. Registering an
    /// unchanged schema adds no version. An edited schema of the default dataset must keep what
    /// the penguins' own types read of it (``PenguinsCore/PenguinRecords/departures(of:from:)``).
    /// - Throws: ``SchemaError`` for an invalid schema, or a storage error.
    public func register(_ schema: DatasetSchema, at time: Date = Date()) async throws -> DatasetDescription {
        try schema.validate()
        if Platform.isDefaultDataset(schema.name), let departure = PenguinRecords.departures(of: schema).first {
            throw SchemaError.invalid(
                schema: schema.name, field: departure.field,
                problem: departure.problem + " (an edited penguins schema may add features, aliases and kept columns, not change these)")
        }
        let stored = try await catalog.register(name: schema.name, fingerprint: schema.fingerprint, document: schema.yaml(), at: time)
        return try describe(stored)
    }

    /// The dataset `name`: its newest registered schema, else its bundled one.
    /// - Throws: ``PipelineError/unknownDataset(_:known:)`` when there is neither.
    public func dataset(named name: String) async throws -> DatasetDescription {
        if let stored = try await catalog.schema(named: name) { return try describe(stored) }
        if let bundled = BundledSchemas.all.first(where: { $0.name == name }) { return Self.describe(bundled: bundled) }
        throw PipelineError.unknownDataset(name, known: try await list().map(\.name))
    }

    /// Every dataset, ordered by name.
    public func list() async throws -> [DatasetDescription] {
        var byName: [String: DatasetDescription] = [:]
        for bundled in BundledSchemas.all { byName[bundled.name] = Self.describe(bundled: bundled) }
        for stored in try await catalog.schemas() { byName[stored.name] = try describe(stored) }
        return byName.keys.sorted().map { byName[$0]! }
    }

    /// Every dataset's name: the default first, then the others by name. Reads no schema.
    public func names() async throws -> [String] {
        let others = Set(BundledSchemas.all.map(\.name) + (try await catalog.schemas()).map(\.name)).subtracting([BundledSchemas.defaultName])
        return [BundledSchemas.defaultName] + others.sorted()
    }

    /// Every registered version of `name`, newest first (empty for a bundled schema never registered).
    public func versions(of name: String) async throws -> [DatasetDescription] {
        try await catalog.versions(of: name).map(describe)
    }

    private func describe(_ stored: RegisteredSchema) throws -> DatasetDescription {
        let schema = try DatasetSchema(yaml: stored.document, source: "the catalog's schema \(stored.name) v\(stored.version)")
        return DatasetDescription(
            name: stored.name, version: stored.version, fingerprint: stored.fingerprint, registeredAt: stored.registeredAt,
            bundled: BundledSchemas.all.contains { $0.name == stored.name }, schema: schema)
    }

    private static func describe(bundled schema: DatasetSchema) -> DatasetDescription {
        DatasetDescription(name: schema.name, version: 0, fingerprint: schema.fingerprint, registeredAt: nil, bundled: true, schema: schema)
    }
}
