import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// The penguins' schema evolved: the raw file's `Clutch Completion`, kept in the lake all along,
/// becomes a feature without a new ingestion.
enum PenguinSchemaEvolution {
    /// Ingests the bundled raw file into `platform`, registers and evolves to the edit that adds
    /// `clutch_completion`, then checks a platform opened afterwards (`reopen`): its warehouse
    /// holds the lake's values, ingesting again changes nothing, and a model trains on the feature.
    static func check(_ platform: Platform, reopen: () async throws -> Platform) async throws {
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        let lake = try await platform.lake.scan(after: nil, limit: 1_000)
        var expected: [String: Double] = [:]
        for document in lake {
            let text = try #require(document.body["clutch_completion"]?.stringValue, "\(document.id)")
            expected[document.id] = try #require(["Yes", "No"].firstIndex(of: text)).map(Double.init)
        }
        #expect(Set(expected.values) == [0, 1], "the raw file has clutches of both kinds")

        let schema = BundledSchemas.penguinsWithClutchCompletion
        let datasets = Datasets(catalog: platform.datasets)
        _ = try await datasets.register(schema)
        let report = try await SchemaEvolution(platform: platform, batchSize: 100).evolve(from: BundledSchemas.penguins, to: schema)
        #expect(report.addedFeatures == ["clutch_completion"])
        #expect(report.rows == 344)
        #expect(report.backfilled == ["clutch_completion": 344])

        let following = try await reopen().followingRegisteredPenguinSchema()
        let warehouse = following.warehouse.recordWarehouse
        #expect(warehouse.schema == schema)
        func stored() async throws -> [String: Double] {
            let columns = try await warehouse.columns(featureIndices: [schema.features.count - 1])
            return Dictionary(uniqueKeysWithValues: zip(columns.ids, columns.features[0]))
        }
        #expect(try await stored() == expected)

        _ = try await Ingestor(platform: following).ingest(file: BundledDataset.rawCSV)
        #expect(try await following.lake.scan(after: nil, limit: 1_000) == lake, "the documents keep the column as they did")
        #expect(try await stored() == expected)

        let trained = try await Trainer(platform: following).train(schema: schema, features: ["bill_length_mm", "clutch_completion"])
        #expect(trained.artifact.featureNames == ["bill_length_mm", "clutch_completion"])
        #expect(trained.artifact.trainingRows + trained.artifact.testRows == 342, "two birds have no bill length")
    }
}

@Suite struct SchemaEvolutionTests {
    @Test func thePenguinsGainAFeatureFromTheirLakeInSQLite() async throws {
        let folder = Scratch.directory.appendingPathComponent("penguins-evolution-\(UUID().uuidString)")
        let configuration = PlatformConfiguration(dataDirectory: folder)
        try await PenguinSchemaEvolution.check(try Platform.embedded(configuration)) { try Platform.embedded(configuration) }
    }

    @Test func aPenguinsSchemaThatDropsWhatTheirTypesReadIsRefused() async throws {
        let platform = try temporaryPlatform()
        var schema = BundledSchemas.penguins
        schema.features.removeAll { $0.name == "sex" }
        await #expect(throws: SchemaError.self) { try await Datasets(catalog: platform.datasets).register(schema) }
        #expect(try await platform.datasets.schema(named: "penguins") == nil)
        #expect(await platform.followingRegisteredPenguinSchema().warehouse.recordWarehouse.schema == BundledSchemas.penguins)
    }
}

/// The same on PostgreSQL (enabled by `PENGUINS_TEST_POSTGRES`), in a schema of its own.
@Suite(TestService.postgres.gate("PostgreSQL schema evolution tests"))
struct PostgresSchemaEvolutionTests {
    @Test func thePenguinsGainAFeatureFromTheirLakeInPostgreSQL() async throws {
        let name = "t_evolution_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let postgres = (TestService.postgres.value ?? "") + "&schema=\(name)"
        let configuration = PlatformConfiguration(
            dataDirectory: URL(fileURLWithPath: "/nonexistent"), locations: [.lake: postgres, .warehouse: postgres, .cache: "memory://"])
        let platform = try await Platform.connect(configuration)
        var reopened: [Platform] = []
        try await PenguinSchemaEvolution.check(platform) {
            let platform = try await Platform.connect(configuration)
            reopened.append(platform)
            return platform
        }
        if case .postgres(let location) = try configuration.location(of: .lake) {
            let store = try PostgresStore(location: location)
            try await store.dropSchema()
            await store.shutdown()
        }
        for opened in reopened { await opened.shutdown() }
        await platform.shutdown()
    }
}
