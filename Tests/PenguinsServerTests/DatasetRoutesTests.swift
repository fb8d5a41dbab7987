import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import Testing

/// An embedded platform with the bundled iris data ingested, a small model trained on two
/// petal measurements and (unless `score` is false) every row scored.
func makeIrisPlatform(score: Bool = true) async throws -> Platform {
    let platform = try await makePlatform(ingest: false)
    _ = try await Ingestor(platform: platform).ingest(file: BundledSchemas.dataFile(of: "iris")!, dataset: "iris")
    _ = try await Trainer(platform: platform, parameters: smallForest)
        .train(schema: BundledSchemas.iris, features: ["petal_length_cm", "petal_width_cm"])
    if score { _ = try await Scorer(platform: platform).score(schema: BundledSchemas.iris) }
    return platform
}

/// The routes of `/api/v1/datasets/{dataset}` on a dataset the server has no code for.
@Suite struct DatasetRoutesTests {
    @Test func aRowIsPredictedFromItsFeatures() async throws {
        let platform = try await makeIrisPlatform()
        let model = try await DatasetModel.current(of: BundledSchemas.iris, in: platform.tables(for: BundledSchemas.iris).registry)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let answer = try await client.postJSON("/api/v1/datasets/iris/predict", #"{"petal_length_cm": 5.6, "petal_width_cm": "2.2", "sepal_length_cm": null}"#)
            #expect(answer.status == .ok, "\(answer.text)")
            let body = try answer.object()
            let expected = try #require(model.probabilities([[nil, nil, 5.6, 2.2]])[0])
            #expect(body["prediction"] as? String == BundledSchemas.iris.target.classes[model.prediction(from: expected, at: Date()).predictedClass])
            #expect(body["model_version"] as? Int == 1)
            let probabilities = try #require(body["probabilities"] as? [String: Double])
            for (index, name) in BundledSchemas.iris.target.classes.enumerated() {
                #expect(abs((probabilities[name] ?? -1) - expected[index]) <= 1e-12 * max(1, expected[index]))
            }

            let batch = try await client.postJSON("/api/v1/datasets/iris/predict/batch", """
                {"rows": [{"petal_length_cm": 1.4, "petal_width_cm": 0.2}, {"petal_length_cm": 5.6, "petal_width_cm": 2.2}]}
                """).object()
            #expect(batch["count"] as? Int == 2)
            let predictions = try #require(batch["predictions"] as? [[String: Any]])
            #expect(predictions.first?["prediction"] as? String == "setosa")
            #expect(predictions.last?["prediction"] as? String == body["prediction"] as? String)
        }
    }

