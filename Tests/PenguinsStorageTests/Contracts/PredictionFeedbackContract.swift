import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// Ground truth kept with a dataset's prediction log (the penguins' here): truth for a logged
/// prediction is found by its id, truth for a stored row comes with the row's prediction; a
/// batch naming an unknown prediction id records nothing and names it; truth given again
/// replaces the earlier; `labelled(since:)` reads by prediction time. `log` must start empty.
func checkPredictionFeedbackContract(_ log: any RecordPredictionLog) async throws {
    let classCount = log.schema.target.classes.count
    #expect(classCount == 3)
    let features = [Double?](repeating: nil, count: log.schema.features.count)
    let start = 1_700_000_000.0
    var logged = features
    logged[1] = 18.25
    func prediction(_ predicted: Int, version: Int, second: Double) -> RecordPrediction {
        var probabilities = [Double](repeating: 0, count: classCount)
        probabilities[predicted] = 1
        return RecordPrediction(predictedClass: predicted, probabilities: probabilities, modelVersion: version, predictedAt: Date(timeIntervalSince1970: start + second))
    }
    try await log.append([
        RecordLogEntry(features: features, prediction: prediction(0, version: 1, second: 0), predictionID: "p-a"),
        RecordLogEntry(features: logged, prediction: prediction(1, version: 1, second: 10), predictionID: "p-b"),
        RecordLogEntry(features: features, prediction: prediction(2, version: 2, second: 20)),
    ])
    let recorded = Date(timeIntervalSince1970: start + 100)
    var rowFeatures = features
    rowFeatures[0] = 41.5
    let row = FeedbackSubject.row("row-7", prediction(2, version: 3, second: 30), features: rowFeatures)

    let refused = try await log.record([
        Feedback(subject: .prediction("p-a"), actualClass: 1, recordedAt: recorded),
        Feedback(subject: .prediction("p-unknown"), actualClass: 0, recordedAt: recorded),
        Feedback(subject: row, actualClass: 2, recordedAt: recorded),
        Feedback(subject: .prediction("p-other"), actualClass: 0, recordedAt: recorded),
    ])
    #expect(refused == [1, 3])
    #expect(try await log.labelled(since: nil).isEmpty, "a refused batch records nothing")

    #expect(try await log.record([
        Feedback(subject: .prediction("p-b"), actualClass: 1, recordedAt: recorded),
        Feedback(subject: row, actualClass: 0, recordedAt: recorded),
        Feedback(subject: .prediction("p-a"), actualClass: 1, recordedAt: recorded),
    ]).isEmpty)
    let expected = [
        LabelledPrediction(features: features, predictedClass: 0, actualClass: 1, modelVersion: 1, predictedAt: Date(timeIntervalSince1970: start), recordedAt: recorded),
        LabelledPrediction(features: logged, predictedClass: 1, actualClass: 1, modelVersion: 1, predictedAt: Date(timeIntervalSince1970: start + 10), recordedAt: recorded),
        LabelledPrediction(features: rowFeatures, predictedClass: 2, actualClass: 0, modelVersion: 3, predictedAt: Date(timeIntervalSince1970: start + 30), recordedAt: recorded),
    ]
    #expect(try await log.labelled(since: nil) == expected)

    // The truth of p-a corrected: replaced, not added.
    let corrected = Date(timeIntervalSince1970: start + 200)
    #expect(try await log.record([Feedback(subject: .prediction("p-a"), actualClass: 0, recordedAt: corrected)]).isEmpty)
    var fixed = expected
    (fixed[0].actualClass, fixed[0].recordedAt) = (0, corrected)
    #expect(try await log.labelled(since: nil) == fixed)
    #expect(try await log.labelled(since: Date(timeIntervalSince1970: start + 10)) == Array(fixed.dropFirst()))
    #expect(try await log.record([]).isEmpty)
    #expect(try await log.count() == 3, "ground truth adds no log entries")
}
