import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsPipeline
import PenguinsStorage
import Testing
@testable import PenguinsServer

struct ModelShadowTests {
    private let record = SparkModelRecord(
        url: "sc://127.0.0.1:15002", sparkVersion: "4.3.0", modelPath: "/models/species-1", accuracy: 0.99,
        macroF1: 0.985, f1ByLabel: [1, 0.97, 0.985], testFraction: 0.2, seed: 42, seconds: 9.5
    )

    @Test func theModelShowsItsSparkPartAndNoShadowWithoutSparkPredictions() async throws {
        let platform = try await makePlatform(score: false)
        var artifact = try await platform.currentModel().artifact
        artifact.spark = record
        let version = try await platform.registry.register(artifact: try artifact.encoded(), createdAt: Date())
        try await platform.registry.promote(version: version)
        let metrics = artifact.metrics
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let response = try await client.send(.get, "/api/v1/model")
            let model = try response.object()
            #expect(model["version"] as? Int == version)
            let spark = try #require(model["spark"] as? [String: Any])
            #expect(spark["model_path"] as? String == "/models/species-1")
            #expect(spark["spark_version"] as? String == "4.3.0")
            #expect(spark["macro_f1"] as? Double == 0.985)
            // The embedded warehouse holds no Spark predictions.
            #expect(model["shadow"] == nil)
            // The Swift model's own metrics are still there: those of the registered artifact.
            #expect(try ModelNumbers(json: Data(response.text.utf8)).accuracy == metrics.accuracy)
            let counts = metrics.confusionMatrix
            let correct = counts.indices.map { counts[$0][$0] }.reduce(0, +)
            #expect(metrics.accuracy == Double(correct) / Double(counts.joined().reduce(0, +)))
        }
    }

    @Test func aSwiftOnlyModelHasNeitherSparkNorShadow() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let model = try await client.send(.get, "/api/v1/model").object()
            #expect(model["spark"] == nil)
            #expect(model["shadow"] == nil)
        }
    }

    @Test func theShadowObjectNamesCountsRateAndRows() async throws {
        let platform = try await makePlatform(score: false)
        let model = try await platform.currentModel()
        let shadow = ShadowComparison(modelVersion: 1, compared: 4, agreed: 3, disagreements: [
            ShadowDisagreement(penguinID: "p1", island: "Dream", species: "Chinstrap", swift: "Chinstrap", spark: "Adelie"),
        ])
        let data = try Responses.encoded(ModelWithShadow(description: ModelDescription(model), spark: record, shadow: shadow))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let encoded = try #require(object["shadow"] as? [String: Any])
        #expect(encoded["compared"] as? Int == 4)
        #expect(encoded["agreed"] as? Int == 3)
        #expect(encoded["agreement_rate"] as? Double == 0.75)
        let rows = try #require(encoded["disagreements"] as? [[String: Any]])
        #expect(rows.first?["penguin_id"] as? String == "p1")
        #expect(rows.first?["spark"] as? String == "Adelie")
        #expect(object["version"] as? Int == model.version)
        let importances = try ModelNumbers(json: data).featureImportances
        #expect(importances.count == 4)
        let forest = model.artifact.forest.featureImportances
        #expect(importances["bill_length_mm"] == forest[0])
        #expect(importances["bill_depth_mm"] == forest[1])
        #expect(importances["flipper_length_mm"] == forest[2])
        #expect(importances["body_mass_g"] == forest[3])
    }
}
