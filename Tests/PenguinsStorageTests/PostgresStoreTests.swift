import Foundation
import PenguinsCore
@testable import PenguinsStorage
import NIOCore
import NIOPosix
import PostgresNIO
import PenguinsTestSupport
import Testing

/// The role contracts against a real PostgreSQL server, each test in a schema of its own, plus
/// what only the PostgreSQL backend promises: recorded migrations, island partitions, JSONB
/// queries, and the server's refusal of a wrong password reported without the password.
@Suite(TestService.postgres.gate())
struct PostgresStoreTests {
    @Test func lakeContract() async throws {
        try await TestServers.withPostgresStore("lake") { try await checkLakeContract($0.lake) }
    }

    @Test func warehouseContract() async throws {
        try await TestServers.withPostgresStore("warehouse") { try await checkWarehouseContract($0.warehouse) }
        try await TestServers.withPostgresStore("warehouse_batches") { try await checkWarehouseBatchesAndAggregates($0.warehouse) }
        try await TestServers.withPostgresStore("warehouse_changes") { try await checkWarehouseChangeLog($0.warehouse) }
    }

    @Test func modelRegistryContract() async throws {
        try await TestServers.withPostgresStore("registry") { try await checkModelRegistryContract($0.registry) }
    }

    @Test func datasetCatalogContract() async throws {
        try await TestServers.withPostgresStore("datasets") { try await checkDatasetCatalogContract($0.datasets) }
    }

    @Test func accessKeyStoreContract() async throws {
        try await TestServers.withPostgresStore("access_keys") { try await checkAccessKeyStoreContract($0.accessKeys) }
    }

    @Test func penguinPredictionLogContract() async throws {
        try await TestServers.withPostgresStore("log") { try await checkPenguinPredictionLogContract($0.predictionLog) }
    }

    @Test func predictionFeedbackContract() async throws {
        try await TestServers.withPostgresStore("feedback") { try await checkPredictionFeedbackContract($0.predictionLog) }
    }

    @Test func quarantineContract() async throws {
        try await TestServers.withPostgresStore("quarantine") { try await checkQuarantineContract($0.quarantine) }
    }

    @Test func datasetTablesContract() async throws {
        try await TestServers.withPostgresStore("dataset_tables") { try await checkDatasetTablesContract($0) }
    }

    @Test func savedAggregatesContract() async throws {
        try await TestServers.withPostgresStore("aggregates") { try await checkSavedAggregatesContract($0, saves: true) }
    }

    @Test func insertionsContract() async throws {
        try await TestServers.withPostgresStore("insertions") { try await checkInsertionsContract($0, keepsLog: true) }
    }

    @Test func insertionLogIsBounded() async throws {
        try await TestServers.withPostgresStore("insertion_log") { try await checkInsertionLogIsBounded($0) }
    }

    /// A dataset's schema gains a feature: the PostgreSQL warehouse gains its column, once, in
    /// every partition; a second store on the same schema sees the tables as they are.
    @Test func datasetTablesEvolve() async throws {
        try await TestServers.withPostgresStore("dataset_evolution") { store in
            var others: [PostgresStore] = []
            try await checkDatasetTablesEvolution({
                let other = try PostgresStore(location: store.location, maximumConnections: 2)
                others.append(other)
                return other
            }) { name in try await store.datasetMigrations(of: name) }
            for other in others { await other.shutdown() }
        }
    }

    /// Each level of a dataset's partition column has a partition of its own; a record that
    /// changes level moves to the other one.
    @Test func datasetRowsLandInTheirPartitions() async throws {
        try await TestServers.withPostgresStore("dataset_partitions") { store in
            let warehouse = try #require(try await store.warehouse(for: otterSchema()) as? PostgresRecordWarehouse)
            try await warehouse.upsert([otter("o1", kind: 0, site: 0, length: 80, coat: 1), otter("o2", kind: 1, site: 1, length: 90, coat: nil)])
            #expect(try await warehouse.partition(ofRecord: "o1") == "ds_otters_warehouse_p0")
            #expect(try await warehouse.partition(ofRecord: "o2") == "ds_otters_warehouse_p1")
            #expect(try await warehouse.partition(ofRecord: "nobody") == nil)
            try await warehouse.upsert([otter("o1", kind: 0, site: 1, length: 80, coat: 1)])
            #expect(try await warehouse.partition(ofRecord: "o1") == "ds_otters_warehouse_p1")
            #expect(try await warehouse.count() == 2)
        }
    }

