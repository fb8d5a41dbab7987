import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// A platform on a fresh SQLite database in a temporary folder.
func temporaryPlatform() throws -> Platform {
    let folder = Scratch.directory.appendingPathComponent("penguins-pipeline-\(UUID().uuidString)")
    return try Platform.embedded(PlatformConfiguration(dataDirectory: folder))
}

/// Both embedded platforms: SQLite in a temporary folder, and everything in memory.
func platform(_ kind: String) throws -> Platform {
    kind == "memory" ? Platform.inMemory() : try temporaryPlatform()
}

@Suite struct IngestorTests {
    @Test(arguments: ["sqlite", "memory"])
    func ingestingTheBundledRawFileStoresOrQuarantinesEveryRow(kind: String) async throws {
        let platform = try platform(kind)
        let report = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        #expect(report.read == 344)
        #expect(report.read == report.stored + report.quarantined)
        #expect(report.notUsableForTraining == 2)
        #expect(try await platform.lake.count() == report.stored)
        #expect(try await platform.warehouse.count() == report.stored)
        #expect(try await platform.quarantine.count() == report.quarantined)
    }

    @Test(arguments: ["sqlite", "memory"])
    func ingestingTheSameFileTwiceChangesNothing(kind: String) async throws {
        let platform = try platform(kind)
        let ingestor = Ingestor(platform: platform)
        _ = try await ingestor.ingest(file: BundledDataset.rawCSV)
        let before = try await platform.lake.scan(after: nil, limit: 1_000)
        let second = try await ingestor.ingest(file: BundledDataset.rawCSV)
        #expect(second.read == 344)
        #expect(try await platform.lake.scan(after: nil, limit: 1_000) == before)
        #expect(try await platform.warehouse.count() == before.count)
    }

