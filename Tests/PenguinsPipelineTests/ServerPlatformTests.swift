import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// How each role's location is chosen: pure, no server involved.
@Suite struct PlatformConfigurationTests {
    private let home = URL(fileURLWithPath: "/srv/penguins")

    @Test func defaultsAreTheEmbeddedStores() throws {
        let configuration = PlatformConfiguration(dataDirectory: home)
        #expect(try configuration.location(of: .lake) == .sqlite(directory: home))
        #expect(try configuration.location(of: .warehouse) == .sqlite(directory: home))
        #expect(try configuration.location(of: .cache) == .memory)
        for role in [StoreRole.registry, .predictionLog, .quarantine] {
            #expect(try configuration.location(of: role) == .sqlite(directory: home))
        }
    }

    @Test func flagsWinOverEnvironmentVariablesAndFollowersFollowTheLake() throws {
        let environment = [
            "PENGUINS_HOME": "/srv/penguins",
            "PENGUINS_LAKE": "postgres://u:p@db:5432/penguins?sslmode=disable",
            "PENGUINS_WAREHOUSE": "postgres://u:p@db:5432/penguins?sslmode=disable",
            "PENGUINS_CACHE": "redis://:p@cache:6379/0",
            "PENGUINS_QUARANTINE": "  ",
        ]
        let configuration = PlatformConfiguration.resolving(
            dataDirectory: nil, locations: [.warehouse: "memory://", .predictionLog: "sqlite:///var/log/penguins"], environment: environment
        )
        let postgres = StoreLocation.postgres(PostgresLocation(host: "db", username: "u", password: "p", database: "penguins", tls: .disable))
        #expect(configuration.dataDirectory == home)
        #expect(try configuration.location(of: .lake) == postgres)
        #expect(try configuration.location(of: .warehouse) == .memory)
        #expect(try configuration.location(of: .cache) == .redis(RedisLocation(host: "cache", password: "p")))
        #expect(try configuration.location(of: .registry) == postgres)
        #expect(try configuration.location(of: .quarantine) == postgres)
        #expect(try configuration.location(of: .predictionLog) == .sqlite(directory: URL(fileURLWithPath: "/var/log/penguins")))
    }

    @Test func aBadLocationFailsWhenThePlatformIsBuilt() {
        let configuration = PlatformConfiguration(dataDirectory: home, locations: [.cache: "postgres://u:secret@db/penguins"])
        #expect {
            try Platform.make(configuration)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("the cache location") && !text.contains("secret") && text.contains("PENGUINS_CACHE")
        }
    }

    @Test func anUnreachableServerIsOneLineNamingTheRole() async throws {
        // Nothing listens on port 1: no server is needed to see the error.
        let configuration = PlatformConfiguration(
            dataDirectory: URL(fileURLWithPath: "/nonexistent"),
            locations: [.lake: "memory://", .warehouse: "postgres://penguins:hidden@127.0.0.1:1/penguins?sslmode=disable", .cache: "memory://"]
        )
        let platform = try Platform.make(configuration)
        do {
            _ = try await platform.warehouse.count()
            Issue.record("a warehouse on port 1 answered")
        } catch {
            let text = String(describing: error)
            #expect(text.hasPrefix("the warehouse at postgres://penguins:***@127.0.0.1:1/penguins"))
            #expect(!text.contains("hidden"))
            #expect(!text.contains("\n"))
        }
        await platform.shutdown()
    }

    @Test func anyMixOfEmbeddedStoresWorks() async throws {
        let folder = Scratch.directory.appendingPathComponent("penguins-mix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = PlatformConfiguration(
            dataDirectory: folder, locations: [.warehouse: "memory://", .cache: "sqlite://\(folder.path)"]
        )
        let platform = try Platform.make(configuration)
        let report = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        #expect(try await platform.lake.count() == report.stored)
        #expect(try await platform.warehouse.count() == report.stored)
        #expect(String(describing: type(of: platform.warehouse)) == "PenguinWarehouse<MemoryRecordWarehouse>")
        #expect(String(describing: type(of: platform.cache.records)) == "SQLiteRecordPredictionCache")
        // The lake, the registry and the quarantine share the data directory's database.
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("penguins.sqlite").path))
        #expect(try await SQLiteStore(directory: folder).quarantine.count() == report.quarantined)
    }
}

