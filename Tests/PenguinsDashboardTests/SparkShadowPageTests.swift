import PenguinsDashboard
import PenguinsPipeline
import PenguinsStorage
import Testing

struct SparkShadowPageTests {
    private func sparkModel() async throws -> SpeciesModel {
        let model = try await DashboardFixture.shared.model
        var artifact = model.artifact
        artifact.spark = SparkModelRecord(
            url: "sc://spark.internal:15002", sparkVersion: "4.3.0", modelPath: "/models/species-<1>", accuracy: 0.985,
            macroF1: 0.98, f1ByLabel: [0.99, 0.97, 0.98], testFraction: 0.2, seed: 42, seconds: 12
        )
        return try SpeciesModel(version: model.version, artifact: artifact)
    }

    @Test func showsTheAgreementAndTheRowsThatDiffer() async throws {
        let model = try await sparkModel()
        let shadow = ShadowComparison(modelVersion: model.version, compared: 342, agreed: 340, disagreements: [
            ShadowDisagreement(penguinID: "PAL0809-Gentoo-38", island: "Biscoe", species: "Gentoo", swift: "Adelie", spark: "Gentoo"),
        ])
        let html = Pages.classification(current: model, versions: try await DashboardFixture.shared.versions, shadow: shadow)
        #expect(html.contains("Spark shadow model"))
        #expect(html.contains("99.42"))
        #expect(html.contains("PAL0809-Gentoo-38"))
        #expect(html.contains("/models/species-&lt;1&gt;"))
        #expect(!html.contains("species-<1>"))
    }

    @Test func saysHowToGetSparkPredictions() async throws {
        let html = Pages.classification(current: try await sparkModel(), versions: [], shadow: nil)
        #expect(html.contains("Spark shadow model"))
        #expect(html.contains("penguins score --engine sc://HOST:PORT"))
    }

    @Test func aSwiftOnlyModelHasNoSparkSection() async throws {
        let html = Pages.classification(current: try await DashboardFixture.shared.model, versions: [])
        #expect(!html.contains("Spark shadow model"))
    }
}
