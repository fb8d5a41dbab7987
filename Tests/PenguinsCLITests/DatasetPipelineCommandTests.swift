import Foundation
import PenguinsTestSupport
import Testing

/// The bundled iris dataset through every command the penguins have: ingest, train, score,
/// predict, models; with no code of its own.
@Suite struct DatasetPipelineCommandTests {
    @Test func irisIngestsTrainsScoresAndPredicts() async throws {
        let penguins = PenguinsExecutable()
        #expect(try await penguins.run("ingest", "--dataset", "iris", "--format", "json").json()["stored"] as? Int == 150)

        let trained = try await penguins.run("train", "--dataset", "iris", "--features", "petal_length_cm,petal_width_cm", "--format", "json").json()
        #expect(trained["dataset"] as? String == "iris")
        #expect(trained["version"] as? Int == 1)
        #expect(trained["features"] as? [String] == ["petal_length_cm", "petal_width_cm"])
        #expect(trained["class_labels"] as? [String] == ["setosa", "versicolor", "virginica"])
        #expect(trained["training_rows"] as? Int == 120)
        #expect(trained["test_rows"] as? Int == 30)

        let scored = try await penguins.run("score", "--dataset", "iris", "--format", "json").json()
        #expect(scored["model_version"] as? Int == 1)
        #expect(scored["scored"] as? Int == 150)
        #expect(scored["unscorable"] as? Int == 0)

        // A file without the species column predicts; a bad value and a missing feature are named.
        let file = try penguins.temporaryFile("new-irises.csv", """
            sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm
            5.0,3.4,1.5,0.2
            6.9,3.1,5.4,2.1
            5.0,3.4,NA,0.2
            5.0,3.4,1.5,wide

            """)
        let predicted = try await penguins.run("predict", file, "--dataset", "iris", "--format", "json")
        #expect(predicted.status == 0, "\(predicted.standardError)")
        let answer = try predicted.json()
        #expect(answer["model_version"] as? Int == 1)
        let rows = try #require(answer["rows"] as? [[String: Any]])
        #expect(rows.map { $0["line"] as? Int } == [2, 3, 4, 5])
        #expect(rows[0]["prediction"] as? String == "setosa")
        #expect(rows[1]["prediction"] as? String == "virginica")
        let probabilities = try #require(rows[1]["probabilities"] as? [String: Double])
        #expect(abs(probabilities.values.reduce(0, +) - 1) < 1e-12)
        #expect(probabilities["virginica"] == probabilities.values.max())
        #expect(rows[2]["error"] as? String == "missing petal_length_cm, which the model needs")
        #expect((rows[3]["error"] as? String)?.hasPrefix("petal_width_cm:") == true)

        _ = try await penguins.run("train", "--dataset", "iris")
        let models = try await penguins.run("models", "--dataset", "iris", "--format", "json")
        let versions = try #require(JSONSerialization.jsonObject(with: Data(models.standardOutput.utf8)) as? [[String: Any]])
        #expect(versions.map { $0["version"] as? Int } == [2, 1])
        #expect(versions.map { $0["current"] as? Bool } == [true, false])
        #expect(try await penguins.run("models", "rollback", "--dataset", "iris", "--format", "json").json()["current"] as? Int == 1)
        // The penguins' registry is apart.
        #expect(try await penguins.run("models", "--format", "json").standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")
    }

