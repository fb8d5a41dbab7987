import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import PenguinsTestSupport
import Testing
@testable import PenguinsSpark

private let environment = ProcessInfo.processInfo.environment
private let sparkURL = TestService.spark.value
private let postgresURL = TestService.postgres.value

/// A port on 127.0.0.1 where nothing listens.
private func closedPort() -> Int { 1 }

/// Against a real Spark Connect server (`PENGUINS_TEST_SPARK`, printed by `scripts/services.sh
/// env`); the pipeline tests also need `PENGUINS_TEST_POSTGRES`, and each runs in a schema of
/// its own, dropped at the end.
@Suite(.serialized, TestService.spark.gate("Spark tests"))
struct SparkIntegrationTests {
    private var url: SparkConnectURL { get throws { try SparkConnectURL(parsing: sparkURL ?? "") } }

    @Test func reportsTheServersSparkVersion() async throws {
        let version = try await SparkConnectSession.with(try url) { try await $0.sparkVersion() }
        #expect(version.hasPrefix("4."))
    }

    @Test func setsAndReadsSessionConfiguration() async throws {
        let values = try await SparkConnectSession.with(try url) { session in
            try await session.setConfig(["spark.sql.shuffle.partitions": "3"])
            return try await session.config(["spark.sql.shuffle.partitions"])
        }
        #expect(values["spark.sql.shuffle.partitions"] == "3")
    }

    @Test func resolvesSchemasAndRunsPlans() async throws {
        let relation = SparkRelation.sql("SELECT id, id * 2 AS twice FROM range(10)").filter(.function(">", [.column("id"), .integer(4)]))
        let (schema, execution) = try await SparkConnectSession.with(try url) { session in
            (try await session.schema(of: relation), try await session.execute(relation.plan, operation: "count"))
        }
        #expect(schema.struct.fields.map(\.name) == ["id", "twice"])
        #expect(execution.rowCount == 5)
    }

