import Foundation
import PenguinsCore

/// The JSON text forms in which the SQLite backend stores predictions.
enum PredictionText {
    /// `{"Adelie":p,"Chinstrap":p,"Gentoo":p}` with sorted keys and round-tripping numbers.
    static func probabilities(_ probabilities: [Species: Double]) -> String {
        var members: [String: JSONValue] = [:]
        for (species, probability) in probabilities { members[species.rawValue] = .number(probability) }
        return JSONValue.object(members).jsonText
    }

    /// Reads what ``probabilities(_:)`` wrote. The flat object of numbers it writes is split
    /// directly (this runs once per scored row in a warehouse scan); anything else goes
    /// through the JSON parser.
    static func probabilities(parsing text: String) throws -> [Species: Double] {
        var result: [Species: Double] = [:]
        let inner = text.utf8.dropFirst().dropLast()
        if text.utf8.first == UInt8(ascii: "{"), text.utf8.last == UInt8(ascii: "}") {
            var parsedAll = true
            for member in inner.split(separator: UInt8(ascii: ",")) {
                let parts = member.split(separator: UInt8(ascii: ":"), maxSplits: 1)
                guard parts.count == 2,
                      let key = String(parts[0]), key.count >= 2,
                      let species = Species(rawValue: String(key.dropFirst().dropLast())),
                      let value = String(parts[1]).flatMap(Double.init)
                else { parsedAll = false; break }
                result[species] = value
            }
            if parsedAll { return result }
        }
        result = [:]
        guard case .object(let members) = try? JSONValue(parsing: Data(text.utf8)) else {
            throw StorageError.corrupt("probabilities \(text) are not a JSON object")
        }
        for (key, value) in members {
            guard let species = Species(rawValue: key), let probability = value.numberValue else {
                throw StorageError.corrupt("probabilities \(text) hold an unknown species or a non-number")
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
        let value = try? JSONValue(parsing: Data(text.utf8))
        guard let value,
              let species = value["species"]?.stringValue.flatMap(Species.init(rawValue:)),
              case .object(let members)? = value["probabilities"],
              let modelVersion = value["model_version"]?.numberValue,
              let predictedAt = value["predicted_at"]?.numberValue
        else { throw StorageError.corrupt("cached prediction \(text)") }
        var probabilities: [Species: Double] = [:]
        for (key, member) in members {
            guard let species = Species(rawValue: key), let probability = member.numberValue else {
                throw StorageError.corrupt("cached prediction \(text)")
            }
            probabilities[species] = probability
        }
        return Prediction(
            species: species, probabilities: probabilities, modelVersion: Int(modelVersion),
            predictedAt: Date(timeIntervalSince1970: predictedAt)
        )
    }
}
