import Foundation
import PenguinsCore
import PenguinsStorage

extension Platform {
    /// True for the bundled default dataset, whose tables are the platform's own (`lake`,
    /// `warehouse`, `quarantine`, ...) rather than tables of its own name.
    public static func isDefaultDataset(_ name: String) -> Bool { name == BundledSchemas.defaultName }

    /// The option a command needs to work on dataset `name`, with its leading space: none for
    /// the default dataset, ` --dataset NAME` for another. What messages suggesting a command use.
    public static func datasetOption(_ name: String) -> String {
        isDefaultDataset(name) ? "" : " --dataset \(name)"
    }

    /// The schema of dataset `name`: its newest registered version, else the bundled one.
    /// - Throws: ``PipelineError/unknownDataset(_:known:)``.
    public func schema(ofDataset name: String) async throws -> DatasetSchema {
        try await Datasets(catalog: datasets).dataset(named: name).schema
    }

    /// The quarantine of dataset `name`.
    public func quarantine(ofDataset name: String) async throws -> any Quarantine {
        try await tables(for: schema(ofDataset: name)).quarantine
    }
}

extension Platform {
    /// The warehouse the models of `schema`'s dataset learn from and the registry that keeps
    /// them (for the default dataset, the penguins', which the served penguins' models come from).
    public func modelStores(of schema: DatasetSchema) async throws -> (warehouse: any RecordWarehouse, registry: any ModelRegistry) {
        let stores = try await tables(for: schema)
        return (stores.warehouse, stores.registry)
    }

    /// The warehouse of `schema`'s dataset, read as records.
    public func recordWarehouse(of schema: DatasetSchema) async throws -> any RecordWarehouse {
        try await tables(for: schema).warehouse
    }

    /// The model registry of dataset `name`.
    public func registry(ofDataset name: String) async throws -> any ModelRegistry {
        try await tables(for: schema(ofDataset: name)).registry
    }
}

extension Ingestor {
    /// Ingests `file` into dataset `name`, read with its schema (``DatasetIngestor``); the
    /// penguins with the schema of their warehouse.
    public func ingest(
        file: URL, dataset name: String, overrides: CSVDialect.Overrides = .none,
        progress: @Sendable (IngestProgress) -> Void = { _ in }
    ) async throws -> IngestReport {
        if Platform.isDefaultDataset(name) { return try await ingest(file: file, overrides: overrides, progress: progress) }
        let schema = try await platform.schema(ofDataset: name)
        return try await DatasetIngestor(platform: platform, batchSize: batchSize, keepsSummaries: keepsSummaries)
            .ingest(file: file, schema: schema, overrides: overrides, progress: progress)
    }
}

extension Platform {
    /// The platform with the penguins' lake, warehouse and prediction log read and written with
    /// their newest registered schema, when an edited one is registered (a feature added with
    /// `penguins datasets add penguins --schema FILE`): the same tables, brought up to that
    /// schema (``tables(for:)``), so that ingestion fills the added columns and models, analyses
    /// and the API can use them. Unchanged when none is registered, when the registered schema
    /// departs from what the penguins' own types read (``PenguinsCore/PenguinRecords/departures(of:from:)``,
    /// which registration refuses), or when the catalog cannot be read now (the next use of the
    /// stores reports why).
    public func followingRegisteredPenguinSchema() async -> Platform {
        guard let registered = try? await datasets.schema(named: BundledSchemas.defaultName),
              let schema = try? DatasetSchema(yaml: registered.document, source: "the catalog's penguins schema"),
              schema != warehouse.recordWarehouse.schema, PenguinRecords.departures(of: schema).isEmpty,
              let stores = try? await tables(for: schema)
        else { return self }
        var platform = self
        platform.lake = stores.lake
        platform.warehouse = Self.penguinWarehouse(over: stores.warehouse)
        platform.predictionLog = stores.predictionLog
        return platform
    }

    private static func penguinWarehouse<Records: RecordWarehouse>(over records: Records) -> any PenguinWarehouseView {
        PenguinWarehouse(records: records)
    }
}