    /// The file is read a batch ahead of the writes; a file that breaks part way keeps the
    /// batches stored before the break, and the error names the line.
    @Test(arguments: ["sqlite", "memory"])
    func aFileThatBreaksPartWayKeepsTheBatchesBeforeTheBreak(kind: String) async throws {
        let platform = try platform(kind)
        let file = Scratch.directory.appendingPathComponent("breaks-\(UUID().uuidString).csv")
        try """
        penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        A1,Adelie,Torgersen,39.1,18.7,181,3750,male,2007
        A2,Adelie,Torgersen,39.5,17.4,186,3800,female,2007
        A3,Adelie,Torgersen,40.3,18,195,3250,female,2007
        A4,Adelie,Torgersen,36.7,19.3,193,3450,female,2007
        A5,Adelie,Torgersen,39.3,20.6,190,3650,male,"2007

        """.write(to: file, atomically: true, encoding: .utf8)
        await #expect(throws: IngestError.unterminatedQuote(path: file.path, line: 6)) {
            try await Ingestor(platform: platform, batchSize: 2).ingest(file: file)
        }
        #expect(try await platform.warehouse.count() == 4)
        #expect(try await platform.lake.count() == 4)
    }

    /// Batches are written while the next ones are read and prepared, yet in file order: a
    /// penguin measured again further down the file keeps its last row, in both stores.
    @Test(arguments: ["sqlite", "memory"])
    func theLastRowOfAPenguinWinsAcrossBatches(kind: String) async throws {
        let platform = try platform(kind)
        let rows = (1...9).map { index in "A\(index % 3),Adelie,Torgersen,39.1,18.7,181,\(3000 + index * 100),male,2007" }
        let file = try temporaryCSV("remeasured.csv", ([tidyHeader] + rows).joined(separator: "\n") + "\n")
        let report = try await Ingestor(platform: platform, batchSize: 2).ingest(file: file)
        #expect(report.read == 9)
        #expect(report.stored == 9)
        #expect(try await platform.warehouse.count() == 3)
        for (id, mass) in [("A1", 3700.0), ("A2", 3800.0), ("A0", 3900.0)] {
            #expect(try await platform.warehouse.row(id: id)?.penguin.measurements.bodyMass == mass, "\(id)")
            #expect(try await platform.lake.document(id: id)?.body["features"]?["body_mass"] == .number(mass), "\(id)")
        }
    }

    @Test func aNewColumnIsKeptInTheLakeDocuments() async throws {
        let platform = try temporaryPlatform()
        let file = Scratch.directory.appendingPathComponent("new-column-\(UUID().uuidString).csv")
        try """
        penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year,Tag Colour
        A1,Adelie,Torgersen,39.1,18.7,181,3750,male,2007,red

        """.write(to: file, atomically: true, encoding: .utf8)
        _ = try await Ingestor(platform: platform).ingest(file: file)
        let document = try #require(try await platform.lake.document(id: "A1"))
        #expect(document.body["tag_colour"] == .string("red"))
        #expect(document.body["features"]?["body_mass"] == .number(3750))
    }

    /// The penguins are read with their schema, as every dataset is; their lake documents keep
    /// the shape they had when the penguins had a parser of their own (these texts were stored
    /// by that parser's release): the measurements under `features`, the isotope ratios of the
    /// raw file as numbers or null, every other column of the row beside them.
    @Test(arguments: ["sqlite", "memory"])
    func theLakeDocumentsOfTheBundledFilesKeepTheirShape(kind: String) async throws {
        let platform = try platform(kind)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let expected = [
            "PAL0708-Adelie-2": #"{"clutch_completion":"Yes","comments":null,"date_egg":"2007-11-11","delta_13_c":-24.69454,"delta_15_n":8.94956,"features":{"bill_depth":17.4,"bill_length":39.5,"body_mass":3800,"flipper_length":186},"individual_id":"N1A2","island":"Torgersen","penguin_id":"PAL0708-Adelie-2","region":"Anvers","sample_number":2,"sex":"female","species":"Adelie","stage":"Adult, 1 Egg Stage","study_name":"PAL0708","usable_for_training":true,"year":2007}"#,
            "PAL0708-Adelie-4": #"{"clutch_completion":"Yes","comments":"Adult not sampled.","date_egg":"2007-11-16","delta_13_c":null,"delta_15_n":null,"features":{"bill_depth":null,"bill_length":null,"body_mass":null,"flipper_length":null},"individual_id":"N2A2","island":"Torgersen","penguin_id":"PAL0708-Adelie-4","region":"Anvers","sample_number":4,"sex":null,"species":"Adelie","stage":"Adult, 1 Egg Stage","study_name":"PAL0708","usable_for_training":false,"year":2007}"#,
            "Tdc6990655bfeb838": #"{"features":{"bill_depth":18.7,"bill_length":39.1,"body_mass":3750,"flipper_length":181},"island":"Torgersen","penguin_id":"Tdc6990655bfeb838","sex":"male","species":"Adelie","usable_for_training":true,"year":2007}"#,
        ]
        for (id, text) in expected {
            guard case .object(var members) = try #require(try await platform.lake.document(id: id)).body else {
                Issue.record("the document of \(id) is an object")
                continue
            }
            #expect(members.removeValue(forKey: Provenance.documentKey) != nil, "\(id) knows where it was read")
            #expect(JSONValue.object(members).jsonText == text, "\(id)")
        }
        #expect(try await platform.lake.count() == 688)
    }

    @Test(arguments: [1, 4, 10_000])
    func readIsStoredPlusQuarantinedOnAFileWithBadRowsOfEveryKind(batchSize: Int) async throws {
        let platform = Platform.inMemory()
        let header = "penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year"
        let good = [
            "G1,Adelie,Torgersen,39.1,18.7,181,3750,male,2007",
            "G2,Gentoo,Biscoe,46.1,13.2,211,4500,female,2008",
            "G3,Chinstrap,Dream,46.5,17.9,192,3500,female,2009",
            // Missing measurements and a missing sex are not errors: stored, not usable for training.
            "G4,Adelie,Dream,NA,NA,NA,NA,NA,2007",
            "G5,Gentoo,Biscoe,50.0,16.3,230,5700,,2009",
            " G6 , adelie , torgersen ,38.9,17.8,181,3625,FEMALE,2007",
        ]
        // Each bad row with the column its rejection names.
        let bad: [(row: String, names: String)] = [
            ("B1,Emperor,Dream,39.1,18.7,181,3750,male,2007", "species"),
            ("B2,Adelie,Atlantis,39.1,18.7,181,3750,male,2007", "island"),
            ("B3,Adelie,Dream,39.1,18.7,181,37500,male,2007", "body_mass_g"),
            ("B4,Adelie,Dream,3.91,18.7,181,3750,male,2007", "bill_length_mm"),
            ("B5,Adelie,Dream,39.1,18.7,abc,3750,male,2007", "flipper_length_mm"),
            ("B6,Adelie,Dream,39.1,inf,181,3750,male,2007", "bill_depth_mm"),
            ("B7,Adelie,Dream,39.1,18.7,181,3750,male", "fields"),
            ("B8,Adelie,Dream,39.1,18.7,181,3750,male,2007,extra", "fields"),
            ("B9,Adelie,Dream,39.1,18.7,181,3750,male,", "year"),
            ("B10,Adelie,Dream,39.1,18.7,181,3750,male,1850", "year"),
            ("B11,NA,Dream,39.1,18.7,181,3750,male,2007", "species"),
            ("B12,Adelie,Dream,39.1,18.7,181,3750,unknown,2007", "sex"),
            (",Adelie,Dream,39.1,18.7,181,3750,male,2007", "penguin_id"),
        ]
        // Good and bad rows interleaved, so that batches of every size mix both.
        var lines = [header]
        var badLines: [Int: String] = [:]
        for index in 0..<max(good.count, bad.count) {
            if index < good.count { lines.append(good[index]) }
            if index < bad.count {
                lines.append(bad[index].row)
                badLines[lines.count] = bad[index].names
            }
        }
        let file = Scratch.directory.appendingPathComponent("bad-rows-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)

        let report = try await Ingestor(platform: platform, batchSize: batchSize).ingest(file: file)
        #expect(report.read == 19)
        #expect(report.stored == 6)
        #expect(report.quarantined == 13)
        #expect(report.read == report.stored + report.quarantined)
        #expect(report.notUsableForTraining == 1)
        #expect(try await platform.lake.count() == 6)
        #expect(try await platform.warehouse.count() == 6)
        #expect(try await platform.quarantine.count() == 13)

        var stored: [String] = []
        try await platform.warehouse.forEachBatch(batchSize: 100) { stored += $0.map(\.penguin.id) }
        #expect(stored.sorted() == ["G1", "G2", "G3", "G4", "G5", "G6"])
        let quarantined = try await platform.quarantine.rows(limit: 100).sorted { $0.line < $1.line }
        #expect(quarantined.map(\.line) == badLines.keys.sorted())
        for row in quarantined {
            #expect(row.rawText == lines[row.line - 1])
            let names = badLines[row.line] ?? "?"
            #expect(row.reason.contains(names), "line \(row.line): \(row.reason)")
        }
    }

    @Test func badRowsGoToTheQuarantineWithTheirLineAndReason() async throws {
        let platform = try temporaryPlatform()
        let file = Scratch.directory.appendingPathComponent("bad-\(UUID().uuidString).csv")
        try """
        species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        Adelie,Torgersen,39.1,18.7,181,3750,male,2007
        Adelie,Atlantis,39.1,18.7,181,3750,male,2007
        Gentoo,Biscoe,47.5,15.0,218,heavy,female,2008

        """.write(to: file, atomically: true, encoding: .utf8)
        let report = try await Ingestor(platform: platform).ingest(file: file)
        #expect(report.read == 3)
        #expect(report.stored == 1)
        #expect(report.quarantined == 2)
        let rows = try await platform.quarantine.rows(limit: 10).sorted { $0.line < $1.line }
        #expect(rows.map(\.line) == [3, 4])
        #expect(rows[0].reason.contains("Atlantis"))
        #expect(rows[1].reason.contains("body_mass_g"))
        #expect(rows[1].rawText == "Gentoo,Biscoe,47.5,15.0,218,heavy,female,2008")
    }
}