/// The whole pipeline on PostgreSQL and Redis (enabled by `PENGUINS_TEST_POSTGRES` and
/// `PENGUINS_TEST_REDIS`, which `scripts/services.sh env` prints), each test in a schema and
/// under a key prefix of its own.
@Suite(TestService.postgres.gate("PostgreSQL pipeline tests"))
struct ServerPlatformTests {
    private static func configuration(_ purpose: String, cache: String = "memory://") -> PlatformConfiguration {
        let name = "t_\(purpose)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let postgres = (TestService.postgres.value ?? "") + "&schema=\(name)"
        return PlatformConfiguration(
            dataDirectory: URL(fileURLWithPath: "/nonexistent"),
            locations: [.lake: postgres, .warehouse: postgres, .cache: cache.replacingOccurrences(of: "PREFIX", with: name + ":")]
        )
    }

    private static func dropSchema(_ configuration: PlatformConfiguration, _ platform: Platform) async throws {
        if case .postgres(let location) = try configuration.location(of: .lake) {
            let store = try PostgresStore(location: location)
            try await store.dropSchema()
            await store.shutdown()
        }
        await platform.shutdown()
    }

    @Test func ingestingTheSameFileTwiceChangesNothing() async throws {
        let configuration = Self.configuration("ingest")
        let platform = try await Platform.connect(configuration)
        let ingestor = Ingestor(platform: platform, batchSize: 100)
        let first = try await ingestor.ingest(file: BundledDataset.rawCSV)
        #expect(first.read == 344)
        #expect(first.read == first.stored + first.quarantined)
        let lake = try await platform.lake.scan(after: nil, limit: 1_000)
        var rows: [WarehouseRow] = []
        try await platform.warehouse.forEachBatch(batchSize: 64) { rows += $0 }
        let quarantined = try await platform.quarantine.count()

        let second = try await ingestor.ingest(file: BundledDataset.rawCSV)
        #expect(second.read == 344)
        #expect(try await platform.lake.scan(after: nil, limit: 1_000) == lake)
        var again: [WarehouseRow] = []
        try await platform.warehouse.forEachBatch(batchSize: 64) { again += $0 }
        #expect(again == rows)
        #expect(try await platform.quarantine.count() == quarantined)
        #expect(lake.count == first.stored)
        try await Self.dropSchema(configuration, platform)
    }

