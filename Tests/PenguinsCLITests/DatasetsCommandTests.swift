import Foundation
import PenguinsTestSupport
import Testing

/// `penguins datasets`: registering a table the platform has never seen, and the bundled ones.
@Suite struct DatasetsCommandTests {
    /// A small wine table: an id, two numeric columns, a categorical one and the class.
    static let wine = """
        label;acidity;alcohol;colour;quality
        w1;7,4;9,4;red;average
        w2;7,8;9,8;red;average
        w3;11,2;9,8;red;good
        w4;6,6;12,8;white;good
        w5;8,1;NA;white;bad
        w6;6,2;10,9;white;bad

        """

    @Test func bundledDatasetsAreListedBeforeAnyRegistration() async throws {
        let penguins = PenguinsExecutable()
        let listing = try await penguins.run("datasets", "list", "--format", "json")
        #expect(listing.status == 0, "\(listing.standardError)")
        let datasets = try #require(JSONSerialization.jsonObject(with: Data(listing.standardOutput.utf8)) as? [[String: Any]])
        #expect(datasets.compactMap { $0["name"] as? String } == ["iris", "penguins"])
        #expect(datasets.allSatisfy { $0["version"] as? Int == 0 && $0["bundled"] as? Bool == true })
        let shown = try await penguins.run("datasets", "show", "penguins")
        #expect(shown.standardOutput.contains("Adelie Penguin (Pygoscelis adeliae): Adelie"))
        #expect(shown.standardOutput.contains("- name: delta_15_n"))
    }