    @Test func badBodiesNameTheirFields() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            // A feature the model needs is missing; one is out of range; one is unknown.
            let problem = try expectProblem(
                try await client.postJSON("/api/v1/datasets/iris/predict", #"{"petal_length_cm": 50, "wings": 2}"#),
                status: .unprocessableContent, field: "petal_width_cm")
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.contains { $0["field"] as? String == "petal_length_cm" && $0["detail"] as? String == "50 is outside the plausible range 0...15" })
            #expect(errors.contains { $0["field"] as? String == "wings" })
            try expectProblem(
                try await client.postJSON("/api/v1/datasets/iris/predict/batch", #"{"rows": [{"petal_length_cm": 1, "petal_width_cm": "thin"}]}"#),
                status: .unprocessableContent, field: "rows[0].petal_width_cm")
            try expectProblem(try await client.postJSON("/api/v1/datasets/iris/predict/batch", #"{"rows": []}"#), status: .unprocessableContent, field: "rows")
            try expectProblem(try await client.postJSON("/api/v1/datasets/iris/predict", "[1]"), status: .unprocessableContent, field: "body")
            try expectProblem(try await client.postJSON("/api/v1/datasets/otters/predict", "{}"), status: .notFound, field: "dataset")
        }
    }

    @Test func rowsArePagedByPartitionAndLookedUpById() async throws {
        let platform = try await makeIrisPlatform()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            var ids: [String] = []
            var species: [String] = []
            var uri = "/api/v1/datasets/iris/rows?limit=40"
            while true {
                let page = try await client.send(.get, uri).object()
                let rows = try #require(page["rows"] as? [[String: Any]])
                ids += rows.compactMap { $0["id"] as? String }
                species += rows.compactMap { $0["species"] as? String }
                #expect(rows.allSatisfy { ($0["prediction"] as? [String: Any])?["model_version"] as? Int == 1 })
                guard let next = page["next"] as? String else { break }
                uri = "/api/v1/datasets/iris/rows?limit=40&after=\(next)"
            }
            #expect(ids.count == 150 && Set(ids).count == 150)
            #expect(species == Array(repeating: "setosa", count: 50) + Array(repeating: "versicolor", count: 50) + Array(repeating: "virginica", count: 50))
            let virginica = try await client.send(.get, "/api/v1/datasets/iris/rows?partition=virginica&limit=5").object()
            #expect(virginica["count"] as? Int == 5)
            #expect((virginica["rows"] as? [[String: Any]])?.allSatisfy { $0["species"] as? String == "virginica" } == true)
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/rows?partition=rose"), status: .badRequest, field: "partition")
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/rows?after=nonsense"), status: .badRequest, field: "after")

            let id = ids[0]
            let document = try await client.send(.get, "/api/v1/datasets/iris/rows/\(id)").object()
            #expect(document["id"] as? String == id)
            #expect((document["_provenance"] as? [String: Any])?["file"] as? String == "iris.csv")
            // Scoring filled the dataset's cache; without the entry, the warehouse answers.
            let cached = try await client.send(.get, "/api/v1/datasets/iris/predictions/\(id)").object()
            #expect(cached["source"] as? String == "cache")
            #expect(cached["prediction"] is String)
            try await platform.tables(for: BundledSchemas.iris).cache.removeAll()
            let lookup = try await client.send(.get, "/api/v1/datasets/iris/predictions/\(id)").object()
            #expect(lookup["source"] as? String == "warehouse")
            #expect(lookup["id"] as? String == id)
            #expect(lookup["prediction"] as? String == cached["prediction"] as? String)
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/rows/nobody"), status: .notFound, field: "id")
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/predictions/nobody"), status: .notFound, field: "id")
        }
    }

    @Test func modelsAreListedDescribedAndPromotedPerDataset() async throws {
        let platform = try await makeIrisPlatform(score: false)
        _ = try await Trainer(platform: platform, parameters: smallForest).train(schema: BundledSchemas.iris)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let model = try await client.send(.get, "/api/v1/datasets/iris/model").object()
            #expect(model["version"] as? Int == 2)
            #expect(model["feature_names"] as? [String] == BundledSchemas.iris.features.map(\.name))
            let models = try await client.send(.get, "/api/v1/datasets/iris/models").object()
            #expect(models["current"] as? Int == 2)
            #expect((models["versions"] as? [[String: Any]])?.count == 2)
            // Unscored rows are predicted by the current model; after a promotion, by the promoted one.
            #expect(try await client.send(.get, "/api/v1/datasets/iris/predictions/\(try await anyIrisID(platform))").object()["source"] as? String == "model")
            let promoted = try await client.send(.post, "/api/v1/datasets/iris/models/1/promote").object()
            #expect(promoted["current"] as? Int == 1)
            #expect(promoted["previous"] as? Int == 2)
            #expect(try await client.postJSON("/api/v1/datasets/iris/predict", #"{"petal_length_cm": 1.4, "petal_width_cm": 0.2}"#).object()["model_version"] as? Int == 1)
            try expectProblem(try await client.send(.post, "/api/v1/datasets/iris/models/9/promote"), status: .notFound, field: "version")
            // The penguins' registry is untouched; their routes answer under the dataset's name too.
            #expect(try await platform.registry.versions().isEmpty)
            try expectProblem(try await client.send(.get, "/api/v1/datasets/penguins/model"), status: .serviceUnavailable)
        }
    }

    @Test func thePenguinsAnswerUnderTheirDatasetsNameAsUnderTheirOwnRoutes() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let body = #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#
            let plain = try await client.postJSON("/api/v1/predict", body).object()
            let named = try await client.postJSON("/api/v1/datasets/penguins/predict", body).object()
            #expect(named["prediction"] as? String == plain["species"] as? String)
            #expect(named["probabilities"] as? [String: Double] == plain["probabilities"] as? [String: Double])
            let page = try await client.send(.get, "/api/v1/datasets/penguins/rows?partition=Dream&limit=3").object()
            #expect(page["island"] as? String == "Dream")
            #expect(try await client.send(.get, "/api/v1/datasets/penguins/rows/\(knownPenguinID)").object()["penguin_id"] as? String == knownPenguinID)
        }
    }
}

