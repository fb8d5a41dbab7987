import Foundation
import PenguinsCore
import Testing
@testable import PenguinsStorage

/// The byte-wise reading of logged inputs agrees with the general JSON reading, and declines (so
/// that the general reading answers) whatever it does not take; the probabilities are read as the
/// warehouse's are.
@Suite struct LogEntryReaderTests {
    let schema = BundledSchemas.penguins

    func scanInputs(_ text: String) -> [Double?]? {
        var bytes = Array(text.utf8) + [0]
        return bytes.withUnsafeMutableBufferPointer { buffer in
            LogEntryReader(schema: schema).scanInputs(UnsafeBufferPointer(rebasing: buffer[0..<buffer.count - 1]))
        }
    }

    /// The log's probabilities as the reader takes them, through the warehouse's column reader; nil when refused.
    func scanProbabilities(_ text: String) -> [Double]? {
        let bytes = Array(text.utf8) + [0]
        return bytes.withUnsafeBufferPointer { try? RecordColumnReader(schema: schema).probabilities($0.baseAddress!, id: "e") }
    }

    @Test func inputsAsWrittenReadBackAsTheGeneralReadingDoes() throws {
        let coding = RecordCoding(schema: schema)
        let island = schema.features.firstIndex { $0.name == "island" }!
        let mass = schema.features.firstIndex { $0.name == "body_mass_g" }!
        for features in [
            schema.features.indices.map { index -> Double? in schema.features[index].kind == .numeric ? 10.5 + Double(index) : 1 },
            schema.features.indices.map { index -> Double? in index == island ? 2 : index == mass ? -3.25e3 : nil },
            [Double?](repeating: nil, count: schema.features.count),
        ] {
            let text = coding.inputsText(features)
            #expect(scanInputs(text) == features, "\(text)")
            #expect(try coding.features(inputs: text, entry: "e") == features)
        }
        let probabilities = [0.125, 0.75, 0.125]
        let text = coding.probabilitiesText(probabilities)
        #expect(scanProbabilities(text) == probabilities, "\(text)")
    }

    @Test func spacingUnknownKeysAndNullsAreRead() {
        let island = schema.features.firstIndex { $0.name == "island" }!
        let mass = schema.features.firstIndex { $0.name == "body_mass_g" }!
        var expected = [Double?](repeating: nil, count: schema.features.count)
        expected[island] = 1
        expected[mass] = 4200
        #expect(scanInputs(#" { "body_mass_g" : 4200 , "comment": "x", "flag": true, "island": "Dream", "sex": null } "#) == expected)
        #expect(scanInputs("{}") == [Double?](repeating: nil, count: schema.features.count))
        #expect(scanProbabilities(#"{"Gentoo": 1, "Adelie": 0}"#) == [0, 0, 1])
    }

    @Test func whatTheScanDoesNotTakeIsLeftToTheGeneralReading() throws {
        for text in [
            #"{"island": "Dr\u0065am"}"#,          // an escape
            #"{"island": "Atlantis"}"#,            // an unknown level
            #"{"body_mass_g": "4200"}"#,            // a number as text
            #"{"body_mass_g": [1]}"#,               // not a scalar
            #"{"body_mass_g": 1"#, #"{"body_mass_g" 1}"#, "[]", "", #"{"a": 1} x"#,
        ] {
            #expect(scanInputs(text) == nil, "\(text)")
        }
        // Probabilities the byte-wise read does not take get the general reading's answer.
        let odd = #"{"Adelie": "high"}"#
        #expect(scanProbabilities(odd) == (try RecordCoding(schema: schema).probabilities(odd, id: "e")))
    }
}
