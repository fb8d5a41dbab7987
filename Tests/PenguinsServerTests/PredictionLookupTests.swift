import Foundation
import PenguinsCore
import PenguinsServer
import PenguinsStorage
import Testing

@Suite struct PredictionLookupTests {
    let complete = Measurements(billLength: 39.1, billDepth: 18.7, flipperLength: 181, bodyMass: 3750)

    func prediction(version: Int) -> Prediction {
        Prediction(species: .adelie, probabilities: [.adelie: 0.9, .chinstrap: 0.05, .gentoo: 0.05], modelVersion: version, predictedAt: Date(timeIntervalSince1970: 0))
    }

    func row(_ measurements: Measurements, scoredBy version: Int?) -> WarehouseRow {
        WarehouseRow(
            penguin: Penguin(id: "p1", species: .adelie, island: .dream, measurements: measurements, sex: .female, year: 2008),
            prediction: version.map { prediction(version: $0) }
        )
    }

    /// The row of features the penguin of `row(_:scoredBy:)` has in the penguins' schema.
    func features(_ measurements: Measurements) -> [Double?] {
        PenguinRecords.bundled.record(row(measurements, scoredBy: nil).penguin, otherFields: false).features
    }

    @Test func aCacheHitOfTheCurrentVersionAnswers() {
        #expect(PredictionLookup.afterCache(currentVersion: 3, cached: prediction(version: 3)) == .answer(prediction(version: 3), source: .cache))
    }

    @Test func aMissOrAnotherVersionReadsTheWarehouse() {
        #expect(PredictionLookup.afterCache(currentVersion: 3, cached: nil) == .readWarehouse)
        #expect(PredictionLookup.afterCache(currentVersion: 3, cached: prediction(version: 2)) == .readWarehouse)
        #expect(PredictionLookup.afterCache(currentVersion: nil, cached: nil) == .readWarehouse)
    }

    @Test func aRowScoredByTheCurrentVersionAnswersFromTheWarehouse() {
        #expect(PredictionLookup.afterWarehouse(currentVersion: 3, row: row(complete, scoredBy: 3)) == .answer(prediction(version: 3), source: .warehouse))
    }

    @Test func aRowScoredByAnotherVersionOrNotAtAllIsPredictedLive() {
        #expect(PredictionLookup.afterWarehouse(currentVersion: 3, row: row(complete, scoredBy: 2)) == .predictLive(features(complete)))
        #expect(PredictionLookup.afterWarehouse(currentVersion: 3, row: row(complete, scoredBy: nil)) == .predictLive(features(complete)))
    }

    @Test func anUnknownPenguinIsNotFoundEvenWithoutAModel() {
        #expect(PredictionLookup.afterWarehouse(currentVersion: 3, row: nil) == .notFound)
        #expect(PredictionLookup.afterWarehouse(currentVersion: nil, row: nil) == .notFound)
    }

    @Test func aPenguinWithAMissingMeasurementIsNotPredictable() {
        var partial = complete
        partial.bodyMass = nil
        partial.billDepth = nil
        #expect(PredictionLookup.afterWarehouse(currentVersion: 3, row: row(partial, scoredBy: nil)) == .notPredictable(missing: ["bill_depth_mm", "body_mass_g"]))
    }

    @Test func aModelOfOtherFeaturesNeedsThoseAndNotTheMeasurements() {
        let coding = PenguinRecords.bundled
        let reads = ["bill_length_mm", "delta_15_n", "island"].map { name in coding.schema.features.firstIndex { $0.name == name }! }
        var partial = complete
        partial.bodyMass = nil
        let unscored = row(partial, scoredBy: nil)
        #expect(PredictionLookup.afterWarehouse(currentVersion: 3, row: unscored, reads: reads) == .notPredictable(missing: ["delta_15_n"]))
        var measured = unscored
        measured.penguin.otherFields["delta_15_n"] = .number(8.9)
        guard case .predictLive(let features) = PredictionLookup.afterWarehouse(currentVersion: 3, row: measured, reads: reads) else {
            Issue.record("a penguin with every feature the model reads is predicted live")
            return
        }
        #expect(features[reads[0]] == 39.1)
        #expect(features[reads[1]] == 8.9)
        #expect(features[reads[2]] == Double(coding.islands.firstIndex(of: .dream)!))
    }

    @Test func aKnownCompletePenguinWithoutAModelIsNoModel() {
        #expect(PredictionLookup.afterWarehouse(currentVersion: nil, row: row(complete, scoredBy: 1)) == .noModel)
    }
}