    @Test func surfacesSparksOwnMessage() async throws {
        await #expect {
            try await SparkConnectSession.with(try url) { session in
                _ = try await session.execute(SparkRelation.sql("SELECT * FROM no_such_table_penguins").plan, operation: "read a missing table")
            }
        } throws: { error in
            guard case SparkError.failed(let operation, let message) = error else { return false }
            return operation == "read a missing table" && message.contains("TABLE_OR_VIEW_NOT_FOUND")
        }
    }

    @Test func interruptStopsARunningOperation() async throws {
        let sleeping = SparkRelation.sql("SELECT java_method('java.lang.Thread', 'sleep', 60000L)").plan
        try await SparkConnectSession.with(try url) { session in
            let operationID = UUID().uuidString.lowercased()
            let running = Task { try await session.execute(sleeping, operation: "sleep", operationID: operationID) }
            try await Task.sleep(for: .seconds(2))
            let interrupted = try await session.interrupt(operationID: operationID)
            #expect(interrupted == [operationID])
            let result = await running.result
            #expect(throws: SparkError.self) { try result.get() }
        }
    }

    @Test func cancellingStopsTheOperation() async throws {
        let url = try url
        let task = Task {
            try await SparkConnectSession.with(url) { session in
                // A job that still runs when the task is cancelled, and idles (the other
                // suites run meanwhile): one task sleeping for a minute.
                _ = try await session.execute(
                    SparkRelation.sql("SELECT java_method('java.lang.Thread', 'sleep', 60000L)").plan, operation: "sleep"
                )
            }
        }
        try await Task.sleep(for: .seconds(2))
        task.cancel()
        let result = await task.result
        #expect(throws: (any Error).self) { try result.get() }
    }

    // MARK: The pipeline on PostgreSQL

    private static func configuration(_ purpose: String) -> PlatformConfiguration {
        let name = "t_spark_\(purpose)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10)
        let postgres = (postgresURL ?? "") + "&schema=\(name)"
        return PlatformConfiguration(
            dataDirectory: URL(fileURLWithPath: "/nonexistent"),
            locations: [.lake: postgres, .warehouse: postgres, .cache: "memory://"]
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

    private static var modelRoot: String {
        environment["PENGUINS_SPARK_MODELS"] ?? Scratch.directory.appendingPathComponent("penguins-spark-test-models").path
    }

    @Test(TestService.postgres.gate("Spark pipeline tests"))
    func trainsAndScoresThePalmerDataOnTheCluster() async throws {
        let configuration = Self.configuration("pipeline")
        let platform = try await Platform.connect(configuration)
        do {
            _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
            let trained = try await SparkTrainer(
                platform: platform, url: try url, parameters: RandomForestClassifier(), testFraction: 0.2, modelRoot: Self.modelRoot
            ).train()
            #expect(trained.spark.accuracy >= 0.95)
            #expect(trained.spark.macroF1 >= 0.9)
            #expect(trained.spark.f1ByLabel.count == Species.allCases.count)
            #expect(trained.spark.sparkVersion.hasPrefix("4."))
            #expect(trained.swift.artifact.metrics.accuracy >= 0.95)

            // One registry version holds both models; it is current.
            let current = try await platform.currentModel()
            #expect(current.version == trained.swift.version)
            #expect(current.artifact.spark == trained.spark)
            #expect(try await platform.modelVersions().first?.spark?.modelPath == trained.spark.modelPath)

            let scored = try await SparkScorer(platform: platform, url: try url).score()
            var complete = 0
            try await platform.warehouse.forEachBatch(batchSize: 1_000) { rows in
                complete += rows.filter(\.penguin.measurements.isComplete).count
            }
            // Every complete warehouse row got a Spark prediction, and the Swift pass refilled the cache.
            #expect(scored.sparkScored == complete)
            #expect(scored.swift.scored == complete)
            #expect(try await platform.cache.count() == complete)
            let shadow = try #require(scored.shadow)
            #expect(shadow.compared == complete)
            #expect(shadow.agreementRate >= 0.95)
            #expect(shadow.disagreements.count == min(20, shadow.compared - shadow.agreed))
            for row in shadow.disagreements { #expect(row.swift != row.spark) }
            for row in shadow.disagreements { #expect(["Biscoe", "Dream", "Torgersen"].contains(row.partition)) }
            // The model page's comparison, by species and island, of the same columns.
            let warehouse = try #require(platform.warehouse as? any SparkWarehouse)
            let bySpecies = try #require(try await warehouse.shadowComparison(modelVersion: scored.modelVersion, limit: 20))
            #expect(bySpecies.compared == shadow.compared && bySpecies.agreed == shadow.agreed)
            if shadow.compared - shadow.agreed <= 20 {
                #expect(Set(bySpecies.disagreements.map(\.penguinID)) == Set(shadow.disagreements.map(\.id)))
            }
            #expect(try await warehouse.shadowComparison(modelVersion: scored.modelVersion + 1, limit: 5) == nil)

            // The scheduled score on the cluster takes every dataset's path, the penguins' too.
            let scheduled = try await ScheduledWork(platform: platform, scoring: SparkBatchScoring(url: try url)).score()
            #expect(scheduled == "penguins: Spark scored \(complete) rows and the Swift model \(complete) with model version \(scored.modelVersion)")
            #expect(try await warehouse.shadowComparison(modelVersion: scored.modelVersion, limit: 5)?.agreed == shadow.agreed)

            // The penguins on chosen features (`train --features`): an isotope ratio and the
            // categorical island, on the cluster and in Swift; the served model scores them.
            let features = ["bill_length_mm", "flipper_length_mm", "delta_15_n", "island"]
            let chosen = try await SparkTrainer(
                platform: platform, url: try url, parameters: RandomForestClassifier(), testFraction: 0.2, modelRoot: Self.modelRoot, force: true
            ).train(dataset: BundledSchemas.penguins, features: features)
            #expect(chosen.swift.artifact.featureNames == features)
            #expect(chosen.spark.accuracy >= 0.9)
            #expect(try await platform.currentModel().version == chosen.swift.version)
            let rescored = try await SparkScorer(platform: platform, url: try url).score()
            let records = platform.warehouse.recordWarehouse
            let indices = features.map { name in records.schema.features.firstIndex { $0.name == name }! }
            let columns = try await records.columns(featureIndices: indices)
            let usable = (0..<columns.count).filter { row in columns.features.allSatisfy { !$0[row].isNaN } }.count
            #expect(usable < complete, "some birds have no isotope ratios")
            #expect(rescored.sparkScored == usable)
            #expect(rescored.swift.scored == usable)
            #expect(rescored.shadow?.compared == usable)
            #expect((rescored.shadow?.agreementRate ?? 0) >= 0.9)
        } catch {
            try? await Self.dropSchema(configuration, platform)
            throw error
        }
        try await Self.dropSchema(configuration, platform)
    }

    /// A dataset the platform has no code for, with categorical features: the tidy Palmer file
    /// registered under a name of its own, its island and sex inferred as categorical. Spark
    /// trains on them as the Swift model does (each level as its index in the schema), which is
    /// checked row by row: the cluster writes its encoded rows to a table by JDBC, and they must
    /// equal the Swift model's encoding of the warehouse.
    @Test(TestService.postgres.gate("Spark pipeline tests"))
    func trainsADatasetWithCategoricalFeaturesOnTheCluster() async throws {
        let configuration = Self.configuration("dataset")
        let platform = try await Platform.connect(configuration)
        do {
            let schema = try DatasetSchema.infer(
                name: "palmer", file: BundledDataset.tidyCSV,
                options: SchemaInferenceOptions(target: "species", partition: "island"))
            _ = try await Datasets(catalog: platform.datasets).register(schema)
            _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV, dataset: "palmer")
            let features = ["bill_length_mm", "flipper_length_mm", "island", "sex"]
            #expect(features.map { name in schema.features.first { $0.name == name }?.kind } == [.numeric, .numeric, .categorical, .categorical])

            let trained = try await SparkTrainer(
                platform: platform, url: try url, parameters: RandomForestClassifier(), testFraction: 0.2, modelRoot: Self.modelRoot
            ).train(dataset: schema, features: features)
            #expect(trained.spark.accuracy >= 0.9)
            #expect(trained.spark.f1ByLabel.count == 3)
            #expect(trained.spark.modelPath.contains("/palmer-"))
            #expect(trained.swift.artifact.featureNames == features)
            #expect(trained.swift.artifact.metrics.accuracy >= 0.9)
            let stores = try await platform.tables(for: schema)
            let current = try await DatasetModel.current(of: schema, in: stores.registry)
            #expect(current.version == trained.swift.version)
            #expect(current.artifact.spark == trained.spark)

            // The cluster's encoded rows, written back to PostgreSQL and read with psql.
            let location = try #require(try Self.postgresLocation(configuration))
            let indices = try Trainer.featureIndices(features, in: schema)
            let source = JDBCSource(location)
            let pipeline = DatasetPipeline(schema: schema, featureIndices: indices, source: source, parameters: RandomForestClassifier())
            try await SparkConnectSession.with(try url) { session in
                _ = try await session.execute(
                    pipeline.complete().write(format: "jdbc", options: source.writeOptions(table: "spark_encoding"), mode: .overwrite),
                    operation: "write the encoded rows")
            }
            let output = try await runProgram("/usr/bin/psql", [
                "postgresql://\(location.username):\(location.password ?? "")@\(location.host):\(location.port)/\(location.database)?sslmode=disable",
                "-At", "-F", ",", "-c",
                "SELECT \(schema.idColumnName), bill_length_mm, flipper_length_mm, island__level, sex__level, label FROM \(location.schema!).spark_encoding",
            ], timeout: .seconds(60))
            #expect(output.status == 0, "\(output.standardError)")
            let spark = output.standardOutput.split(separator: "\n").map { line in
                line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            // The Swift side: the same warehouse, column-wise, rows with every feature.
            let columns = try await stores.warehouse.columns(featureIndices: indices)
            let complete = (0..<columns.count).filter { row in columns.features.allSatisfy { !$0[row].isNaN } }
            #expect(complete.count > 300)
            let expected = Dictionary(uniqueKeysWithValues: complete.map { row in
                (columns.ids[row], columns.features.map { JSONValue.number($0[row]).jsonText } + [JSONValue.number(Double(columns.targetClasses[row])).jsonText])
            })
            let encoded = Dictionary(uniqueKeysWithValues: spark.map { line in
                (line[0], line.dropFirst().map { Double($0).map { JSONValue.number($0).jsonText } ?? $0 })
            })
            #expect(encoded.count == expected.count)
            #expect(encoded == expected)

            // Batch scoring: Spark's predictions merged into the dataset's warehouse, the Swift
            // model's beside them, and how often they agree.
            let scored = try await SparkScorer(platform: platform, url: try url).score(dataset: schema)
            #expect(scored.modelVersion == trained.swift.version)
            #expect(scored.sparkScored == complete.count)
            #expect(scored.swift.scored == complete.count)
            let shadow = try #require(scored.shadow)
            #expect(shadow.compared == complete.count)
            #expect(shadow.agreementRate >= 0.9)
            #expect(shadow.disagreements.count == min(20, shadow.compared - shadow.agreed))
            for row in shadow.disagreements {
                #expect(row.swift != row.spark)
                #expect(["Biscoe", "Dream", "Torgersen"].contains(row.partition))
            }
            let warehouse = try #require(stores.warehouse as? any SparkRecordWarehouse)
            #expect(try await warehouse.shadowComparison(modelVersion: scored.modelVersion, limit: 3)?.agreed == shadow.agreed)

            // A scheduled score on the cluster (`serve --engine sc://... --schedule 'score ...'`): the same, for every dataset with a model.
            let scheduled = try await ScheduledWork(platform: platform, scoring: SparkBatchScoring(url: try url)).score()
            #expect(scheduled == "palmer: Spark scored \(complete.count) rows and the Swift model \(complete.count) with model version \(trained.swift.version)")
            #expect(try await warehouse.shadowComparison(modelVersion: scored.modelVersion + 1, limit: 3) == nil)
        } catch {
            try? await Self.dropSchema(configuration, platform)
            throw error
        }
        try await Self.dropSchema(configuration, platform)
    }

    private static func postgresLocation(_ configuration: PlatformConfiguration) throws -> PostgresLocation? {
        if case .postgres(let location) = try configuration.location(of: .warehouse) { return location }
        return nil
    }

    @Test(TestService.postgres.gate("Spark pipeline tests"))
    func scoringWithoutASparkModelNamesTheFix() async throws {
        let configuration = Self.configuration("nomodel")
        let platform = try await Platform.connect(configuration)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 3, maxDepth: 3)).train()
        await #expect(throws: SparkError.noSparkModel(version: 1, dataset: "penguins")) {
            _ = try await SparkScorer(platform: platform, url: try url).score()
        }
        // A dataset's model trained without Spark: the fix names the dataset.
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.irisCSV, dataset: "iris")
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 3, maxDepth: 3)).train(schema: BundledSchemas.iris)
        await #expect(throws: SparkError.noSparkModel(version: 1, dataset: "iris")) {
            _ = try await SparkScorer(platform: platform, url: try url).score(dataset: BundledSchemas.iris)
        }
        try await Self.dropSchema(configuration, platform)
    }

    @Test func anUnreachableWarehouseIsNamed() async throws {
        // A PostgreSQL URL whose port nothing listens on, as the cluster sees it.
        let location = PostgresLocation(host: "127.0.0.1", port: closedPort(), username: "penguins", password: "secret-pw", database: "penguins", tls: .disable)
        struct Unreachable: SparkWarehouse {
            var jdbcLocation: PostgresLocation
            var tableName: String { "ds_penguins_warehouse" }
            func prepareForSpark() async throws {}
            func mergeSparkPredictions(fromStaging stagingTable: String, modelVersion: Int, at time: Date) async throws -> Int { 0 }
            func dropStagingTable(_ stagingTable: String) async throws {}
            func shadowComparison(modelVersion: Int, limit: Int) async throws -> ShadowComparison? { nil }
        }
        let trainer = SparkTrainer(platform: .inMemory(), url: try url, modelRoot: Self.modelRoot)
        await #expect {
            let warehouse = Unreachable(jdbcLocation: location)
            let pipeline = penguinsPipeline(source: JDBCSource(warehouse.jdbcLocation), parameters: RandomForestClassifier())
            _ = try await trainer.fitOnCluster(pipeline, warehouse: warehouse, now: Date())
        } throws: { error in
            let text = String(describing: error)
            return text.contains("read the warehouse by JDBC") && text.contains("127.0.0.1:1") && !text.contains("secret-pw")
        }
    }
}

