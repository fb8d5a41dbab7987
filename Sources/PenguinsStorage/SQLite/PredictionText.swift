import Foundation
import PenguinsCore

/// The JSON text in which the SQLite and Redis caches store a prediction.
enum PredictionText {
    /// A dataset row's prediction as one JSON object: the class index, the probabilities by
    /// class index, the model version and the prediction time (seconds since 1970). By index,
    /// not by name: a cache entry lives no longer than its model version, whose classes are fixed.
    static func recordPrediction(_ prediction: RecordPrediction) -> String {
        JSONValue.object([
            "class": .number(Double(prediction.predictedClass)),
            "probabilities": .array(prediction.probabilities.map(JSONValue.number)),
            "model_version": .number(Double(prediction.modelVersion)),
            "predicted_at": .number(prediction.predictedAt.timeIntervalSince1970),
        ]).jsonText
    }

    /// Reads what ``recordPrediction(_:)`` wrote. With `legacyClasses`, also what the penguins'
    /// first cache wrote, `{"species": name, "probabilities": {name: p, ...}, ...}`, its names
    /// read as those classes.
    static func recordPrediction(parsing text: String, legacyClasses: [String]? = nil) throws -> RecordPrediction {
        let value = try JSONTextParser.parse(text, what: "the cached prediction \(text)")
        if value["class"] == nil, let legacyClasses { return try legacyPrediction(value, classes: legacyClasses, text: text) }
        guard let predictedClass = value["class"]?.numberValue,
              case .array(let members)? = value["probabilities"],
              let modelVersion = value["model_version"]?.numberValue,
              let predictedAt = value["predicted_at"]?.numberValue
        else { throw StorageError.corrupt("the cached prediction \(text) lacks a field") }
        let probabilities = try members.map { member in
            guard let probability = member.numberValue else { throw StorageError.corrupt("the cached prediction \(text) holds a non-number probability") }
            return probability
        }
        return RecordPrediction(
            predictedClass: Int(predictedClass), probabilities: probabilities,
            modelVersion: Int(modelVersion), predictedAt: Date(timeIntervalSince1970: predictedAt))
    }

    /// A prediction the penguins' first cache wrote: the species and the probabilities by name.
    private static func legacyPrediction(_ value: JSONValue, classes: [String], text: String) throws -> RecordPrediction {
        guard let name = value["species"]?.stringValue, let predictedClass = classes.firstIndex(of: name),
              case .object(let members)? = value["probabilities"],
              let modelVersion = value["model_version"]?.numberValue,
              let predictedAt = value["predicted_at"]?.numberValue
        else { throw StorageError.corrupt("the cached prediction \(text) lacks a field") }
        return RecordPrediction(
            predictedClass: predictedClass, probabilities: classes.map { members[$0]?.numberValue ?? 0 },
            modelVersion: Int(modelVersion), predictedAt: Date(timeIntervalSince1970: predictedAt))
    }
}