@Suite struct TrainAndScoreTests {
    @Test func trainingOnThePalmerDataIsAccurateAndScoringCoversEveryCompleteRow() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.rawCSV)

        let trained = try await Trainer(platform: platform).train()
        #expect(trained.version == 1)
        #expect(trained.artifact.metrics.accuracy >= 0.95)
        #expect(trained.artifact.trainingRows + trained.artifact.testRows == 342)
        #expect(try await platform.registry.current()?.version == 1)

        let scored = try await Scorer(platform: platform).score()
        #expect(scored.rows == 344)
        #expect(scored.scored == 342)
        #expect(scored.unscorable == 2)

        let row = try #require(try await platform.warehouse.row(id: "PAL0708-Adelie-1"))
        let prediction = try #require(row.prediction)
        #expect(prediction.modelVersion == 1)
        #expect(abs(prediction.probabilities.values.reduce(0, +) - 1) < 1e-9)
        let cached = try await platform.cache.prediction(penguinID: "PAL0708-Adelie-1", modelVersion: 1)
        #expect(cached?.species == prediction.species)
        // Whole-warehouse agreement with the labels: the forest fits the Palmer data well.
        // Every warehouse row is predicted again here, one at a time with the registered model
        // (the batch scorer predicts in batches), and compared with the prediction the scoring
        // stored and with the row's own species.
        let model = try await platform.currentModel()
        var rows = 0
        var predicted = 0
        var agreeing = 0
        try await platform.warehouse.forEachBatch(batchSize: 50) { batch in
            for row in batch {
                rows += 1
                let expected = model.predict(row.penguin.measurements)
                #expect(row.prediction?.species == expected?.species, "\(row.penguin.id)")
                #expect(row.prediction?.modelVersion == (expected == nil ? nil : trained.version), "\(row.penguin.id)")
                guard let expected else { continue }
                predicted += 1
                if expected.species == row.penguin.species { agreeing += 1 }
            }
        }
        #expect(rows == 344)
        #expect(predicted == 342)
        // With the default forest (seed 42), 340 of the 342 predictions agree with the labels
        // (99.4 %): the forest saw four fifths of these rows in training. The bound allows one
        // more disagreement and no more, so that a forest or a split that gets more than one
        // further penguin wrong fails here.
        #expect(agreeing >= 339, "\(agreeing) of \(predicted) predictions agree with the labels")
    }

    @Test func theSameSeedOnTheSameDataGivesTheSameModel() async throws {
        let platform = try temporaryPlatform()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let schema = BundledSchemas.penguins
        let columns = try await platform.warehouse.recordWarehouse.columns(featureIndices: schema.modelFeatureIndices)
        let date = Date(timeIntervalSince1970: 0)
        let first = try Trainer(platform: platform).fit(columns, schema: schema, featureIndices: schema.modelFeatureIndices, now: date)
        let second = try Trainer(platform: platform).fit(columns, schema: schema, featureIndices: schema.modelFeatureIndices, now: date)
        #expect(try first.encoded() == second.encoded())
        #expect(first.trainingFingerprint == second.trainingFingerprint)
    }

    @Test func trainingAnEmptyWarehouseSaysToIngestFirst() async throws {
        let platform = try temporaryPlatform()
        let measurements = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        await #expect(throws: PipelineError.noTrainingRows(dataset: "penguins", features: measurements)) { try await Trainer(platform: platform).train() }
        #expect(PipelineError.noTrainingRows(dataset: "penguins", features: measurements).description.contains("run `penguins ingest FILE` first"))
        await #expect(throws: PipelineError.noDatasetModel("penguins")) { try await Scorer(platform: platform).score() }
        #expect(PipelineError.noDatasetModel("penguins").description.contains("run `penguins train` first"))
    }
}

