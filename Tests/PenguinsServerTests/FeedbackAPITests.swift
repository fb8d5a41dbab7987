import Foundation
import HummingbirdTesting
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import Testing

/// Ground truth through the API: predictions carry ids, `POST /feedback` records the truth by
/// prediction id or stored row, and the model's production quality follows it.
@Suite struct FeedbackAPITests {
    static let penguins = """
        {"penguins": [
            {"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750},
            {"bill_length_mm": 46.1, "bill_depth_mm": 13.2, "flipper_length_mm": 211, "body_mass_g": 4500},
            {"bill_length_mm": 49.5, "bill_depth_mm": 19.0, "flipper_length_mm": 200, "body_mass_g": 3800},
            {"bill_length_mm": 38.6, "bill_depth_mm": 21.2, "flipper_length_mm": 191, "body_mass_g": 3800}
        ]}
        """

    @Test func truthByPredictionIdAndByRowGivesTheProductionAccuracy() async throws {
        let platform = try await makePlatform()
        let metrics = ServerMetrics()
        let app = try await makeApp(platform, options: testOptions(metrics: metrics))
        try await app.test(.router) { client in
            let single = try await client.postJSON("/api/v1/predict", #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#).object()
            let singleID = try #require(single["prediction_id"] as? String)
            let batch = try await client.postJSON("/api/v1/predict/batch", Self.penguins).object()
            let predictions = try #require(batch["predictions"] as? [[String: Any]])
            let ids = predictions.compactMap { $0["prediction_id"] as? String }
            let species = predictions.compactMap { $0["species"] as? String }
            #expect(ids.count == 4 && Set(ids + [singleID]).count == 5, "every prediction has an id of its own")

            // The stored penguin's batch prediction, which truth by row id judges.
            let stored = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
            let storedSpecies = try #require(stored["species"] as? String)

            // Truth: the first two as predicted, the third another species (by an alias of the
            // raw file), the fourth as predicted, the stored penguin as Adelie.
            let other = ["Adelie", "Chinstrap", "Gentoo"].first { $0 != species[2] }!
            let alias = BundledSchemas.penguins.target.aliases.first { $0.value == other }!.key
            let actual = [species[0], species[1], alias, species[3]]
            let body = """
                {"feedback": [\(zip(ids, actual).map { #"{"prediction_id": "\#($0)", "actual": "\#($1)"}"# }.joined(separator: ",")),
                 {"id": "\(knownPenguinID)", "actual": "Adelie"}]}
                """
            let answer = try await client.postJSON("/api/v1/feedback", body)
            #expect(answer.status == .ok, "\(answer.text)")
            let result = try answer.object()
            #expect(result["recorded"] as? Int == 5)
            let truth = [species[0], species[1], other, species[3], "Adelie"]
            let guessed = species + [storedSpecies]
            let classes = BundledSchemas.penguins.target.classes
            let correct = zip(truth, guessed).filter { $0 == $1 }.count
            let reference = ClassificationMetrics(
                actual: truth.map { classes.firstIndex(of: $0)! }, predicted: guessed.map { classes.firstIndex(of: $0)! }, classCount: 3)
            let production = try #require(result["production"] as? [String: Any])
            #expect(production["rows"] as? Int == 5)
            #expect(production["model_version"] as? Int == 1)
            #expect(production["accuracy"] as? Double == Double(correct) / 5)
            #expect(abs((production["macro_f1"] as? Double ?? -1) - reference.macroF1) <= 1e-12)
            #expect(production["confusion_matrix"] as? [[Int]] == reference.confusionMatrix)
            let windows = try #require(production["windows"] as? [[String: Any]])
            #expect(windows.compactMap { $0["rows"] as? Int }.reduce(0, +) == 5)

            // The model shows the same figures, and so do the metrics.
            let model = try await client.send(.get, "/api/v1/model").object()
            let shown = try #require(model["production"] as? [String: Any])
            #expect(shown["rows"] as? Int == 5)
            #expect(shown["accuracy"] as? Double == Double(correct) / 5)
            let exposition = try await client.send(.get, "/api/v1/metrics").text
            #expect(exposition.contains(#"penguins_production_accuracy{dataset="penguins"} \#(Double(correct) / 5)"#))
            #expect(exposition.contains(#"penguins_feedback_recorded_total{dataset="penguins"} 5"#))

            // The truth of the single prediction, corrected twice: one answer, the last one.
            for truth in ["Gentoo", "Adelie"] {
                let again = try await client.postJSON("/api/v1/feedback", #"{"feedback": [{"prediction_id": "\#(singleID)", "actual": "\#(truth)"}]}"#)
                #expect(again.status == .ok)
            }
            let after = try await client.send(.get, "/api/v1/model").object()
            #expect((after["production"] as? [String: Any])?["rows"] as? Int == 6)

            // The classification page shows the figures and the accuracy by day.
            let page = try await client.send(.get, "/classification").text
            #expect(page.contains("<h2>In production</h2>"))
            #expect(page.contains("Accuracy by day in production"))
            #expect(page.contains(">6<"), "six answers shown")
        }
    }

    @Test func aBatchWithAnyFaultRecordsNothingAndNamesEachFault() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let batch = try await client.postJSON("/api/v1/predict/batch", Self.penguins).object()
            let id = try #require((batch["predictions"] as? [[String: Any]])?.first?["prediction_id"] as? String)
            let refused = try await client.postJSON("/api/v1/feedback", """
                {"feedback": [{"prediction_id": "\(id)", "actual": "Adelie"}, {"prediction_id": "nobody-1", "actual": "Adelie"}]}
                """)
            try expectProblem(refused, status: .unprocessableContent, field: "feedback[1].prediction_id")
            let unknownClass = try await client.postJSON("/api/v1/feedback", #"{"feedback": [{"prediction_id": "\#(id)", "actual": "Emperor"}]}"#)
            try expectProblem(unknownClass, status: .unprocessableContent, field: "feedback[0].actual")
            let unknownRow = try await client.postJSON("/api/v1/feedback", #"{"feedback": [{"id": "PAL0000-None-0", "actual": "Adelie"}]}"#)
            try expectProblem(unknownRow, status: .unprocessableContent, field: "feedback[0].id")
            let both = try await client.postJSON("/api/v1/feedback", #"{"feedback": [{"id": "\#(knownPenguinID)", "prediction_id": "\#(id)", "actual": "Adelie"}]}"#)
            try expectProblem(both, status: .unprocessableContent, field: "feedback[0].id")
            try expectProblem(try await client.postJSON("/api/v1/feedback", #"{"feedback": [{"actual": "Adelie"}]}"#),
                              status: .unprocessableContent, field: "feedback[0].prediction_id")
            try expectProblem(try await client.postJSON("/api/v1/feedback", #"{"feedback": []}"#), status: .unprocessableContent, field: "feedback")
            try expectProblem(try await client.postJSON("/api/v1/feedback", #"{"feedback": [{"prediction_id": 7, "actual": "Adelie"}]}"#),
                              status: .unprocessableContent, field: "feedback[0].prediction_id")

            let model = try await client.send(.get, "/api/v1/model").object()
            let production = try #require(model["production"] as? [String: Any])
            #expect(production["rows"] as? Int == 0, "nothing of the refused batches was recorded")
            #expect(production["accuracy"] is NSNull)
            #expect(try await client.send(.get, "/classification").text.contains("No ground truth yet"))
        }
    }

    @Test func anotherDatasetTakesTruthUnderItsOwnRoute() async throws {
        let platform = try await makeIrisPlatform()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let answer = try await client.postJSON("/api/v1/datasets/iris/predict", #"{"petal_length_cm": 5.6, "petal_width_cm": 2.2}"#).object()
            let id = try #require(answer["prediction_id"] as? String)
            let predicted = try #require(answer["prediction"] as? String)
            let wrong = BundledSchemas.iris.target.classes.first { $0 != predicted }!
            let recorded = try await client.postJSON("/api/v1/datasets/iris/feedback", #"{"feedback": [{"prediction_id": "\#(id)", "actual": "\#(wrong)"}]}"#)
            #expect(recorded.status == .ok, "\(recorded.text)")
            let model = try await client.send(.get, "/api/v1/datasets/iris/model").object()
            let production = try #require(model["production"] as? [String: Any])
            #expect(production["rows"] as? Int == 1)
            #expect(production["accuracy"] as? Double == 0)
            #expect(try await client.send(.get, "/datasets/iris/classification").text.contains("Accuracy by day in production"))
            // A penguins' prediction id is not one of iris's.
            let penguin = try await client.postJSON("/api/v1/predict", #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#).object()
            let crossed = try await client.postJSON(
                "/api/v1/datasets/iris/feedback", #"{"feedback": [{"prediction_id": "\#(penguin["prediction_id"] as? String ?? "")", "actual": "\#(wrong)"}]}"#)
            try expectProblem(crossed, status: .unprocessableContent, field: "feedback[0].prediction_id")
        }
    }
}