/// The session's errors for servers that are not Spark Connect: no Spark server needed.
struct SparkConnectionErrorTests {
    @Test func namesTheFixWhenNothingListens() async throws {
        await #expect {
            try await SparkConnectSession.with(SparkConnectURL(host: "127.0.0.1", port: closedPort())) { try await $0.sparkVersion() }
        } throws: { error in
            guard case SparkError.unreachable = error else { return false }
            return String(describing: error).contains("scripts/services.sh start spark")
        }
    }

    @Test func aServerThatIsNotSparkConnectIsNamed() async throws {
        // A server that listens, but answers in HTTP/1.1 and hangs up.
        let server = try HTTP1Server()
        defer { server.close() }
        await #expect {
            try await SparkConnectSession.with(SparkConnectURL(host: "127.0.0.1", port: server.port)) { try await $0.sparkVersion() }
        } throws: { error in
            guard case SparkError.notSparkConnect = error else { return false }
            return true
        }
    }
}

/// A TCP server on 127.0.0.1 that answers every connection with an HTTP/1.1 error and closes
/// it, as a web server that speaks no HTTP/2 would.
final class HTTP1Server: @unchecked Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard listener >= 0, bound == 0, listen(listener, 8) == 0 else {
            Glibc.close(listener)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        descriptor = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread {
            // Until close() shuts the listening socket down, which makes accept fail.
            while case let client = accept(listener, nil, nil), client >= 0 {
                var request = [UInt8](repeating: 0, count: 4_096)
                _ = recv(client, &request, request.count, 0)
                let reply = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)
                _ = send(client, reply, reply.count, Int32(MSG_NOSIGNAL))
                Glibc.close(client)
            }
        }
    }

    func close() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
    }
}
