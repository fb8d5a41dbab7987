import Foundation
import PenguinsCore

/// The JSON text forms in which the SQLite backend stores predictions.
enum PredictionText {
    private static func probabilities(from value: JSONValue, text: String) throws -> [Species: Double] {
        guard case .object(let members) = value else {
            throw StorageError.corrupt("the probabilities \(text) are not a JSON object")
        }
        var result: [Species: Double] = [:]
        for (key, member) in members {
            guard let species = Species(rawValue: key), let probability = member.numberValue else {
                throw StorageError.corrupt("the probabilities \(text) hold an unknown species or a non-number")
            }
            result[species] = probability
        }
        return result
    }

    /// A whole prediction as one JSON object: species, probabilities, model version and
    /// prediction time (seconds since 1970).
    static func prediction(_ prediction: Prediction) -> String {
        var probabilities: [String: JSONValue] = [:]
        for (species, probability) in prediction.probabilities { probabilities[species.rawValue] = .number(probability) }
        return JSONValue.object([
            "species": .string(prediction.species.rawValue),
            "probabilities": .object(probabilities),
            "model_version": .number(Double(prediction.modelVersion)),
            "predicted_at": .number(prediction.predictedAt.timeIntervalSince1970),
        ]).jsonText
    }

    /// Reads what ``prediction(_:)`` wrote.
    static func prediction(parsing text: String) throws -> Prediction {
        let value = try JSONTextParser.parse(text, what: "the cached prediction \(text)")
        guard let species = value["species"]?.stringValue.flatMap(Species.init(rawValue:)),
              let probabilities = value["probabilities"],
              let modelVersion = value["model_version"]?.numberValue,
              let predictedAt = value["predicted_at"]?.numberValue
        else { throw StorageError.corrupt("the cached prediction \(text) lacks a field") }
        return Prediction(
            species: species, probabilities: try self.probabilities(from: probabilities, text: text),
            modelVersion: Int(modelVersion), predictedAt: Date(timeIntervalSince1970: predictedAt)
        )
    }
}

extension PredictionText {
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

    /// Reads what ``recordPrediction(_:)`` wrote.
    static func recordPrediction(parsing text: String) throws -> RecordPrediction {
        let value = try JSONTextParser.parse(text, what: "the cached prediction \(text)")
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
}