    /// `drift --dataset iris`: the bundled file against its virginica rows equals scipy's
    /// ks_2samp and chi2_contingency (scripts/fixtures/make_iris_drift_fixture.py); the training
    /// sample against the warehouse it came from does not drift.
    @Test func irisDriftsAsScipyComputesIt() async throws {
        let penguins = PenguinsExecutable()
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PenguinsCore/Resources/iris.csv")
        let lines = try String(contentsOf: source, encoding: .utf8).split(whereSeparator: \.isNewline)
        let virginica = try penguins.temporaryFile("virginica.csv", ([lines[0]] + lines.filter { $0.hasSuffix(",virginica") }).joined(separator: "\n") + "\n")
        let fixtureURL = try #require(Bundle.module.url(forResource: "iris-drift", withExtension: "json", subdirectory: "Fixtures"))
        let fixture = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: fixtureURL)) as? [String: Any])
        let expected = try #require(fixture["features"] as? [String: [String: Double]])

        let result = try await penguins.run("drift", "--dataset", "iris", "--reference", source.path, "--current", virginica, "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        let report = try result.json()
        let features = try #require(report["features"] as? [[String: Any]])
        #expect(features.map { $0["feature"] as? String } == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"])
        for feature in features {
            let name = try #require(feature["feature"] as? String)
            let scipy = try #require(expected[name])
            let ks = try #require(feature["ks"] as? [String: Any])
            #expect(feature["reference_count"] as? Int == 150)
            #expect(feature["current_count"] as? Int == 50)
            let statistic = try #require(ks["statistic"] as? Double)
            let pValue = try #require(ks["p_value"] as? Double)
            #expect(abs(statistic - scipy["statistic"]!) <= 1e-12, "\(name) D")
            #expect(abs(pValue - scipy["p_value"]!) <= 1e-9 * scipy["p_value"]!, "\(name) p: \(pValue) against scipy's \(scipy["p_value"]!)")
            #expect(feature["drift"] as? Bool == (scipy["p_value"]! < 0.05), "\(name)")
        }
        let species = try #require((report["categorical"] as? [[String: Any]])?.first { $0["column"] as? String == "species" })
        let chiSquared = try #require(species["chi_squared"] as? [String: Any])
        let scipySpecies = try #require(fixture["species"] as? [String: Double])
        #expect(abs(try #require(chiSquared["statistic"] as? Double) - scipySpecies["statistic"]!) <= 1e-9 * scipySpecies["statistic"]!)
        #expect(abs(try #require(chiSquared["p_value"] as? Double) - scipySpecies["p_value"]!) <= 1e-9 * scipySpecies["p_value"]!)

        // The trained model's reference sample against the warehouse it was drawn from.
        #expect(try await penguins.run("ingest", "--dataset", "iris").status == 0)
        #expect(try await penguins.run("train", "--dataset", "iris").status == 0)
        let stored = try await penguins.run("drift", "--dataset", "iris", "--current", "warehouse", "--format", "json")
        #expect(stored.status == 0, "\(stored.standardError)")
        let storedFeatures = try #require(try stored.json()["features"] as? [[String: Any]])
        #expect(storedFeatures.count == 4)
        #expect(storedFeatures.allSatisfy { $0["reference_count"] as? Int == 120 && $0["current_count"] as? Int == 150 && $0["drift"] as? Bool == false })
        // Fifty flowers are fewer than a verdict needs by default; the tests are shown all the same.
        let few = try await penguins.run("drift", "--dataset", "iris", "--current", virginica)
        #expect(few.standardOutput.contains("petal_length_cm"))
        #expect(few.standardOutput.hasSuffix("not enough data: 50 current rows, a verdict needs 100 (--min-rows)\n"))
        let table = try await penguins.run("drift", "--dataset", "iris", "--current", virginica, "--min-rows", "50")
        #expect(table.standardOutput.hasSuffix("DRIFT DETECTED\n"))

        // The production sample is the dataset's prediction log: empty until `predict --log`.
        expectUserError(
            try await penguins.run("drift", "--dataset", "iris"),
            mentioning: "the prediction log of iris is empty; log a production sample with `penguins predict FILE --dataset iris --log` first"
        )
        let logged = try await penguins.run("predict", virginica, "--dataset", "iris", "--log", "--format", "json")
        #expect(logged.status == 0, "\(logged.standardError)")
        #expect(try logged.json()["logged"] as? Int == 50)
        let production = try await penguins.run("drift", "--dataset", "iris", "--format", "json")
        #expect(production.status == 0, "\(production.standardError)")
        let productionReport = try production.json()
        #expect(productionReport["current"] as? String == "production")
        let productionFeatures = try #require(productionReport["features"] as? [[String: Any]])
        #expect(productionFeatures.allSatisfy { $0["current_count"] as? Int == 50 })
        // Only virginica flowers were logged: their petals drift from the training sample.
        #expect(productionFeatures.first { $0["feature"] as? String == "petal_length_cm" }?["drift"] as? Bool == true)
        expectUserError(
            try await penguins.run("drift", "--dataset", "iris", "--feature", "species", "--current", "warehouse"),
            mentioning: "--feature must be a numeric feature of iris (sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm), got species"
        )
    }

    /// `generate --dataset iris` fits on the stored rows and writes a file its schema reads back whole.
    @Test func irisGeneratesRowsItsSchemaReadsBack() async throws {
        let penguins = PenguinsExecutable()
        expectUserError(try await penguins.run("generate", "--dataset", "iris", "--rows", "5"), mentioning: "iris has no stored rows")
        #expect(try await penguins.run("ingest", "--dataset", "iris").status == 0)
        let output = Scratch.directory.appendingPathComponent("generated-iris-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let generated = try await penguins.run(
            "generate", "--dataset", "iris", "--rows", "400", "--seed", "9", "--shift", "petal_length_cm=2", "--output", output, "--format", "json"
        )
        #expect(generated.status == 0, "\(generated.standardError)")
        #expect(try generated.json()["rows"] as? Int == 400)
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("species,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n"))
        let check = try await penguins.run("datasets", "check", "iris", output, "--format", "json")
        #expect(check.status == 0, "\(check.standardError)")
        let report = try check.json()
        #expect(report["read"] as? Int == 400)
        #expect(report["accepted"] as? Int == 400)
        // The shifted petals drift from the stored ones.
        let drift = try await penguins.run("drift", "--dataset", "iris", "--reference", "warehouse", "--current", output, "--format", "json")
        let verdicts = try #require(try drift.json()["features"] as? [[String: Any]]).reduce(into: [String: Bool]()) {
            $0[$1["feature"] as? String ?? ""] = $1["drift"] as? Bool
        }
        #expect(verdicts["petal_length_cm"] == true)
        expectUserError(
            try await penguins.run("generate", "--dataset", "iris", "--rows", "5", "--shift", "wings=1", "--output", output),
            mentioning: "--shift names wings, which is not a numeric feature of iris"
        )
    }

    /// `bench --dataset iris` times key reads of its own cache, lake and warehouse.
    @Test func irisStoresAreBenchmarked() async throws {
        let penguins = PenguinsExecutable()
        expectUserError(try await penguins.run("bench", "--dataset", "iris"), mentioning: "run `penguins ingest FILE --dataset iris` first")
        #expect(try await penguins.run("ingest", "--dataset", "iris").status == 0)
        let result = try await penguins.run("bench", "--dataset", "iris", "--iterations", "50", "--warm-up", "5", "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        let rows = try #require(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["store"] as? String } == ["cache", "lake", "warehouse"])
        #expect(rows.map { $0["backend"] as? String } == ["MemoryRecordPredictionCache", "SQLiteRecordLake", "SQLiteRecordWarehouse"])
        #expect(rows.allSatisfy { $0["iterations"] as? Int == 50 && ($0["p50_milliseconds"] as? Double ?? 0) > 0 })
    }

    @Test func datasetCommandsRefuseWhatTheyCannotDo() async throws {
        let penguins = PenguinsExecutable()
        expectUserError(try await penguins.run("score", "--dataset", "iris"), mentioning: "penguins train --dataset iris")
        expectUserError(try await penguins.run("train", "--dataset", "iris"), mentioning: "run `penguins ingest FILE --dataset iris` first")
        _ = try await penguins.run("ingest", "--dataset", "iris")
        expectUserError(try await penguins.run("train", "--dataset", "iris", "--features", "petal_length_cm,wings"), mentioning: "\"wings\", which is not a feature of dataset iris")
        expectUserError(try await penguins.run("train", "--features", "bill_length_mm,wings"), mentioning: "\"wings\", which is not a feature of dataset penguins")
        _ = try await penguins.run("train", "--dataset", "iris")
        let file = try penguins.temporaryFile("no-petals.csv", "sepal_length_cm,sepal_width_cm\n5.0,3.4\n")
        expectUserError(try await penguins.run("predict", file, "--dataset", "iris"), mentioning: "petal_length_cm")
    }

    /// The penguins train on any features of their schema, the raw file's isotope ratios and the
    /// categorical island and sex among them; the trained model is the one that scores and predicts.
    @Test func thePenguinsTrainScoreAndPredictOnChosenFeatures() async throws {
        let penguins = PenguinsExecutable()
        let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PenguinsCore/Resources")
        #expect(try await penguins.run("ingest").status == 0)
        let isotopes = "bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,delta_15_n,delta_13_c"
        let trained = try await penguins.run("train", "--features", isotopes, "--force", "--format", "json")
        #expect(trained.status == 0, "\(trained.standardError)")
        let report = try trained.json()
        #expect(report["features"] as? [String] == isotopes.split(separator: ",").map(String.init))
        #expect(report["dataset"] as? String == "penguins")
        #expect(((report["metrics"] as? [String: Any])?["accuracy"] as? Double ?? 0) > 0.9, "\(report)")
        // The birds without isotope ratios neither train nor score.
        let used = (report["training_rows"] as? Int ?? 0) + (report["test_rows"] as? Int ?? 0)
        let scored = try await penguins.run("score", "--format", "json").json()
        #expect(scored["rows"] as? Int == 344)
        #expect(scored["scored"] as? Int == used)
        #expect(scored["unscorable"] as? Int == 344 - used)
        #expect(used > 300 && used < 342, "\(used) birds have every measurement and both isotope ratios")

        let raw = try await penguins.run("predict", resources.appendingPathComponent("penguins-raw.csv").path, "--format", "json").json()
        let rows = try #require(raw["rows"] as? [[String: Any]])
        #expect(rows.count == 344)
        #expect(rows.filter { $0["species"] != nil }.count == used)
        #expect(rows.filter { ($0["error"] as? String)?.contains("delta_15_n") == true }.count == 344 - used,
                "a bird without isotope ratios is told which features it lacks")

        let categorical = try await penguins.run("train", "--features", "bill_length_mm,flipper_length_mm,island,sex", "--force", "--format", "json")
        #expect(categorical.status == 0, "\(categorical.standardError)")
        let tidy = try await penguins.run("predict", resources.appendingPathComponent("penguins.csv").path, "--format", "json").json()
        let tidyRows = try #require(tidy["rows"] as? [[String: Any]])
        #expect(tidyRows.filter { $0["species"] != nil }.count == 333, "the 333 birds with a sex are predicted")
        #expect(tidyRows.contains { ($0["error"] as? String)?.contains("sex") == true })
    }

    /// The isotope ratios of the raw file are columns of the penguins' statistics, regression and drift.
    @Test func thePenguinsIsotopeRatiosAreAnalysed() async throws {
        let penguins = PenguinsExecutable()
        #expect(try await penguins.run("ingest").status == 0)
        let stats = try await penguins.run("stats", "--format", "json").json()
        let all = try #require((stats["tables"] as? [[String: Any]])?.first?["variables"] as? [String: [String: Any]])
        #expect(all["delta_15_n"]?["count"] as? Int == 330)
        #expect(all["delta_13_c"]?["missing"] as? Int == 13, "one bird has a carbon ratio without a nitrogen one")

        let regression = try await penguins.run(
            "regress", "--target", "delta_15_n", "--predictors", "species,delta_13_c", "--test-fraction", "0", "--format", "json")
        #expect(regression.status == 0, "\(regression.standardError)")
        #expect(try regression.json()["training_rows"] as? Int == 330)

        let raw = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PenguinsCore/Resources/penguins-raw.csv").path
        let drift = try await penguins.run("drift", "--reference", raw, "--current", "warehouse", "--feature", "delta_13_c", "--format", "json")
        #expect(drift.status == 0, "\(drift.standardError)")
        let compared = try #require((try drift.json()["features"] as? [[String: Any]])?.first)
        #expect(compared["feature"] as? String == "delta_13_c")
        #expect(compared["reference_count"] as? Int == 331)
        #expect(compared["drift"] as? Bool == false, "the warehouse holds the file's own values")
        expectUserError(try await penguins.run("drift", "--feature", "wingspan"), mentioning: "delta_15_n")
    }

    @Test func irisStatisticsAndRegression() async throws {
        let penguins = PenguinsExecutable()
        _ = try await penguins.run("ingest", "--dataset", "iris")
        let stats = try await penguins.run("stats", "--dataset", "iris", "--by", "species", "--format", "json").json()
        #expect((stats["tables"] as? [[String: Any]])?.count == 4)
        #expect((stats["categories"] as? [String: [String: Int]])?["species"]?["virginica"] == 50)
        let table = try await penguins.run("stats", "--dataset", "iris")
        #expect(table.standardOutput.contains("counts of species"))
        let regression = try await penguins.run(
            "regress", "--dataset", "iris", "--target", "petal_width_cm", "--predictors", "petal_length_cm,species", "--format", "json").json()
        #expect(regression["predictors"] as? [String] == ["petal_length_cm", "species"])
        // Without a model named, the dataset's default regression: its last numeric feature on its first.
        let fallback = try await penguins.run("regress", "--dataset", "iris", "--format", "json").json()
        #expect(fallback["target"] as? String == "petal_width_cm")
        #expect(fallback["predictors"] as? [String] == ["sepal_length_cm"])
        expectUserError(try await penguins.run("regress", "--dataset", "iris", "--target", "bill_length_mm", "--predictors", "species"), mentioning: "bill_length_mm")
    }
}