    @Test("statistics counted by PostgreSQL are the statistics of the stored rows, and go on with rows inserted later")
    func statisticsCountedByPostgreSQL() async throws {
        let configuration = Self.configuration("counted")
        let platform = try await Platform.connect(configuration)
        // The raw penguins (missing values, a missing sex) and more rows than three samples hold
        // (the sample is drawn among rows kept by chance then).
        let generated = Scratch.directory.appendingPathComponent("generated-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: generated) }
        try SyntheticGenerator.fittedOnBundledData().write(rows: 6_500, seed: 3, toFileAt: generated)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        _ = try await Ingestor(platform: platform).ingest(file: generated)
        // Iris: partitioned by its target, no categorical feature.
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.irisCSV, dataset: "iris")
        let warehouses = [platform.warehouse.recordWarehouse, try await platform.tables(for: BundledSchemas.iris).warehouse]
        for warehouse in warehouses {
            let schema = warehouse.schema
            let counted = try #require(try await StatisticsAggregate.counted(in: warehouse), "\(schema.name)")
            #expect(counted.version == (try await warehouse.dataVersion()))
            let columns = try await DatasetColumns.load(from: warehouse)
            let folded = StatisticsAggregate(schema: schema, records: columns.records)
            let aggregate = counted.aggregate
            #expect(aggregate.rows == columns.count)
            for groupBy in [nil, schema.target.name] + columns.categoricalNames {
                try StatisticsAggregateTests.expectSame(try aggregate.report(groupBy: groupBy), try folded.report(groupBy: groupBy), "\(schema.name) by \(groupBy ?? "nothing")")
            }
            #expect(aggregate.levelCounts == folded.levelCounts)
            #expect(aggregate.presentTogether == folded.presentTogether)
            let usable = try await warehouse.usableAndScoredByPartition()
            let (summaries, expected) = (aggregate.partitionSummaries(usableAndScored: usable), folded.partitionSummaries(usableAndScored: usable))
            #expect(summaries.map(\.partition) == expected.map(\.partition) && summaries.map(\.countByClass) == expected.map(\.countByClass))
            #expect(summaries.map(\.featureCounts) == expected.map(\.featureCounts))
            for (summary, other) in zip(summaries, expected) {
                #expect(zip(summary.featureSums, other.featureSums).allSatisfy { abs($0 - $1) <= 1e-12 * max(abs($0), abs($1)) })
            }
            // The sample: stored records, each once, as many as a chart draws or all of them.
            let sample = aggregate.sample
            #expect(sample.count == min(StatisticsAggregate.sampleLimit, columns.count), "\(schema.name)")
            #expect(Set(sample.ids).count == sample.count)
            let byID = Dictionary(uniqueKeysWithValues: columns.records.ids.enumerated().map { ($1, $0) })
            for (position, id) in sample.ids.enumerated() {
                let row = try #require(byID[id])
                #expect(sample.targetClasses[position] == columns.records.targetClasses[row])
                #expect(sample.features.indices.allSatisfy { feature in
                    let (a, b) = (sample.features[feature][position], columns.records.features[feature][row])
                    return a == b || (a.isNaN && b.isNaN)
                })
            }
        }
        // What the server and the CLI read first is the store's count; rows inserted later are added to it.
        let warehouse = platform.warehouse.recordWarehouse
        let updates = Updates()
        let first = try await SavedAggregates.bringUpToDate(
            nil as VersionedAggregate<StatisticsAggregate>?, of: warehouse, savedName: "counted-test",
            make: { StatisticsAggregate(schema: $0) }, observe: { updates.append($0) }
        )
        let more = Scratch.directory.appendingPathComponent("more-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: more) }
        try SyntheticGenerator.fittedOnBundledData().write(rows: 300, seed: 4, toFileAt: more)
        // New birds: ids the generated file above did not use.
        try String(contentsOf: more, encoding: .utf8).replacingOccurrences(of: "\nP", with: "\nQ").write(to: more, atomically: true, encoding: .utf8)
        _ = try await Ingestor(platform: platform).ingest(file: more)
        let second = try await SavedAggregates.bringUpToDate(first.kept, of: warehouse, savedName: "counted-test", make: { StatisticsAggregate(schema: $0) }, observe: { updates.append($0) })
        #expect(updates.all == [.counted, .inserted])
        guard case .aggregate(let updated) = second.source else { Issue.record("not kept"); return }
        let columns = try await DatasetColumns.load(from: warehouse)
        #expect(updated.rows == columns.count)
        try StatisticsAggregateTests.expectSame(try updated.report(groupBy: "species"), try StatisticsReport.compute(columns, groupBy: "species"), "after an ingest")
        try await Self.dropSchema(configuration, platform)
    }

    /// The updates a test observes.
    private final class Updates: @unchecked Sendable {
        private let lock = NSLock()
        private var updates: [AggregateUpdate] = []
        func append(_ update: AggregateUpdate) { lock.withLock { updates.append(update) } }
        var all: [AggregateUpdate] { lock.withLock { updates } }
    }

    @Test(TestService.redis.gate("Redis pipeline tests"))
    func trainAndScoreWithTheCacheInRedis() async throws {
        let redis = (TestService.redis.value ?? "") + "?prefix=PREFIX"
        let configuration = Self.configuration("pipeline", cache: redis)
        let platform = try await Platform.connect(configuration)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        let trained = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 5, maxDepth: 4, seed: 1)).train()
        let scored = try await Scorer(platform: platform).score()
        #expect(scored.modelVersion == trained.version)
        #expect(scored.scored == 342)
        #expect(try await platform.cache.count() == scored.cached)
        #expect(scored.cached == 342)
        // Every scored row's prediction is in the warehouse and, under its model version, in Redis.
        var rows: [WarehouseRow] = []
        try await platform.warehouse.forEachBatch(batchSize: 100) { rows += $0 }
        #expect(rows.count == 344)
        let predicted = rows.filter { $0.prediction != nil }
        #expect(predicted.count == 342)
        #expect(rows.filter { $0.prediction == nil }.allSatisfy { !$0.penguin.measurements.isComplete })
        for row in predicted {
            let id = row.penguin.id
            #expect(try await platform.cache.prediction(penguinID: id, modelVersion: trained.version) == row.prediction, "\(id)")
            #expect(try await platform.cache.prediction(penguinID: id, modelVersion: trained.version + 1) == nil, "\(id)")
        }
        try await platform.cache.removeAll()
        try await Self.dropSchema(configuration, platform)
    }
}