/// The id of some stored iris row.
private func anyIrisID(_ platform: Platform) async throws -> String {
    try #require(try await platform.tables(for: BundledSchemas.iris).warehouse.columns(featureIndices: []).ids.first)
}

/// Statistics and the regression lab of a dataset the server has no code for.
@Suite struct DatasetAnalysisRoutesTests {
    @Test func statisticsSummariseEveryNumericColumnAndCountEveryCategoricalOne() async throws {
        let platform = try await makeIrisPlatform(score: false)
        let app = try await makeApp(platform)
        let file = try String(contentsOf: BundledSchemas.dataFile(of: "iris")!, encoding: .utf8)
        // The petal lengths of the bundled file, read here with no platform code.
        let petalLengths = file.split(whereSeparator: \.isNewline).dropFirst().compactMap { Double($0.split(separator: ",")[2]) }
        try await app.test(.router) { client in
            let report = try await client.send(.get, "/api/v1/datasets/iris/stats?by=species").object()
            #expect((report["categories"] as? [String: [String: Int]])?["species"] == ["setosa": 50, "versicolor": 50, "virginica": 50])
            #expect(report["counts_by_island_and_sex"] == nil)
            let tables = try #require(report["tables"] as? [[String: Any]])
            #expect(tables.map { $0["group"] as? String } == ["all", "species=setosa", "species=versicolor", "species=virginica"])
            let petal = try #require((tables[0]["variables"] as? [String: Any])?["petal_length_cm"] as? [String: Any])
            #expect(petal["count"] as? Int == 150)
            let mean = petalLengths.reduce(0, +) / Double(petalLengths.count)
            #expect(abs((petal["mean"] as? Double ?? 0) - mean) <= 1e-12 * mean)
            #expect(petal["minimum"] as? Double == petalLengths.min())
            #expect(petal["maximum"] as? Double == petalLengths.max())
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/stats?by=island"), status: .badRequest, field: "by")
        }
    }

