import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// The bundled penguins schema registered under another name, so that its rows go through the
/// tables and code every dataset other than the default one uses.
func palmerSchema() -> DatasetSchema {
    var schema = BundledSchemas.penguins
    schema.name = "palmer"
    return schema
}

/// Any dataset through the generic tables: ingest with its schema, train on chosen features.
@Suite struct DatasetPipelineTests {
    /// Read with the penguins' schema, the raw Palmer file gives the generic tables the same
    /// rows, ids, values and quarantine reasons as the penguins' own tables, plus the isotopes.
    @Test(arguments: ["sqlite", "memory"])
    func thePenguinsSchemaStoresWhatThePenguinsTablesStore(kind: String) async throws {
        let platform = try platform(kind)
        let legacy = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        let schema = palmerSchema()
        _ = try await Datasets(catalog: platform.datasets).register(schema)
        let report = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV, dataset: "palmer")
        #expect(report.read == legacy.read)
        #expect(report.stored == legacy.stored)
        #expect(report.quarantined == legacy.quarantined)
        #expect(report.notUsableForTraining == legacy.notUsableForTraining)

        let stores = try await platform.tables(for: schema)
        #expect(try await stores.lake.count() == legacy.stored)
        #expect(try await stores.quarantine.rows(limit: 100).map(\.reason).sorted()
            == (try await platform.quarantine.rows(limit: 100)).map(\.reason).sorted())
        let measurements = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        let indices = try Trainer.featureIndices(measurements, in: schema)
        let columns = try await stores.warehouse.columns(featureIndices: indices)
        var legacyRows: [String: WarehouseRow] = [:]
        try await platform.warehouse.forEachBatch(batchSize: 1_000) { rows in for row in rows { legacyRows[row.penguin.id] = row } }
        #expect(Set(columns.ids) == Set(legacyRows.keys))
        for (row, id) in columns.ids.enumerated() {
            let penguin = try #require(legacyRows[id]).penguin
            #expect(schema.target.classes[columns.targetClasses[row]] == penguin.species.rawValue)
            for (column, feature) in Feature.allCases.enumerated() {
                let expected = penguin.measurements[feature] ?? .nan
                #expect(columns.features[column][row].bitPattern == expected.bitPattern, "\(id) \(feature)")
            }
        }
        // The isotopes, which the penguins' tables leave out, are stored for most birds.
        let isotopes = try await stores.warehouse.columns(featureIndices: try Trainer.featureIndices(["delta_15_n", "delta_13_c"], in: schema))
        let measured = isotopes.features[0].count { !$0.isNaN }
        #expect(measured > 300 && measured < legacy.stored)
        #expect(try await stores.warehouse.record(id: "PAL0708-Adelie-1")?.record.features[schema.features.firstIndex { $0.name == "delta_15_n" }!] == nil)
        #expect(try await stores.lake.document(id: "PAL0708-Adelie-2")?.body["delta_15_n"] == .number(8.94956))
    }

    /// Isotopes and categorical features train; rows missing a chosen feature are left out; the
    /// model is recorded with its dataset, schema and features, in the dataset's own registry.
    @Test func chosenNumericAndCategoricalFeaturesTrain() async throws {
        let platform = Platform.inMemory()
        let schema = palmerSchema()
        _ = try await Datasets(catalog: platform.datasets).register(schema)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV, dataset: "palmer")
        // Forced: this test is about the features, not about which version is better.
        let trainer = Trainer(platform: platform, force: true)

        let isotopes = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "delta_15_n", "delta_13_c"]
        let first = try await trainer.train(schema: schema, features: isotopes)
        let stores = try await platform.tables(for: schema)
        let columns = try await stores.warehouse.columns(featureIndices: try Trainer.featureIndices(isotopes, in: schema))
        let complete = (0..<columns.count).count { row in columns.features.allSatisfy { !$0[row].isNaN } }
        #expect(first.artifact.trainingRows + first.artifact.testRows == complete)
        #expect(complete < columns.count, "some birds lack their isotopes")
        #expect(first.artifact.featureNames == isotopes)
        #expect(first.artifact.dataset == "palmer")
        #expect(first.artifact.schemaFingerprint == schema.fingerprint)
        #expect(first.artifact.forest.featureCount == 6)
        #expect(first.artifact.metrics.accuracy > 0.9)
        #expect(Set(first.artifact.referenceSample.keys) == Set(isotopes))

        let mixed = ["bill_length_mm", "flipper_length_mm", "island", "sex"]
        let second = try await trainer.train(schema: schema, features: mixed)
        #expect(second.version == 2)
        #expect(second.artifact.featureNames == mixed)
        #expect(second.artifact.referenceSample.keys.sorted() == ["bill_length_mm", "flipper_length_mm"])
        let islands = try #require(second.artifact.referenceCategories["island"])
        #expect(Set(islands.keys).isSubset(of: ["Biscoe", "Dream", "Torgersen"]) && islands.count == 3)
        #expect(islands.values.reduce(0, +) == second.artifact.trainingRows)
        #expect(second.artifact.referenceCategories["species"]?.values.reduce(0, +) == second.artifact.trainingRows)

        #expect(try await stores.registry.versions().map(\.version) == [2, 1])
        #expect(try await stores.registry.current()?.version == 2)
        #expect(try await platform.registry.versions().isEmpty, "the penguins' registry is another one")

        // The same data and seed give the same model; other features another one.
        let again = try trainer.fit(columns, schema: schema, featureIndices: try Trainer.featureIndices(isotopes, in: schema), now: first.artifact.createdAt)
        #expect(again.trainingFingerprint == first.artifact.trainingFingerprint)
        #expect(again.forest == first.artifact.forest)
        #expect(second.artifact.trainingFingerprint != first.artifact.trainingFingerprint)
    }

    /// The training reference counts every categorical column of the schema, those the model
    /// does not read too, over the training rows; a row missing its level is counted as missing.
    @Test func theReferenceCountsTheCategoricalColumnsTheModelDoesNotRead() async throws {
        let platform = Platform.inMemory()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        let schema = platform.warehouse.recordWarehouse.schema
        let isotopes = ["bill_length_mm", "delta_15_n"]
        // Nothing held out: the training rows are every row having both features.
        let trained = try await Trainer(platform: platform, testFraction: 0).train(features: isotopes)
        let indices = try Trainer.featureIndices(isotopes + ["island", "sex"], in: schema)
        let columns = try await platform.warehouse.recordWarehouse.columns(featureIndices: indices)
        var expected: [String: [String: Int]] = ["island": [:], "sex": [:]]
        for row in 0..<columns.count where !columns.features[0][row].isNaN && !columns.features[1][row].isNaN {
            for (name, column) in [("island", 2), ("sex", 3)] {
                let value = columns.features[column][row]
                let levels = schema.features[indices[column]].levels
                expected[name]![value.isNaN ? "missing" : levels[Int(value)], default: 0] += 1
            }
        }
        #expect(trained.artifact.referenceCategories["island"] == expected["island"])
        #expect(trained.artifact.referenceCategories["sex"] == expected["sex"])
        #expect(expected["sex"]?["missing"] != nil, "some birds with isotope ratios have no recorded sex")
        #expect(trained.artifact.referenceCategories["species"]?.values.reduce(0, +) == trained.artifact.trainingRows)
        #expect(trained.artifact.referenceSample.keys.sorted() == isotopes.sorted())
    }

    /// A categorical feature that decides the class is learnt from its level index alone.
    @Test func aDecidingCategoricalFeatureIsLearnt() throws {
        let schema = DatasetSchema(
            name: "ponds", id: IdentifierRule(column: "pond"),
            target: TargetColumn(name: "state", classes: ["clear", "green", "murky"]),
            features: [.categorical("bottom", levels: ["sand", "mud", "rock"]), .numeric("depth_m", range: 0...20)],
            partition: "state")
        var columns = RecordColumns(features: [[], []])
        for row in 0..<90 {
            columns.ids.append(String(format: "p%03d", row))
            columns.targetClasses.append(row % 3)
            columns.features[0].append(Double(row % 3))
            columns.features[1].append(Double(row % 7))
        }
        columns.ids.append("p999")
        columns.targetClasses.append(0)
        columns.features[0].append(.nan)
        columns.features[1].append(1)
        let artifact = try Trainer(platform: .inMemory()).fit(columns, schema: schema, featureIndices: [0, 1], now: Date())
        #expect(artifact.trainingRows + artifact.testRows == 90)
        #expect(artifact.metrics.accuracy == 1)
        #expect(artifact.forest.featureImportances[0] > 0.9)
        #expect(artifact.referenceCategories["bottom"] == ["sand": 24, "mud": 24, "rock": 24])
    }

    @Test func badFeatureListsAreRefusedByName() throws {
        let schema = BundledSchemas.iris
        #expect(try Trainer.featureIndices(nil, in: schema) == [0, 1, 2, 3])
        #expect(try Trainer.featureIndices(["petal_width_cm", "sepal_length_cm"], in: schema) == [3, 0])
        #expect(throws: PipelineError.invalidOption(
            "--features names \"beak\", which is not a feature of dataset iris (its features: sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm)")) {
            try Trainer.featureIndices(["beak"], in: schema)
        }
        #expect(throws: PipelineError.invalidOption("--features names \"petal_width_cm\" twice")) {
            try Trainer.featureIndices(["petal_width_cm", "petal_width_cm"], in: schema)
        }
    }

    /// Scoring writes every complete row's prediction, as the model gives it, into the warehouse.
    @Test func scoringWritesTheModelsPredictions() async throws {
        let platform = Platform.inMemory()
        let schema = palmerSchema()
        _ = try await Datasets(catalog: platform.datasets).register(schema)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV, dataset: "palmer")
        let features = ["bill_length_mm", "delta_15_n", "sex"]
        _ = try await Trainer(platform: platform).train(schema: schema, features: features)
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        let report = try await Scorer(platform: platform, batchSize: 50).score(schema: schema, now: time)
        let stores = try await platform.tables(for: schema)
        #expect(report.rows > 300)
        let model = try await DatasetModel.current(of: schema, in: stores.registry)
        #expect(model.featureIndices == (try Trainer.featureIndices(features, in: schema)))
        #expect(report.rows == (try await stores.warehouse.count()))
        #expect(report.scored + report.unscorable == report.rows)
        #expect(report.unscorable > 0, "some birds lack an isotope or their sex")

        var scored = 0
        for partition in ["Biscoe", "Dream", "Torgersen"] {
            for stored in try await stores.warehouse.scan(partition: partition, after: nil, limit: 1_000) {
                let expected = model.probabilities([stored.record.features])[0]
                #expect(stored.prediction?.probabilities == expected, "\(stored.record.id)")
                if let expected {
                    scored += 1
                    #expect(stored.prediction == model.prediction(from: expected, at: time))
                    #expect(stored.prediction?.modelVersion == 1)
                }
            }
        }
        #expect(scored == report.scored)
        // The dataset's cache holds every prediction written, under its own keys.
        #expect(report.cached == report.scored)
        #expect(try await stores.cache.count() == report.scored)
        #expect(try await platform.cache.records.count() == 0, "the penguins' cache is another one")
    }

    /// A model is bound to the schema it was trained with: a feature gone, a kind or the
    /// levels changed, or other classes, and it refuses to read the data.
    @Test func aModelRefusesASchemaThatNoLongerFitsIt() throws {
        var schema = palmerSchema()
        var columns = RecordColumns(features: [[], []])
        for row in 0..<30 {
            columns.ids.append("p\(row)")
            columns.targetClasses.append(row % 3)
            columns.features[0].append(Double(40 + row))
            columns.features[1].append(Double(row % 2))
        }
        let indices = try Trainer.featureIndices(["bill_length_mm", "sex"], in: schema)
        let artifact = try Trainer(platform: .inMemory()).fit(columns, schema: schema, featureIndices: indices, now: Date())
        #expect(artifact.featureLevels == ["sex": ["female", "male"]])
        _ = try DatasetModel(version: 1, artifact: artifact, schema: schema)

        var withoutBill = schema
        withoutBill.features.removeAll { $0.name == "bill_length_mm" }
        #expect(throws: PipelineError.modelDoesNotMatch(dataset: "palmer", version: 1, reason: "it reads the feature bill_length_mm, which the schema no longer has")) {
            try DatasetModel(version: 1, artifact: artifact, schema: withoutBill)
        }
        let sex = schema.features.firstIndex { $0.name == "sex" }!
        schema.features[sex].levels.append("unknown")
        #expect(throws: PipelineError.modelDoesNotMatch(
            dataset: "palmer", version: 1, reason: "the levels of sex were female, male at training and are female, male, unknown now")) {
            try DatasetModel(version: 1, artifact: artifact, schema: schema)
        }
        var renamed = palmerSchema()
        renamed.target.classes = ["A", "C", "G"]
        #expect(throws: PipelineError.self) { try DatasetModel(version: 1, artifact: artifact, schema: renamed) }
    }

    /// A feature added to a registered schema is backfilled from the lake, which kept its
    /// column all along, and trains with no new ingestion; invalid lake values stay missing.
    /// An ingestion that changes a row drops the row's cached predictions (every model
    /// version), leaves the others, and records how far the cache follows the change log.
    @Test(arguments: ["sqlite", "memory"])
    func anIngestionDropsTheCachedPredictionsOfTheRowsItChanges(kind: String) async throws {
        let platform = try platform(kind)
        let folder = Scratch.directory.appendingPathComponent("coherence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func file(_ name: String, _ rows: [String]) throws -> URL {
            let url = folder.appendingPathComponent(name)
            try ((["pond,state,depth_m"] + rows).joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let rows = (0..<30).map { "p\($0),\(["clear", "murky"][$0 % 2]),\($0 % 2 == 0 ? 2 + $0 % 5 : 12 + $0 % 5)" }
        let schema = DatasetSchema(
            name: "ponds", id: IdentifierRule(column: "pond"), target: TargetColumn(name: "state", classes: ["clear", "murky"]),
            features: [.numeric("depth_m", range: 0...20)], partition: "state")
        _ = try await Datasets(catalog: platform.datasets).register(schema)
        _ = try await Ingestor(platform: platform).ingest(file: try file("ponds.csv", rows), dataset: "ponds")
        _ = try await Trainer(platform: platform).train(schema: schema)
        _ = try await Trainer(platform: platform).train(schema: schema)
        let stores = try await platform.tables(for: schema)
        let cached = RecordPrediction(predictedClass: 0, probabilities: [0.9, 0.1], modelVersion: 1, predictedAt: Date())
        var byVersion2 = cached
        byVersion2.modelVersion = 2
        try await stores.cache.store([("p0", cached), ("p0", byVersion2), ("p2", cached)], ttlSeconds: 600)

        // p0 is measured again (deeper); p2 comes again unchanged.
        let report = try await Ingestor(platform: platform).ingest(file: try file("again.csv", ["p0,clear,7", "p2,clear,4"]), dataset: "ponds")
        #expect(report.stored == 2)
        #expect(report.cacheInvalidated == 1)
        #expect(report.cacheWarning == nil)
        #expect(try await stores.cache.prediction(id: "p0", modelVersion: 1) == nil)
        #expect(try await stores.cache.prediction(id: "p0", modelVersion: 2) == nil)
        #expect(try await stores.cache.prediction(id: "p2", modelVersion: 1) == cached)
        let latest = try await stores.warehouse.latestChange()
        #expect(latest > 0)
        #expect(try await stores.cache.coherentThrough() == latest)
    }

    @Test(arguments: ["sqlite", "memory"])
    func anAddedFeatureIsBackfilledFromTheLake(kind: String) async throws {
        let platform = try platform(kind)
        let folder = Scratch.directory.appendingPathComponent("evolution-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("ponds.csv")
        var lines = ["pond,state,depth_m,clarity_m,bottom"]
        for row in 0..<60 {
            let clarity = row == 7 ? "NA" : row == 8 ? "-3" : String(format: "%.1f", Double(row % 3) * 2 + 0.5)
            lines.append("p\(row),\(["clear", "green", "murky"][row % 3]),\(row % 5 + 1),\(clarity),\(["sand", "mud"][row % 2])")
        }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let before = DatasetSchema(
            name: "ponds", id: IdentifierRule(column: "pond"),
            target: TargetColumn(name: "state", classes: ["clear", "green", "murky"]),
            features: [.numeric("depth_m", range: 0...20), .categorical("bottom", levels: ["sand", "mud"])], partition: "state")
        let datasets = Datasets(catalog: platform.datasets)
        _ = try await datasets.register(before)
        let ingested = try await Ingestor(platform: platform).ingest(file: file, dataset: "ponds")
        #expect(ingested.stored == 60)
        #expect(try await platform.tables(for: before).lake.document(id: "p1")?.body["clarity_m"] == .number(2.5))

        var after = before
        after.features.insert(.numeric("clarity_m", range: 0...10, required: false), at: 1)
        _ = try await datasets.register(after)
        let report = try await SchemaEvolution(platform: platform, batchSize: 16).evolve(from: before, to: after)
        #expect(report.addedFeatures == ["clarity_m"])
        #expect(report.rows == 60)
        #expect(report.backfilled == ["clarity_m": 58])
        #expect(report.rejected["clarity_m"] == ["p8: -3 is outside the plausible range 0...10"])

        let stores = try await platform.tables(for: after)
        let columns = try await stores.warehouse.columns(featureIndices: [1])
        for (row, id) in columns.ids.enumerated() {
            let number = Int(id.dropFirst())!
            let expected = number == 7 || number == 8 ? Double.nan : Double(number % 3) * 2 + 0.5
            #expect(columns.features[0][row].bitPattern == expected.bitPattern, "\(id)")
        }
        let trained = try await Trainer(platform: platform).train(schema: after, features: ["clarity_m"])
        #expect(trained.artifact.trainingRows + trained.artifact.testRows == 58)
        #expect(trained.artifact.metrics.accuracy == 1, "clarity tells the states apart")
        // Registering the same schema again changes nothing.
        #expect(try await SchemaEvolution(platform: platform).evolve(from: after, to: after).addedFeatures.isEmpty)
    }
}