    @Test func aNewTableIsInferredRegisteredEditedAndVersioned() async throws {
        let penguins = PenguinsExecutable()
        let file = try penguins.temporaryFile("wine.csv", Self.wine)
        let yaml = Scratch.directory.appendingPathComponent("\(UUID().uuidString)-wine.yaml").path
        let added = try await penguins.run(
            "datasets", "add", "wine", "--file", file, "--target", "quality", "--id", "label", "--partition", "colour",
            "--schema-out", yaml, "--format", "json")
        #expect(added.status == 0, "\(added.standardError)")
        let registered = try added.json()
        #expect(registered["version"] as? Int == 1)
        let schema = try #require(registered["schema"] as? [String: Any])
        #expect(schema["partition"] as? String == "colour")
        #expect((schema["id"] as? [String: Any])?["column"] as? String == "label")
        #expect((schema["target"] as? [String: Any])?["classes"] as? [String] == ["average", "bad", "good"])
        let features = try #require(schema["features"] as? [[String: Any]])
        #expect(features.compactMap { $0["name"] as? String } == ["acidity", "alcohol", "colour"])
        #expect(features[0]["kind"] as? String == "numeric")
        #expect(features[0]["range"] as? [Double] == [3, 14], "6.2...11.2 read with a decimal comma, widened by 2.5 each side")
        #expect(features[2]["levels"] as? [String] == ["red", "white"])

        // The written YAML registers as the same version; an edited one as the next.
        let same = try await penguins.run("datasets", "add", "wine", "--schema", yaml, "--format", "json").json()
        #expect(same["version"] as? Int == 1)
        var text = try String(contentsOfFile: yaml, encoding: .utf8)
        text += "default_features: [acidity, alcohol]\n"
        try text.write(toFile: yaml, atomically: true, encoding: .utf8)
        let edited = try await penguins.run("datasets", "add", "wine", "--schema", yaml, "--format", "json").json()
        #expect(edited["version"] as? Int == 2)
        #expect(edited["fingerprint"] as? String != registered["fingerprint"] as? String)
        let shown = try await penguins.run("datasets", "show", "wine", "--format", "json").json()
        #expect(shown["version"] as? Int == 2)
        #expect((shown["schema"] as? [String: Any])?["default_features"] as? [String] == ["acidity", "alcohol"])

        let history = try #require(JSONSerialization.jsonObject(
            with: Data(try await penguins.run("datasets", "history", "wine", "--format", "json").standardOutput.utf8)) as? [[String: Any]])
        #expect(history.compactMap { $0["version"] as? Int } == [2, 1])
        #expect(history.last?["fingerprint"] as? String == registered["fingerprint"] as? String)
        let historyTable = try await penguins.run("datasets", "history", "wine")
        #expect(historyTable.standardOutput.split(separator: "\n").count == 4, "a header, a rule and two versions")
        #expect(try await penguins.run("datasets", "history", "iris").standardOutput.contains("bundled and not registered"))

        let table = try await penguins.run("datasets")
        #expect(table.standardOutput.contains("wine"))
        #expect(table.standardOutput.contains("colour"))
    }

    @Test func checkReadsAFileWithTheSchemaAndStoresNothing() async throws {
        let penguins = PenguinsExecutable()
        let raw = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PenguinsCore/Resources/penguins-raw.csv").path
        let report = try await penguins.run("datasets", "check", "penguins", raw, "--format", "json").json()
        #expect(report["read"] as? Int == 344)
        #expect(report["accepted"] as? Int == 344)
        #expect(report["incomplete"] as? Int == 2, "two penguins lack every measurement")
        #expect(report["class_counts"] as? [String: Int] == ["Adelie": 152, "Chinstrap": 68, "Gentoo": 124])

        let flowers = try penguins.temporaryFile("flowers.csv", """
            sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,species
            5.1,3.5,1.4,0.2,Iris-setosa
            7.0,3.2,4.7,1.4,versicolor
            6.3,3.3,60,2.5,virginica
            5.0,3.6,1.4,0.2,rosa

            """)
        let checked = try await penguins.run("datasets", "check", "iris", flowers, "--format", "json").json()
        #expect(checked["accepted"] as? Int == 2)
        #expect(checked["rejected"] as? Int == 2)
        let reasons = (checked["rejections"] as? [[String: Any]])?.compactMap { $0["reason"] as? String }
        #expect(reasons == [
            "petal_length_cm: 60 is outside the plausible range 0...15",
            "species: \"rosa\" is not a known species (setosa, versicolor, virginica)",
        ])
        let table = try await penguins.run("datasets", "check", "iris", flowers)
        #expect(table.standardOutput.contains("line 5: species: \"rosa\""))
        // Nothing was stored.
        #expect(try await penguins.run("quarantine", "--format", "json").json()["total"] as? Int == 0)
        expectUserError(try await penguins.run("datasets", "check", "iris", raw), mentioning: "sepal_length_cm")
    }

    @Test func badInputIsOneLineAndANonZeroExit() async throws {
        let penguins = PenguinsExecutable()
        let file = try penguins.temporaryFile("wine.csv", Self.wine)
        expectUserError(try await penguins.run("datasets", "add", "Wine", "--file", file, "--target", "quality"), mentioning: "lowercase")
        // Option combinations are checked before anything runs (with the usage after the message).
        let noTarget = try await penguins.run("datasets", "add", "wine", "--file", file)
        #expect(noTarget.status != 0)
        #expect(noTarget.standardError.contains("--file needs --target"))
        expectUserError(try await penguins.run("datasets", "add", "wine", "--file", file, "--target", "grape"), mentioning: "grape")
        let constant = try penguins.temporaryFile("constant.csv", "kind,size\na,1\na,2\n")
        expectUserError(try await penguins.run("datasets", "add", "wine", "--file", constant, "--target", "kind"), mentioning: "at least two")
        let broken = try penguins.temporaryFile("broken.yaml", "name: wine\ntarget: {name: quality, classes: [good]}\nfeatures:\n  - {name: acidity, kind: numeric}\n")
        expectUserError(try await penguins.run("datasets", "add", "wine", "--schema", broken), mentioning: "target.classes")
        expectUserError(try await penguins.run("datasets", "show", "wine"), mentioning: "datasets add wine")
        expectUserError(try await penguins.run("datasets", "history", "wine"), mentioning: "no dataset \"wine\"")
    }

    /// `ingest --dataset` stores a registered table in its own tables, read with its schema:
    /// good rows stored, bad ones quarantined with the schema's reasons, apart from the penguins'.
    @Test func aRegisteredTableIsIngestedIntoItsOwnTables() async throws {
        let penguins = PenguinsExecutable()
        let file = try penguins.temporaryFile("wine.csv", Self.wine)
        let added = try await penguins.run("datasets", "add", "wine", "--file", file, "--target", "quality", "--id", "label", "--partition", "colour")
        #expect(added.status == 0, "\(added.standardError)")
        let batch = try penguins.temporaryFile("wine-batch.csv", """
            label;acidity;alcohol;colour;quality
            w7;7,0;11,0;white;good
            w8;7,1;10,0;rose;good
            w9;abc;10,0;red;bad
            w10;7,2;10,1;red;superb

            """)
        let report = try await penguins.run("ingest", batch, "--dataset", "wine", "--format", "json").json()
        #expect(report["layout"] as? String == "dataset wine")
        #expect(report["read"] as? Int == 4)
        #expect(report["stored"] as? Int == 1)
        #expect(report["quarantined"] as? Int == 3)
        #expect((report["dialect"] as? [String: Any])?["decimal_mark"] as? String == ",")

        // The whole first file goes in too, through PENGUINS_DATASET; one row lacks its alcohol.
        var fromEnvironment = penguins
        fromEnvironment.environment["PENGUINS_DATASET"] = "wine"
        let second = try await fromEnvironment.run("ingest", file, "--format", "json").json()
        #expect(second["stored"] as? Int == 6)
        #expect(second["not_usable_for_training"] as? Int == 1)

        let quarantined = try await penguins.run("quarantine", "--dataset", "wine", "--format", "json").json()
        #expect(quarantined["total"] as? Int == 3)
        let reasons = (quarantined["rows"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }.sorted()
        #expect(reasons.count == 3)
        #expect(reasons.contains { $0.hasPrefix("colour:") && $0.contains("rose") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("acidity:") }, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("quality:") && $0.contains("superb") }, "\(reasons)")
        #expect(try await penguins.run("quarantine", "--format", "json").json()["total"] as? Int == 0)

        // Re-ingesting the same file stores the same rows again: nothing is added twice.
        let again = try await penguins.run("ingest", file, "--dataset", "wine", "--format", "json").json()
        #expect(again["stored"] as? Int == 6)
        let stored = try await penguins.run("datasets", "show", "wine", "--format", "json").json()["stored"] as? [String: Any]
        #expect(stored?["rows"] as? Int == 7)
        #expect(stored?["partitions"] as? [String: Int] == ["red": 3, "white": 4])
        #expect(stored?["documents"] as? Int == 7)
        #expect(stored?["quarantined"] as? Int == 3)
    }

    /// The bundled iris file is the iris dataset's default file.
    @Test func theBundledIrisFileIngestsByName() async throws {
        let penguins = PenguinsExecutable()
        let report = try await penguins.run("ingest", "--dataset", "iris", "--format", "json").json()
        #expect(report["read"] as? Int == 150)
        #expect(report["stored"] as? Int == 150)
        #expect(report["quarantined"] as? Int == 0)
        expectUserError(try await penguins.run("ingest", "--dataset", "otters"), mentioning: "datasets add otters")
    }

    /// A feature added by registering an edited schema is backfilled from the lake at once.
    @Test func anEditedSchemaWithANewFeatureIsBackfilled() async throws {
        let penguins = PenguinsExecutable()
        let file = try penguins.temporaryFile("wine.csv", Self.wine)
        let yaml = Scratch.directory.appendingPathComponent("\(UUID().uuidString)-wine.yaml").path
        _ = try await penguins.run("datasets", "add", "wine", "--file", file, "--target", "quality", "--id", "label", "--schema-out", yaml)
        // Without alcohol at first: the lake keeps the column all the same.
        var text = try String(contentsOfFile: yaml, encoding: .utf8)
        let withAlcohol = text
        // The alcohol feature's lines, from its `- name:` to the next feature or top-level key, go.
        var lines = text.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "- name: alcohol" })
        let indent = lines[start].prefix { $0 == " " }.count
        var end = start + 1
        while end < lines.count, lines[end].prefix(while: { $0 == " " }).count > indent, !lines[end].isEmpty { end += 1 }
        lines.removeSubrange(start..<end)
        text = lines.joined(separator: "\n")
        let reduced = Scratch.directory.appendingPathComponent("\(UUID().uuidString)-wine.yaml").path
        try text.write(toFile: reduced, atomically: true, encoding: .utf8)
        _ = try await penguins.run("datasets", "add", "wine", "--schema", reduced)
        #expect(try await penguins.run("ingest", file, "--dataset", "wine").status == 0)
        try withAlcohol.write(toFile: reduced, atomically: true, encoding: .utf8)
        let evolved = try await penguins.run("datasets", "add", "wine", "--schema", reduced, "--format", "json")
        #expect(evolved.status == 0, "\(evolved.standardError)")
        let evolution = try #require(try evolved.json()["evolution"] as? [String: Any])
        #expect(evolution["added_features"] as? [String] == ["alcohol"])
        #expect(evolution["backfilled"] as? [String: Int] == ["alcohol": 5], "w5 has no alcohol")
        let trained = try await penguins.run("train", "--dataset", "wine", "--features", "alcohol", "--format", "json").json()
        #expect((trained["training_rows"] as? Int ?? 0) + (trained["test_rows"] as? Int ?? 0) == 5)
    }

    /// The penguins' own schema evolves the same way: the raw file's clutch completion, kept in
    /// the lake, becomes a feature the next model trains on and the API asks for.
    @Test func thePenguinsSchemaGainsAFeatureFromTheLake() async throws {
        let penguins = PenguinsExecutable()
        #expect(try await penguins.run("ingest").status == 0)
        let shown = try await penguins.run("datasets", "show", "penguins").standardOutput
        var lines = shown.components(separatedBy: "\n").filter { !$0.hasPrefix("#") && $0 != "  - clutch_completion" }
        let partition = try #require(lines.firstIndex(of: "partition: island"))
        lines.insert(contentsOf: ["- name: clutch_completion", "  kind: categorical", "  required: false", "  levels: ['Yes', 'No']"], at: partition)
        let edited = try penguins.temporaryFile("penguins.yaml", lines.joined(separator: "\n"))

        let registered = try await penguins.run("datasets", "add", "penguins", "--schema", edited, "--format", "json")
        #expect(registered.status == 0, "\(registered.standardError)")
        let evolution = try #require(try registered.json()["evolution"] as? [String: Any])
        #expect(evolution["added_features"] as? [String] == ["clutch_completion"])
        #expect(evolution["backfilled"] as? [String: Int] == ["clutch_completion": 344])
        let trained = try await penguins.run("train", "--features", "bill_length_mm,clutch_completion", "--format", "json")
        #expect(trained.status == 0, "\(trained.standardError)")
        let report = try trained.json()
        #expect((report["training_rows"] as? Int ?? 0) + (report["test_rows"] as? Int ?? 0) == 342)
        #expect((report["feature_importances"] as? [String: Double])?.keys.sorted() == ["bill_length_mm", "clutch_completion"])
        let statistics = try await penguins.run("stats").standardOutput
        #expect(statistics.contains("counts by island and sex"))
        #expect(statistics.contains("counts of clutch_completion"), "\(statistics)")
        expectUserError(try await penguins.run("stats", "--dataset", "iris"), mentioning: "run `penguins ingest FILE --dataset iris` first")

        // What the penguins' pages and API read stays as it is.
        let broken = try penguins.temporaryFile("penguins.yaml", lines.map { $0 == "  - Torgersen" ? "  - Anvers" : $0 }.joined(separator: "\n"))
        expectUserError(
            try await penguins.run("datasets", "add", "penguins", "--schema", broken),
            mentioning: "features.island.levels must begin with Biscoe, Dream, Torgersen")
    }
}
