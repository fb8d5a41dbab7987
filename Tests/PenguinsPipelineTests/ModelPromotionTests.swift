import Foundation
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsStorage
import Testing

/// The promotion gate: a version worse than the current one by more than the margin stays a
/// candidate when trained and is refused when promoted, unless forced; the audit trail keeps it all.
@Suite struct ModelPromotionTests {
    /// The bundled iris ingested, version 1 trained on every feature (current), version 2 on the
    /// sepal width alone with a single stump: far less accurate.
    static func twoVersions() async throws -> (Platform, TrainReport, TrainReport) {
        let platform = Platform.inMemory()
        _ = try await Ingestor(platform: platform).ingest(file: BundledSchemas.dataFile(of: "iris")!, dataset: "iris")
        let good = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 10, maxDepth: 4))
            .train(schema: BundledSchemas.iris)
        let weak = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 1, maxDepth: 1))
            .train(schema: BundledSchemas.iris, features: ["sepal_width_cm"])
        return (platform, good, weak)
    }

    @Test func aWorseTrainedVersionStaysACandidateAndSaysByHowMuch() async throws {
        let (platform, good, weak) = try await Self.twoVersions()
        #expect(good.promoted && good.comparison == nil, "the first version has nothing to beat")
        #expect(!weak.promoted)
        let comparison = try #require(weak.comparison)
        #expect(comparison.worse && comparison.candidate == 2 && comparison.current == 1)
        let heldOut = try #require(comparison.heldOut)
        // The candidate's own held-out rows: its recorded evaluation, reproduced.
        #expect(heldOut.rows == weak.artifact.testRows)
        #expect(heldOut.candidate.accuracy == weak.artifact.metrics.accuracy)
        #expect(heldOut.candidate.macroF1 == weak.artifact.metrics.macroF1)
        #expect(heldOut.accuracyChange == heldOut.candidate.accuracy - heldOut.current.accuracy)
        #expect(heldOut.accuracyChange < -0.2)
        let points = String(format: "%.1f", -heldOut.accuracyChange * 100)
        #expect(comparison.summary.contains("on \(heldOut.rows) held-out rows version 2 is \(points) points less accurate than version 1"))
        #expect(comparison.production == nil, "no ground truth came back")

        let registry = try await platform.registry(ofDataset: "iris")
        #expect(try await registry.current()?.version == 1)
        let trail = try await registry.audit(limit: 10)
        #expect(trail.map(\.actor) == ["train"] && trail.map(\.to) == [1])
    }

    @Test func promotingAWorseVersionIsRefusedUnlessForced() async throws {
        let (platform, _, _) = try await Self.twoVersions()
        let gate = ModelPromotion(platform: platform, schema: BundledSchemas.iris)
        let refused = await #expect(throws: PromotionRefused.self) { try await gate.promote(version: 2, actor: "key:ops") }
        #expect(refused?.description.contains("points less accurate than version 1") == true)
        #expect(refused?.description.contains("--force") == true)
        let registry = try await platform.registry(ofDataset: "iris")
        #expect(try await registry.current()?.version == 1)

        // A wide enough margin lets it through; so does force, and the trail says which.
        let lenient = ModelPromotion(platform: platform, schema: BundledSchemas.iris, margin: 0.99)
        let outcome = try await lenient.promote(version: 2, actor: "key:ops")
        #expect(outcome.previous == 1 && outcome.comparison?.worse == false)
        #expect(try await registry.rollback(by: "key:ops") == 1)
        try await gate.promote(version: 2, actor: "key:ops", force: true)
        #expect(try await registry.current()?.version == 2)
        let trail = try await registry.audit(limit: 10)
        #expect(trail.map(\.action) == [.promote, .rollback, .promote, .promote])
        #expect(trail.map(\.forced) == [true, false, false, false])
        #expect(trail[0].comparison?.contains("\"held_out\"") == true && trail[0].comparison?.contains("\"worse\":true") == true)

        // Going back to the better version needs no force.
        let back = try await gate.promote(version: 1, actor: "cli")
        #expect(back.comparison?.worse == false && back.previous == 2)
    }

    @Test func groundTruthIsComparedOnTheSameProductionRows() async throws {
        let (platform, _, weak) = try await Self.twoVersions()
        let schema = BundledSchemas.iris
        let stores = try await platform.tables(for: schema)
        let columns = try await stores.warehouse.columns(featureIndices: Array(schema.features.indices), predictions: false)
        // Forty logged predictions of stored flowers, their truth reported.
        let rows = (0..<40).map { row in (0..<columns.features.count).map { Optional(columns.features[$0][row * 3]) } }
        let labels = (0..<40).map { columns.targetClasses[$0 * 3] }
        try await stores.predictionLog.append(rows.enumerated().map { index, features in
            RecordLogEntry(features: features, prediction: RecordPrediction(
                predictedClass: 0, probabilities: [1, 0, 0], modelVersion: 1, predictedAt: Date()), predictionID: "p-\(index)")
        })
        try await GroundTruth(stores: stores).record(labels.enumerated().map {
            FeedbackItem(reference: .prediction("p-\($0.offset)"), actual: schema.target.classes[$0.element])
        })
        let comparison = try #require(try await ModelPromotion(platform: platform, schema: schema).compare(candidate: weak.version))
        let production = try #require(comparison.production)
        #expect(production.rows == 40)
        // Each version predicts the logged features anew: the current one as it would have.
        let current = try await DatasetModel.current(of: schema, in: stores.registry)
        let predicted = current.probabilities(rows).map { current.prediction(from: $0!, at: Date()).predictedClass }
        #expect(production.current.accuracy == Double(zip(predicted, labels).filter { $0 == $1 }.count) / 40)
        #expect(comparison.worse)
        #expect(comparison.summary.contains("on 40 production rows"))
    }
}
