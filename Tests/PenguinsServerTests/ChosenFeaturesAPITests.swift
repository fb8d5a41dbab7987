import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsServer
import Testing

/// A penguins' model trained on chosen features (`train --features`) is the one served: the
/// API, the cached lookup and the predict form ask for the features it reads, and a body
/// without one is a 422 naming it.
@Suite struct ChosenFeaturesAPITests {
    static let features = ["bill_length_mm", "flipper_length_mm", "island", "sex"]

    /// The bundled raw data with a model of `features` current.
    func platform() async throws -> Platform {
        let platform = try await makePlatform(train: false)
        _ = try await Trainer(platform: platform, parameters: smallForest).train(schema: BundledSchemas.penguins, features: Self.features)
        return platform
    }

    @Test func predictionsNeedTheFeaturesTheModelReads() async throws {
        let app = try await makeApp(try await platform())
        try await app.test(.router) { client in
            let model = try await client.send(.get, "/api/v1/model").object()
            #expect(model["feature_names"] as? [String] == Self.features)

            let adelie = try await client.postJSON(
                "/api/v1/predict", #"{"bill_length_mm": 39.1, "flipper_length_mm": 181, "island": "Torgersen", "sex": "MALE"}"#)
            #expect(adelie.status == .ok, "\(adelie.text)")
            #expect(try adelie.object()["species"] as? String == "Adelie")

            // The four measurements are no longer enough; the island and the sex are named.
            let measurements = try await client.postJSON("/api/v1/predict", adelieJSON)
            try expectProblem(measurements, status: .unprocessableContent, field: "island")
            try expectProblem(measurements, status: .unprocessableContent, field: "sex")

            let batch = try await client.postJSON("/api/v1/predict/batch", """
                {"penguins": [{"bill_length_mm": 46.5, "flipper_length_mm": 230, "island": "Biscoe", "sex": "f"},
                              {"bill_length_mm": 46.5, "flipper_length_mm": 230, "island": "Biscoe"}]}
                """)
            try expectProblem(batch, status: .unprocessableContent, field: "penguins[1].sex")
        }
    }

    @Test func theLookupPredictsFromTheStoredFeatures() async throws {
        let app = try await makeApp(try await platform())
        try await app.test(.router) { client in
            let known = try await client.send(.get, "/api/v1/predictions/PAL0708-Adelie-1")
            #expect(known.status == .ok, "\(known.text)")
            #expect(try known.object()["source"] as? String == "model")
            // Penguin 9 was measured, but nobody recorded its sex.
            let unsexed = try await client.send(.get, "/api/v1/predictions/PAL0708-Adelie-9")
            try expectProblem(unsexed, status: .unprocessableContent, field: "sex")
        }
    }

    @Test func thePredictFormAsksForTheModelsFeatures() async throws {
        let app = try await makeApp(try await platform())
        try await app.test(.router) { client in
            let empty = try await client.send(.get, "/predict")
            #expect(empty.status == .ok)
            #expect(empty.text.contains("<select name=\"island\" required>"))
            #expect(empty.text.contains("name=\"flipper_length_mm\""))
            #expect(!empty.text.contains("name=\"bill_depth_mm\""))

            let answered = try await client.send(.get, "/predict?bill_length_mm=39.1&flipper_length_mm=181&island=Torgersen&sex=male")
            #expect(answered.status == .ok)
            #expect(answered.text.contains("Species: <strong>Adelie</strong>"))
            let incomplete = try await client.send(.get, "/predict?bill_length_mm=39.1&flipper_length_mm=181&island=Torgersen")
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.text.contains("sex is required"))
        }
    }

    /// The prediction log keeps every feature a request gave, so production drift compares the
    /// island and the sex the model reads, and the isotope ratios stay in the log for later.
    @Test func theLogKeepsEveryFeatureARequestGave() async throws {
        let platform = try await platform()
        let app = try await makeApp(platform, options: testOptions(logFlush: .seconds(3600)))
        try await app.test(.router) { client in
            let penguin = #"{"bill_length_mm": 39.1, "flipper_length_mm": 181, "island": "Torgersen", "sex": "MALE", "delta_15_n": 8.9}"#
            let batch = "{\"penguins\":[" + Array(repeating: penguin, count: 20).joined(separator: ",") + "]}"
            #expect(try await client.postJSON("/api/v1/predict/batch", batch).status == .ok)
            let report = try await client.send(.get, "/api/v1/drift").object()
            let categorical = try #require(report["categorical"] as? [[String: Any]])
            let island = try #require(categorical.first { $0["column"] as? String == "island" })
            #expect(island["current"] as? [String: Int] == ["Torgersen": 20])
            let sex = try #require(categorical.first { $0["column"] as? String == "sex" })
            #expect(sex["current"] as? [String: Int] == ["male": 20])
        }
        let schema = platform.predictionLog.schema
        let isotope = try #require(schema.features.firstIndex { $0.name == "delta_15_n" })
        let logged = try await platform.predictionLog.recent(limit: 100)
        #expect(logged.count == 20)
        #expect(logged.allSatisfy { $0.features[isotope] == 8.9 })
    }

    /// The dashboard's simulated stream carries every feature of the schema, so a model of the
    /// isotope ratios predicts it, and a shift of one isotope ratio shows as drift.
    @Test func aSimulatedStreamReachesAModelOfTheIsotopeRatios() async throws {
        let platform = try await makePlatform(train: false)
        let isotopes = ["bill_length_mm", "flipper_length_mm", "delta_15_n", "delta_13_c"]
        _ = try await Trainer(platform: platform, parameters: smallForest).train(schema: BundledSchemas.penguins, features: isotopes)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let page = try await client.send(.get, "/drift")
            #expect(page.text.contains("<option value=\"delta_15_n\">delta_15_n</option>"))
            let simulate = try await client.postForm("/drift/simulate", "feature=delta_15_n&delta=3&rows=200")
            #expect(simulate.status == .seeOther, "\(simulate.text)")
            let report = try await client.send(.get, "/api/v1/drift?feature=delta_15_n&current=simulation").object()
            let drift = try #require((report["features"] as? [[String: Any]])?.first)
            #expect(drift["current_count"] as? Int == 200)
            #expect(drift["drift"] as? Bool == true)
        }
        #expect(try await platform.predictionLog.count() == 0, "simulated, not logged")
    }
}
