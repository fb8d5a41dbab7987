import Foundation
import PenguinsCore

/// The JSON text forms in which the SQLite backend stores predictions.
enum PredictionText {
    /// `{"Adelie":p,"Chinstrap":p,"Gentoo":p}`: species in alphabetical order, numbers in
    /// Swift's shortest round-tripping form. Written by hand: batch scoring stores one per row.
    static func probabilities(_ probabilities: [Species: Double]) -> String {
        var text = "{"
        for species in Species.allCases {
            guard let probability = probabilities[species] else { continue }
            if text.utf8.count > 1 { text += "," }
            text += "\"\(species.rawValue)\":\(probability.isFinite ? "\(probability)" : "null")"
        }
        return text + "}"
    }

    /// Reads what ``probabilities(_:)`` wrote: a flat object of species names and numbers.
    /// Falls back to the general JSON parser for any other spelling of the same object.
    static func probabilities(parsing text: String) throws -> [Species: Double] {
        if let flat = flatProbabilities(text) { return flat }
        return try probabilities(from: JSONTextParser.parse(text, what: "the probabilities \(text)"), text: text)
    }

    /// The fast path of ``probabilities(parsing:)``: `{"Name":number,...}` with no spaces,
    /// read byte by byte (whole-warehouse scans decode one per row). Nil for anything else.
    private static func flatProbabilities(_ text: String) -> [Species: Double]? {
        text.withCString { start -> [Species: Double]? in
            var cursor = start
            func at(_ character: Unicode.Scalar) -> Bool { UInt8(bitPattern: cursor.pointee) == UInt8(ascii: character) }
            guard at("{") else { return nil }
            cursor += 1
            var result: [Species: Double] = [:]
            result.reserveCapacity(Species.allCases.count)
            while !at("}") {
                guard at("\"") else { return nil }
                cursor += 1
                let nameStart = cursor
                while !at("\""), cursor.pointee != 0 { cursor += 1 }
                guard at("\"") else { return nil }
                let name = UnsafeBufferPointer(start: nameStart, count: cursor - nameStart)
                guard let species = Species.allCases.first(where: { $0.rawValue.utf8.elementsEqual(name.lazy.map { UInt8(bitPattern: $0) }) })
                else { return nil }
                cursor += 1
                guard at(":") else { return nil }
                cursor += 1
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(cursor, &end)
                guard let end, UnsafePointer(end) != cursor else { return nil }
                cursor = UnsafePointer(end)
                result[species] = value
                if at(",") { cursor += 1 } else if !at("}") { return nil }
            }
            cursor += 1
            return cursor.pointee == 0 ? result : nil
        }
    }

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
