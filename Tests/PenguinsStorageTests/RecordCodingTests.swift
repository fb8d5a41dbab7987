import Foundation
import PenguinsCore
@testable import PenguinsStorage
import Testing

/// The stored inputs of a logged prediction are written by hand; they must be the text the
/// general JSON writer makes of the same object, and read back as the same features.
@Suite struct RecordCodingTests {
    @Test func theInputsTextIsTheJSONObjectOfTheGivenFeatures() throws {
        var features: [FeatureColumn] = [
            .numeric("zeta_mm", unit: "mm", range: -1000...1000),
            .categorical("alpha", levels: ["plain", "with \"quote\"", "back\\slash\ttab"]),
            .numeric("mid", unit: "g", range: 0...1e20),
        ]
        features.append(.categorical("empty_level", levels: ["x"]))
        let schema = DatasetSchema(
            name: "coded", id: IdentifierRule(column: "id"), target: TargetColumn(name: "kind", classes: ["a", "b"]),
            features: features, partition: "alpha"
        )
        let coding = RecordCoding(schema: schema)
        let rows: [[Double?]] = [
            [12.5, 1, 3, nil],
            [-0.125, 2, 1e17, 0],
            [nil, nil, nil, nil],
            [40, 0, .infinity, nil],
        ]
        for row in rows {
            var members: [String: JSONValue] = [:]
            for (index, feature) in schema.features.enumerated() {
                guard let value = row[index] else { continue }
                members[feature.name] = feature.kind == .numeric ? .number(value) : .string(feature.levels[Int(value)])
            }
            let text = coding.inputsText(row)
            #expect(text == JSONValue.object(members).jsonText)
            let read = try coding.features(inputs: text, entry: "a test entry")
            // A number that is not finite is stored as null and reads as missing.
            #expect(read == row.map { $0.flatMap { $0.isFinite ? $0 : nil } })
        }
    }
}
