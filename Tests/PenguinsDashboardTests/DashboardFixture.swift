import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage

/// Everything the pages show, built once from the bundled data set: an in-memory platform
/// with two model versions, statistics, a regression and a drift report against a shifted sample.
struct DashboardFixture: Sendable {
    var columns: DatasetColumns
    var statistics: StatisticsReport
    var regression: RegressionReport
    var summary: PlatformSummary
    var model: SpeciesModel
    var versions: [ModelVersionSummary]
    var reference: DriftSample
    var current: DriftSample
    var drift: DriftReport
    var prediction: Prediction

    /// The shared fixture (built on first use).
    static var shared: DashboardFixture {
        get async throws { try await building.value }
    }

    private static let building = Task { try await build() }

    static func build() async throws -> DashboardFixture {
        let columns = try DatasetColumns.load(file: BundledDataset.tidyCSV, schema: BundledSchemas.penguins)
        let statistics = try StatisticsReport.compute(columns)
        let regression = try RegressionAnalysis(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"]).run(columns)

        let platform = Platform.inMemory()
        _ = try await Ingestor(platform: platform).ingest(file: BundledDataset.tidyCSV)
        let fixed = Date(timeIntervalSince1970: 1_750_000_000)
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 5, maxDepth: 3, seed: 7)).train(now: fixed)
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 10, maxDepth: 4)).train(now: fixed.addingTimeInterval(60))
        let model = try await platform.currentModel()
        let versions = try await platform.registry.versions()
        let summary = try await PlatformSummary.collect(platform)

        let reference = try await DriftSample.load(.training, platform: platform)
        var current = DriftSample()
        for feature in Feature.allCases {
            let values = columns.numeric(feature.rawValue)!.compactMap { $0 }
            current.values[feature.rawValue] = feature == .billLength ? values.map { $0 + 6 } : values
        }
        current.categories["species"] = columns.categorical("species")!.reduce(into: [:]) { $0[$1 ?? "missing", default: 0] += 1 }
        let drift = try DriftAnalysis().compare(reference: reference, current: current, referenceName: "training", currentName: "production")

        guard let prediction = model.predict(Measurements(billLength: 45, billDepth: 17, flipperLength: 200, bodyMass: 4200), at: fixed) else {
            throw FixtureError.noPrediction
        }
        return DashboardFixture(
            columns: columns, statistics: statistics, regression: regression, summary: summary, model: model,
            versions: versions, reference: reference, current: current, drift: drift, prediction: prediction
        )
    }
}

enum FixtureError: Error {
    case noPrediction
}

/// The summary of a platform with nothing in it.
func emptySummary() async throws -> PlatformSummary {
    try await PlatformSummary.collect(Platform.inMemory())
}