    /// A read of a whole table takes as long as the table is large: the operation timeout (for
    /// a point operation) does not cut it short, the bulk one would.
    @Test func wholeTableReadsOutlastTheOperationTimeout() async throws {
        try await TestServers.withPostgresStore("bulk_reads") { prepared in
            // The tables are made and filled under the usual limit (a loaded machine may take
            // seconds to make them); then a store with a short one, which its point operations
            // keep to, reads them for longer.
            let rows = try #require(try await prepared.warehouse(for: otterSchema()) as? PostgresRecordWarehouse)
            try await rows.upsert((0..<6).map { otter("o\($0)", kind: $0 % 2, site: $0 % 2, length: Double(80 + $0), coat: 1) })
            let store = try PostgresStore(location: prepared.location, maximumConnections: 4, operationTimeout: .seconds(4))
            do {
                let warehouse = try #require(try await store.warehouse(for: otterSchema()) as? PostgresRecordWarehouse)
                // A chunk at a time, each taking a second: 6 s in all.
                let folded = try await warehouse.foldColumns(featureIndices: [0], chunk: 1, into: 0) { seen, records in
                    Thread.sleep(forTimeInterval: 1)
                    seen += records.count
                    return true
                }
                #expect(folded?.state == 6)
                #expect(store.bulkOperationTimeout == .seconds(900))
                await #expect(throws: StorageError.self) {
                    try await store.run(.warehouse) { client in try await client.query("SELECT pg_sleep(6)") }
                }
            } catch {
                await store.shutdown()
                throw error
            }
            await store.shutdown()
        }
    }

    @Test func migrationsAreNamedOrderedAndAppliedOnce() async throws {
        try await TestServers.withPostgresStore("migrations") { store in
            let expected = ["v1-lake", "v1-warehouse", "v1-registry", "v1-prediction-log", "v1-quarantine", "v2-warehouse-spark", "v3-warehouse-changes", "v4-dataset-schemas", "v5-lake-sources", "v6-dataset-migrations", "v7-access-keys", "v8-model-audit", "v9-drop-lake-features-index"]
            #expect(try await store.appliedMigrations() == expected)
            // A second store on the same schema applies nothing again and sees the same data.
            try await store.lake.upsert([Fixtures.penguin("p-1")])
            let again = try PostgresStore(location: store.location)
            try await again.prepare()
            #expect(try await again.appliedMigrations() == expected)
            #expect(try await again.lake.count() == 1)
            await again.shutdown()
        }
    }

    @Test func eachPenguinLandsInItsIslandsPartition() async throws {
        try await TestServers.withPostgresStore("partitions") { store in
            try await store.warehouse.upsert([
                Fixtures.penguin("b-1", .gentoo, .biscoe),
                Fixtures.penguin("d-1", .chinstrap, .dream),
                Fixtures.penguin("t-1", .adelie, .torgersen),
            ])
            // One partition per island, in the order the schema lists them.
            let records = store.warehouse.records
            #expect(try await records.partition(ofRecord: "b-1") == "ds_penguins_warehouse_p0")
            #expect(try await records.partition(ofRecord: "d-1") == "ds_penguins_warehouse_p1")
            #expect(try await records.partition(ofRecord: "t-1") == "ds_penguins_warehouse_p2")
            #expect(try await records.partition(ofRecord: "nobody") == nil)

            // Moving island moves the row to the other partition, leaving no copy behind.
            try await store.warehouse.upsert([Fixtures.penguin("b-1", .gentoo, .dream)])
            #expect(try await records.partition(ofRecord: "b-1") == "ds_penguins_warehouse_p1")
            #expect(try await store.warehouse.count() == 3)
        }
    }

    @Test func changedMeasurementsClearBothModelsPredictions() async throws {
        try await TestServers.withPostgresStore("spark_columns") { store in
            let warehouse = store.warehouse
            let schema = try #require(store.location.schema)
            try await warehouse.upsert([Fixtures.penguin("p-1"), Fixtures.penguin("p-2")])
            try await warehouse.writePredictions([("p-1", Fixtures.prediction(.adelie)), ("p-2", Fixtures.prediction(.adelie))])
            try await warehouse.prepareForSpark()
            try await TestServers.withAdministrator { connection, logger in
                try await connection.query(PostgresQuery(unsafeSQL: """
                    CREATE TABLE \(schema).spark_staging_test AS
                    SELECT penguin_id, island, species, 'Gentoo'::text AS spark_species FROM \(schema).ds_penguins_warehouse
                    """), logger: logger)
            }
            #expect(try await warehouse.mergeSparkPredictions(fromStaging: "spark_staging_test", modelVersion: 1, at: Date()) == 2)
            let before = try #require(try await warehouse.shadowComparison(modelVersion: 1, limit: 10))
            #expect(before.compared == 2 && before.agreed == 0)

            // p-1 is measured anew, p-2 is sent again unchanged.
            try await warehouse.upsert([Fixtures.penguin("p-1", bodyMass: 4000), Fixtures.penguin("p-2")])
            var sparkSpecies: [String: String?] = [:]
            try await TestServers.withAdministrator { connection, logger in
                let rows = try await connection.query(PostgresQuery(unsafeSQL:
                    "SELECT penguin_id, spark_predicted_class FROM \(schema).ds_penguins_warehouse ORDER BY penguin_id"), logger: logger)
                for try await (id, species) in rows.decode((String, String?).self) { sparkSpecies[id] = species }
            }
            #expect(sparkSpecies == ["p-1": nil, "p-2": "Gentoo"])
            #expect(try await warehouse.row(id: "p-1")?.prediction == nil)
            #expect(try await warehouse.shadowComparison(modelVersion: 1, limit: 10)?.compared == 1)
        }
    }

    @Test func valuesTravelAsParametersNotSQL() async throws {
        try await TestServers.withPostgresStore("injection") { store in
            let hostile = "x'); DROP TABLE lake; --"
            let penguin = Fixtures.penguin(hostile, otherFields: ["comment": .string("'; DELETE FROM warehouse; --")])
            try await store.lake.upsert([penguin])
            try await store.warehouse.upsert([penguin])
            #expect(try await store.lake.document(id: hostile)?.body == penguin.document)
            #expect(try await store.warehouse.row(id: hostile)?.penguin.id == hostile)
            // An island the schema lacks is refused by name, not passed to SQL.
            var stray = penguin
            stray.island = Island(rawValue: "O'Brien")
            await #expect(throws: StorageError.self) { try await store.warehouse.upsert([stray]) }
            #expect(try await store.warehouse.count() == 1)
            #expect(try await store.lake.count() == 1)
            try await store.quarantine.append([QuarantinedRow(file: "a'b.csv", line: 2, rawText: "';--", reason: "r'", quarantinedAt: Date())])
            #expect(try await store.quarantine.rows(limit: 5).first?.file == "a'b.csv")
        }
    }

    @Test func aWrongPasswordIsReportedByTheServer() async throws {
        var location = try #require(TestServers.postgres)
        location.password = "not-the-password"
        // The server refuses at once; the limit only has to outlast a busy machine's connect.
        let store = try PostgresStore(location: location, operationTimeout: .seconds(15))
        let error = await #expect(throws: StorageError.self) { try await store.warehouse.count() }
        #expect("\(error.map(String.init(describing:)) ?? "")".contains("password authentication failed"))
        #expect(!"\(error.map(String.init(describing:)) ?? "")".contains("not-the-password"))
        await store.shutdown()
    }
}

/// The PostgreSQL store's errors that need no server.
@Suite struct PostgresStoreErrorTests {
    @Test func anUnreachableServerIsUnavailableWithThePasswordMasked() async throws {
        let location = PostgresLocation(
            host: "127.0.0.1", port: try await closedPort(), username: "penguins", password: "sekrit-password",
            database: "penguins", tls: .disable
        )
        let store = try PostgresStore(location: location, operationTimeout: .seconds(5))
        defer { Task { await store.shutdown() } }
        do {
            _ = try await store.lake.count()
            Issue.record("a count on a closed port succeeded")
        } catch let error as StorageError {
            guard case .unavailable(let role, let shown, let reason) = error else {
                Issue.record("expected unavailable, got \(error)")
                return
            }
            #expect(role == "lake")
            #expect(shown.contains("***"))
            #expect(!"\(error)".contains("sekrit-password"))
            #expect(reason.contains("cannot connect"))
            #expect(!"\(error)".contains("\n"))
        }
    }
}

/// A loopback port with nothing listening: bound, read and released.
func closedPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = try #require(channel.localAddress?.port)
    try await channel.close()
    return port
}