    @Test func theRegressionLabFitsAnyNumericColumn() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            let report = try await client.send(.get, "/api/v1/datasets/iris/regression?target=petal_width_cm&predictors=petal_length_cm,species&test_fraction=0").object()
            #expect(report["training_rows"] as? Int == 150)
            let terms = try #require((report["model"] as? [String: Any])?["terms"] as? [[String: Any]])
            #expect(terms.compactMap { $0["name"] as? String } == ["intercept", "petal_length_cm", "species[versicolor]", "species[virginica]"])
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/regression?target=species&predictors=petal_length_cm"), status: .badRequest, field: "target")
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/regression?target=petal_width_cm&predictors=wings"), status: .badRequest, field: "predictors")
        }
    }

    @Test func driftComparesTheTrainingSampleWithTheWarehouse() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            let report = try await client.send(.get, "/api/v1/datasets/iris/drift?current=warehouse").object()
            #expect(report["reference"] as? String == "training")
            #expect(report["current"] as? String == "warehouse")
            // The model was trained on the petals: only they have a training sample.
            let features = try #require(report["features"] as? [[String: Any]])
            #expect(features.map { $0["feature"] as? String } == ["petal_length_cm", "petal_width_cm"])
            #expect(features.allSatisfy { $0["reference_count"] as? Int == 120 && $0["current_count"] as? Int == 150 })
            #expect(features.allSatisfy { $0["drift"] as? Bool == false })
            let species = try #require((report["categorical"] as? [[String: Any]])?.first)
            #expect(species["column"] as? String == "species")
            #expect(species["current"] as? [String: Int] == ["setosa": 50, "versicolor": 50, "virginica": 50])
            #expect((species["reference"] as? [String: Int])?.values.reduce(0, +) == 120)

            let one = try await client.send(.get, "/api/v1/datasets/iris/drift?feature=petal_width_cm&threshold=0.01&current=warehouse").object()
            #expect((one["features"] as? [[String: Any]])?.map { $0["feature"] as? String } == ["petal_width_cm"])
            #expect(one["threshold"] as? Double == 0.01)
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/drift?feature=species"), status: .badRequest, field: "feature")
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/drift?threshold=2"), status: .badRequest, field: "threshold")
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/drift?current=training"), status: .badRequest, field: "current")
            try expectProblem(try await client.send(.get, "/api/v1/datasets/otters/drift"), status: .notFound, field: "dataset")
        }
    }

    /// The API's predictions of a dataset are its production sample: logged with their
    /// features, they are what drift compares with the training sample by default.
    @Test func predictionsAreLoggedAndDriftReadsThem() async throws {
        let platform = try await makeIrisPlatform(score: false)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            try expectProblem(try await client.send(.get, "/api/v1/datasets/iris/drift"), status: .conflict, detailContains: "prediction log of iris is empty")
            // Long petals only: the production sample has drifted from the training one.
            let rows = (0..<40).map { #"{"petal_length_cm": \#(6 + Double($0) / 10), "petal_width_cm": 2.3, "sepal_width_cm": 3.1}"# }
            let batch = try await client.postJSON("/api/v1/datasets/iris/predict/batch", #"{"rows": [\#(rows.joined(separator: ","))]}"#)
            #expect(batch.status == .ok, "\(batch.text)")
            let one = try await client.postJSON("/api/v1/datasets/iris/predict", #"{"petal_length_cm": 6.5, "petal_width_cm": 2.4}"#).object()
            let predicted = (try #require(batch.object()["predictions"] as? [[String: Any]]) + [one]).compactMap { $0["prediction"] as? String }
            #expect(predicted.count == 41)

            let report = try await client.send(.get, "/api/v1/datasets/iris/drift").object()
            #expect(report["current"] as? String == "production")
            let features = try #require(report["features"] as? [[String: Any]])
            let petalLength = try #require(features.first { $0["feature"] as? String == "petal_length_cm" })
            #expect(petalLength["current_count"] as? Int == 41)
            #expect(petalLength["drift"] as? Bool == true)
            // The model was trained on the petals: the sepals have no training sample to compare with.
            #expect(features.compactMap { $0["feature"] as? String } == ["petal_length_cm", "petal_width_cm"])
            // The target's column counts the predicted classes.
            let species = try #require((report["categorical"] as? [[String: Any]])?.first { $0["column"] as? String == "species" })
            let counts = Dictionary(predicted.map { ($0, 1) }, uniquingKeysWith: +)
            #expect(species["current"] as? [String: Int] == counts)
            let metrics = try await client.send(.get, "/api/v1/metrics").text
            for (name, count) in counts {
                #expect(metrics.contains(#"penguins_dataset_predictions_total{dataset="iris",class="\#(name)"} \#(count)"#), "\(name)")
            }
        }
        // The entries are in the dataset's own log, and the penguins' log has none of them.
        #expect(try await platform.tables(for: BundledSchemas.iris).predictionLog.count() == 41)
        #expect(try await platform.predictionLog.count() == 0)
        let newest = try #require(try await platform.tables(for: BundledSchemas.iris).predictionLog.recent(limit: 1).first)
        #expect(newest.features == [nil, nil, 6.5, 2.4])
        #expect(newest.prediction.modelVersion == 1)
        // Features given beside the model's are kept too: every row of the batch gave a sepal width.
        let logged = try await platform.tables(for: BundledSchemas.iris).predictionLog.recent(limit: 100)
        #expect(logged.filter { $0.features[1] == 3.1 }.count == 40)
    }
}

/// The dashboard's pages of a dataset: built from its schema, with no code of its own.
@Suite struct DatasetPageTests {
    @Test func theDatasetsPageListsEveryDatasetWithItsRows() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            let page = try await client.send(.get, "/datasets")
            #expect(page.status == .ok)
            #expect(page.text.contains("<a href=\"/datasets/iris\">iris</a>"))
            #expect(page.text.contains("<td class=\"num\">150</td>"))
            #expect(page.text.contains("<a href=\"/\">penguins</a>"))
        }
    }

    @Test func aDatasetsPageShowsItsStatisticsChosenScatterModelAndPredictForm() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            let page = try await client.send(.get, "/datasets/iris?x=petal_length_cm&y=sepal_width_cm&colour=species")
            #expect(page.status == .ok, "\(page.text)")
            let text = page.text
            for name in BundledSchemas.iris.features.map(\.name) { #expect(text.contains("<th scope=\"row\">\(name)</th>")) }
            #expect(text.contains("petal_length_cm vs sepal_width_cm, by species"))
            #expect(text.contains("<option selected>sepal_width_cm</option>"))
            #expect(text.contains("Current model: version 1"))
            // The form asks for the model's two features only.
            #expect(text.contains("name=\"f_petal_length_cm\"") && text.contains("name=\"f_petal_width_cm\""))
            #expect(!text.contains("name=\"f_sepal_length_cm\""))
            // The navigation bar leads to iris's own pages, and the switcher offers every dataset.
            #expect(text.contains(#"<a class="current" aria-current="page" href="/datasets/iris">Overview</a>"#))
            #expect(text.contains(#"<a href="/datasets/iris/classification">Classification</a>"#))
            #expect(text.contains(#"<a href="/datasets/iris/drift">Drift</a>"#))
            #expect(text.contains(#"<a href="/datasets/iris#predict">Predict</a>"#))
            #expect(text.contains(#"<option>penguins</option><option selected>iris</option>"#))

            let predicted = try await client.send(.get, "/datasets/iris?f_petal_length_cm=1.4&f_petal_width_cm=0.2")
            #expect(predicted.status == .ok)
            #expect(predicted.text.contains("Predicted species: <strong>setosa</strong>"))
            let refused = try await client.send(.get, "/datasets/iris?f_petal_length_cm=99&f_petal_width_cm=")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("petal_length_cm 99 is outside the plausible range 0...15"))
            #expect(refused.text.contains("petal_width_cm is required"))
            #expect(try await client.send(.get, "/datasets/otters").status == .notFound)
            #expect(try await client.send(.get, "/datasets/penguins").headers[.location] == "/")
        }
    }

    @Test func theRegressionLabFitsAnyColumnsOfADataset() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            // With no query: the last numeric column on the first.
            let first = try await client.send(.get, "/datasets/iris/regression")
            #expect(first.status == .ok)
            #expect(first.text.contains("<h1>Regression lab: iris</h1>"))
            #expect(first.text.contains("action=\"/datasets/iris/regression\""))
            #expect(first.text.contains("<option value=\"petal_width_cm\" selected>petal_width_cm</option>"))
            #expect(first.text.contains("<code>petal_width_cm ~ sepal_length_cm</code>"))
            #expect(first.text.contains("value=\"species\">species (categorical)</label>"))

            // The page shows the API's fit.
            let query = "target=petal_width_cm&predictors=petal_length_cm&predictors=species&test_fraction=0"
            let page = try await client.send(.get, "/datasets/iris/regression?" + query)
            #expect(page.status == .ok)
            let report = try await client.send(.get, "/api/v1/datasets/iris/regression?target=petal_width_cm&predictors=petal_length_cm,species&test_fraction=0").object()
            let rSquared = try #require((report["model"] as? [String: Any])?["r_squared"] as? Double)
            #expect(page.text.contains(String(format: "%.4f", rSquared)), "R² \(rSquared)")
            #expect(page.text.contains("<code>petal_width_cm ~ petal_length_cm + species</code>"))

            let refused = try await client.send(.get, "/datasets/iris/regression?target=species&predictors=petal_length_cm")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("The regression could not be fitted:"))
            let penguins = try await client.send(.get, "/datasets/penguins/regression?target=body_mass_g")
            #expect(penguins.headers[.location] == "/regression?target=body_mass_g")
            #expect(try await client.send(.get, "/datasets/otters/regression").status == .notFound)
            #expect(try await client.send(.get, "/datasets/iris").text.contains("<a href=\"/datasets/iris/regression\">"))
        }
    }

    @Test func aDatasetsClassificationPageListsItsModelVersionsAndPromotesOne() async throws {
        let platform = try await makeIrisPlatform(score: false)
        _ = try await Trainer(platform: platform, parameters: smallForest).train(schema: BundledSchemas.iris, features: ["petal_width_cm"])
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let page = try await client.send(.get, "/datasets/iris/classification")
            #expect(page.status == .ok)
            #expect(page.text.contains("<h1>Classification: iris</h1>"))
            #expect(page.text.contains("Current model: version 2"))
            #expect(page.text.contains("Confusion matrix"))
            #expect(page.text.contains("<h2>Versions</h2>"))
            #expect(page.text.contains(#"action="/datasets/iris/promote"><input type="hidden" name="csrf_token" value=""#))
            #expect(page.text.contains(#"<input type="hidden" name="version" value="1">"#))
            #expect(!page.text.contains(#"name="version" value="2""#))
            #expect(page.text.contains(#"<a class="current" aria-current="page" href="/datasets/iris/classification">Classification</a>"#))

            let promoted = try await client.postForm("/datasets/iris/promote", "version=1")
            #expect(promoted.status == .seeOther)
            #expect(promoted.headers[.location] == "/datasets/iris/classification")
            #expect(try await client.send(.get, "/datasets/iris/classification").text.contains("Current model: version 1"))
            #expect(try await client.send(.get, "/datasets/iris").text.contains("Current model: version 1"))
            #expect(try await client.send(.get, "/api/v1/datasets/iris/model").object()["version"] as? Int == 1)

            #expect(try await client.postForm("/datasets/iris/promote", "version=one").status == .badRequest)
            #expect(try await client.postForm("/datasets/iris/promote", "version=9").status == .notFound)
            #expect(try await client.postForm("/datasets/otters/promote", "version=1").status == .notFound)
            #expect(try await client.send(.get, "/datasets/otters/classification").status == .notFound)
            #expect(try await client.send(.get, "/datasets/penguins/classification").headers[.location] == "/classification")
        }
    }

    /// The drift page compares the training sample with the warehouse until predictions are
    /// logged, then with them; either can be chosen, with the API's figures.
    @Test func aDatasetsDriftPageComparesTheTrainingSampleWithTheWarehouseThenProduction() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            let stored = try await client.send(.get, "/datasets/iris/drift")
            #expect(stored.status == .ok)
            #expect(stored.text.contains("<h2>The training sample against the warehouse</h2>"))
            #expect(stored.text.contains("<option selected>warehouse</option>"))
            let report = try await client.send(.get, "/api/v1/datasets/iris/drift?current=warehouse").object()
            for feature in try #require(report["features"] as? [[String: Any]]) {
                let name = try #require(feature["feature"] as? String)
                let statistic = try #require((feature["ks"] as? [String: Any])?["statistic"] as? Double)
                #expect(stored.text.contains("<section class=\"feature-drift\"><h3>\(name) "))
                #expect(stored.text.contains("\(name): empirical CDFs"))
                #expect(stored.text.contains(String(format: "%.4f", statistic)), "\(name) D")
            }
            #expect(!stored.text.contains("feature-drift drifted"))
            #expect(!stored.text.contains("<h3>sepal_length_cm "))
            // Production is empty until a prediction is logged: the page says how to log one.
            let empty = try await client.send(.get, "/datasets/iris/drift?current=production")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("the prediction log of iris is empty"))

            // The predict form logs its prediction; the page then compares with production.
            #expect(try await client.send(.get, "/datasets/iris?f_petal_length_cm=6.1&f_petal_width_cm=2.3").status == .ok)
            let production = try await client.send(.get, "/datasets/iris/drift")
            #expect(production.text.contains("<h2>The training sample against production</h2>"))
            #expect(production.text.contains("<option selected>production</option>"))
            #expect(production.text.contains("production: 1 logged"))
            #expect(try await client.send(.get, "/datasets/iris/drift?current=lake").status == .badRequest)
            #expect(try await client.send(.get, "/datasets/penguins/drift").headers[.location] == "/drift")
        }
    }

    /// The switcher in the navigation bar opens the same page of the chosen dataset.
    @Test func theDatasetSwitcherOpensTheSamePageOfAnotherDataset() async throws {
        let app = try await makeApp(try await makeIrisPlatform(score: false))
        try await app.test(.router) { client in
            let drift = try await client.send(.get, "/drift")
            #expect(drift.text.contains(#"<form class="dataset-switch" method="get" action="/datasets"><input type="hidden" name="page" value="drift">"#))
            #expect(drift.text.contains(#"<option selected>penguins</option><option>iris</option>"#))
            #expect(try await client.send(.get, "/datasets?open=iris&page=drift").headers[.location] == "/datasets/iris/drift")
            #expect(try await client.send(.get, "/datasets?open=iris&page=statistics").headers[.location] == "/datasets/iris#statistics")
            #expect(try await client.send(.get, "/datasets?open=iris&page=benchmarks").headers[.location] == "/datasets/iris")
            #expect(try await client.send(.get, "/datasets?open=penguins&page=classification").headers[.location] == "/classification")
            #expect(try await client.send(.get, "/datasets?open=iris").headers[.location] == "/datasets/iris")
            #expect(try await client.send(.get, "/datasets?open=otters&page=drift").status == .notFound)
        }
    }

    @Test func anEmptyDatasetsPageSaysHowToLoadIt() async throws {
        let app = try await makeApp(try await makePlatform(ingest: false))
        try await app.test(.router) { client in
            let page = try await client.send(.get, "/datasets/iris")
            #expect(page.status == .ok)
            #expect(page.text.contains("penguins ingest --dataset iris"))
        }
    }
}