@Suite struct AnalysisTests {
    @Test func regressionOnAllRowsUsesTheCompleteCases() throws {
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: BundledSchemas.penguins)
        let report = try RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"], testFraction: 0).run(columns)
        // 344 penguins: 2 without measurements, 9 more without sex.
        #expect(report.trainingRows == 333)
        #expect(report.testRows == 0)
        #expect(report.rowsWithMissingValues == 11)
        #expect(report.model.terms.map(\.name) == ["intercept", "flipper_length_mm", "sex[male]"])
        #expect(report.testMSE == nil)
    }

    @Test func regressionRejectsUnknownColumns() {
        #expect(throws: PipelineError.self) {
            try RegressionAnalysis(target: "wingspan", predictors: ["sex"]).validate()
        }
        #expect(throws: PipelineError.self) {
            try RegressionAnalysis(target: "body_mass_g", predictors: ["colour"]).validate()
        }
    }

    @Test func statisticsGroupEveryRowOnce() throws {
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: BundledSchemas.penguins)
        let report = try StatisticsReport.compute(columns, groupBy: "species")
        #expect(report.tables.map(\.group) == ["all", "species=Adelie", "species=Chinstrap", "species=Gentoo"])
        #expect(report.tables.dropFirst().map(\.rows).reduce(0, +) == 344)
        #expect(report.tables[0].variables["body_mass_g"]?.missing == 2)
        #expect(report.countsByIslandAndSex?.values.flatMap(\.values).reduce(0, +) == 344)
        #expect(report.categories["species"]?.values.reduce(0, +) == 344)
    }

    @Test func aShiftedSampleDriftsOnlyOnTheShiftedFeature() throws {
        let folder = Scratch.directory.appendingPathComponent("drift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let generator = try SyntheticGenerator.fittedOnBundledData()
        let reference = folder.appendingPathComponent("reference.csv")
        let current = folder.appendingPathComponent("current.csv")
        #expect(FileManager.default.createFile(atPath: reference.path, contents: nil))
        #expect(FileManager.default.createFile(atPath: current.path, contents: nil))
        try generator.write(rows: 3_000, seed: 1, shift: [:], to: try FileHandle(forWritingTo: reference))
        try generator.write(rows: 3_000, seed: 2, shift: [.bodyMass: 400], to: try FileHandle(forWritingTo: current))

        let report = try DriftAnalysis(threshold: 0.01).compare(
            reference: DriftSample.load(file: reference), current: DriftSample.load(file: current),
            referenceName: "reference", currentName: "current"
        )
        let verdicts = Dictionary(uniqueKeysWithValues: report.features.map { ($0.feature, $0.drift) })
        #expect(verdicts["body_mass_g"] == true)
        #expect(verdicts["bill_length_mm"] == false)
        #expect(verdicts["bill_depth_mm"] == false)
        #expect(verdicts["flipper_length_mm"] == false)
        #expect(report.drift)
    }
}
