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

    /// Numbers as the log writes them read exactly as `strtod` reads them; others are left to it.
    @Test func shortDecimalsReadAsStrtodDoes() {
        func read(_ text: String) -> Double? {
            let bytes = Array(text.utf8) + [0]
            return bytes.withUnsafeBufferPointer { ObjectScanner.shortDecimal(UnsafeBufferPointer(rebasing: $0[0..<$0.count - 1]), from: 0)?.0 }
        }
        var generator = SystemRandomNumberGenerator()
        var texts = ["0", "-0", "39.1", "-3250.75", "0.000123", "4150", "18.7", "123456789012345", "0.1", "9.999999999999999"]
        for _ in 0..<2_000 { texts.append("\((Double.random(in: -1e4...1e4, using: &generator) * 1_000).rounded() / 1_000)") }
        for _ in 0..<2_000 { texts.append("\(Float.random(in: 0...500, using: &generator))") }
        var fastReads = 0
        for text in texts {
            let expected = strtod(text, nil)
            if let value = read(text) {
                fastReads += 1
                #expect(value.bitPattern == expected.bitPattern, "\(text)")
            }
        }
        #expect(fastReads > texts.count / 2)
        for text in ["1.", "-", "1e5", "1.5E-3", "0.30000000000000004", "1234567890123456"] {
            #expect(read(text) == nil, "\(text)")
        }
    }

    /// The newest entries column by column, from two halves read side by side, whatever the
    /// limit, and the same when ids are missing from the log.
    @Test func columnsOfALongLogAgreeWithItsEntries() async throws {
        try await withSQLiteStore { store in
            let log = store.predictionLog
            let schema = log.schema
            func value(_ index: Int, _ feature: Int) -> Double? {
                if (index + feature) % 7 == 0 { return nil }
                if schema.features[feature].kind == .numeric { return Double(index) / 8 + Double(feature) }
                return Double((index + feature) % schema.features[feature].levels.count)
            }
            let entries = (0..<1_001).map { index in
                RecordLogEntry(
                    features: schema.features.indices.map { value(index, $0) },
                    prediction: RecordPrediction(
                        predictedClass: index % 3, probabilities: [0.25, 0.5, 0.25], modelVersion: 1,
                        predictedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double(index))))
            }
            try await log.append(Array(entries[..<600]))
            try await log.append(Array(entries[600...]))
            try await LogColumnsCheck.agree(log, limits: [1, 2, 333, 1_000, 1_001, 5_000])
            try await store.pool.write { db in
                try db.execute(sql: "DELETE FROM \(log.tables.predictionLog) WHERE id % 10 = 3 OR id BETWEEN 900 AND 950")
            }
            try await LogColumnsCheck.agree(log, limits: [1, 100, 333, 1_000, 5_000])
        }
    }
}
