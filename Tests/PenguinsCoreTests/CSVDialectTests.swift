import Foundation
@testable import PenguinsCore
import Testing

@Suite struct CSVDialectDetectionTests {
    private func dialect(of text: String, overrides: CSVDialect.Overrides = .none) throws -> CSVDialect {
        try CSVReader(url: TestFiles.write(text), overrides: overrides).dialect
    }

    @Test(arguments: [
        ("a,b,c\n1,2,3\n", CSVDialect.Delimiter.comma),
        ("a;b;c\n1;2;3\n", .semicolon),
        ("a\tb\tc\n1\t2\t3\n", .tab),
        ("a|b|c\n1|2|3\n", .pipe),
        ("\"x,y,z\";b;c\n1;2;3\n", .semicolon),  // separators inside quotes do not count
        ("only\n1\n", .comma),
        ("a;b,c;d\n", .semicolon),
    ])
    func separatorIsTheCommonestCandidateOfTheHeader(text: String, expected: CSVDialect.Delimiter) throws {
        #expect(try dialect(of: text).delimiter == expected)
    }

    @Test func decimalMarkIsVotedByTheNumbers() throws {
        #expect(try dialect(of: "a;b\n39,1;18,7\n40,3;18\n").decimalMark == .comma)
        #expect(try dialect(of: "a;b\n39.1;18.7\n40.3;18\n").decimalMark == .point)
        #expect(try dialect(of: "a;b\n1;2\n").decimalMark == .point, "no fraction anywhere: a point")
        #expect(try dialect(of: "a;b\n\"39,1\";18.7\n").decimalMark == .point, "a tie goes to the point")
        #expect(try dialect(of: "a,b\n\"39,1\",\"18,7\"\n").decimalMark == .point, "a comma-separated file uses points")
        #expect(try dialect(of: "a\tb\n-39,1\t+18,7\n").decimalMark == .comma)
        #expect(try dialect(of: "x,y;z\n1,5;2\n3,5;4\n").decimalMark == .point, "the header's \"x,y\" is a name, not a number")
    }

    @Test func encodingIsUTF8WhenTheBytesAreElseWindows1252() throws {
        #expect(try dialect(of: "species\nAdelie\n").encoding == .utf8)
        #expect(try dialect(of: "comment\nmesuré à 2 reprises 🐧\n").encoding == .utf8)
        let withMark = try dialect(of: "\u{FEFF}species\nAdelie\n")
        #expect(withMark.encoding == .utf8)
        #expect(withMark.hasByteOrderMark)
        let cp1252 = try CSVReader(url: TestFiles.write(bytes: TestFiles.windows1252("comment\nmesuré\n"))).dialect
        #expect(cp1252.encoding == .windows1252)
        #expect(!cp1252.hasByteOrderMark)
    }

    @Test func aCharacterCutOffByTheFirstChunkIsNotAnError() {
        let bytes = Array("ab é".utf8)
        let cut = Array(bytes.dropLast())
        cut.withUnsafeBufferPointer { buffer in
            #expect(CSVDialect.isValidUTF8(buffer, mayEndMidCharacter: true))
            #expect(!CSVDialect.isValidUTF8(buffer, mayEndMidCharacter: false))
        }
        [0x61, 0xE9, 0x62].withUnsafeBufferPointer { buffer in  // Latin-1 é between two letters
            #expect(!CSVDialect.isValidUTF8(buffer, mayEndMidCharacter: true))
        }
    }

    @Test func overridesWinOverDetection() throws {
        let fixed = try dialect(
            of: "a;b\n39,1;2\n", overrides: CSVDialect.Overrides(delimiter: .comma, decimalMark: .comma, encoding: .windows1252))
        #expect(fixed == CSVDialect(delimiter: .comma, decimalMark: .comma, encoding: .windows1252))
        #expect(try dialect(of: "a;b\n39,1;2\n", overrides: CSVDialect.Overrides(decimalMark: .point)).delimiter == .semicolon)
    }

    @Test func optionNamesReadAsTheCommandLineSpellsThem() {
        #expect(CSVDialect.Delimiter(name: "semicolon") == .semicolon)
        #expect(CSVDialect.Delimiter(name: ";") == .semicolon)
        #expect(CSVDialect.Delimiter(name: "TAB") == .tab)
        #expect(CSVDialect.Delimiter(name: "\\t") == .tab)
        #expect(CSVDialect.Delimiter(name: "colon") == nil)
        #expect(CSVDialect.DecimalMark(name: "comma") == .comma)
        #expect(CSVDialect.DecimalMark(name: ".") == .point)
        #expect(CSVDialect.Encoding(name: "cp1252") == .windows1252)
        #expect(CSVDialect.Encoding(name: "UTF8") == .utf8)
        #expect(CSVDialect.Encoding(name: "utf-16") == nil)
    }
}

@Suite struct CSVDialectReadingTests {
    @Test(arguments: [CSVDialect.Delimiter.semicolon, .tab, .pipe])
    func otherSeparatorsSplitFieldsAndQuotesStillProtectThem(delimiter: CSVDialect.Delimiter) throws {
        let d = delimiter.rawValue
        let text = "a\(d)b\(d)c\r\n\"x\(d)y\"\(d)1,5\(d)\"say \"\"hi\"\"\"\r\nplain, with comma\(d)\(d)z\r\n"
        let records = try TestFiles.records(of: TestFiles.write(text), chunkSize: 5)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["x\(d)y", "1,5", "say \"hi\""], ["plain, with comma", "", "z"]])
        #expect(records.map(\.rawText) == ["a\(d)b\(d)c", "\"x\(d)y\"\(d)1,5\(d)\"say \"\"hi\"\"\"", "plain, with comma\(d)\(d)z"])
    }

    @Test func windows1252DecodesEveryByteAsPythonsCodecDoes() throws {
        let table = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: TestFiles.fixture("windows-1252", "json")))
        #expect(table.count == 256)
        for byte in 0...255 {
            let decoded = [UInt8(byte)].withUnsafeBufferPointer(Windows1252.decode)
            #expect(decoded == table[String(byte)], "byte \(byte)")
        }
        let text = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ éàçÿ"
        #expect(TestFiles.windows1252(text).withUnsafeBufferPointer(Windows1252.decode) == text)
    }

    @Test func windows1252FileReadsWithoutReplacementCharacters() throws {
        let text = "species;comments\r\nAdelie;Œuf abîmé — coût 5 €\r\n"
        let records = try TestFiles.records(of: TestFiles.write(bytes: TestFiles.windows1252(text)))
        #expect(records.map(\.fields) == [["species", "comments"], ["Adelie", "Œuf abîmé — coût 5 €"]])
        #expect(records[1].rawText == "Adelie;Œuf abîmé — coût 5 €")
        #expect(records.allSatisfy { !$0.hasInvalidUTF8 })
    }

    @Test func invalidUTF8AfterTheFirstChunkIsFlaggedAndKeptByteForByte() throws {
        // The first chunk is valid UTF-8, so the file is read as UTF-8; line 3 is not.
        var bytes = Array("a,b\nok,été\n".utf8)
        bytes += [0x62, 0x61, 0x64, 0x2C, 0xE9, 0x74, 0xE9, 0x0A]  // "bad,été" in Windows-1252
        bytes += Array("fine,x\n".utf8)
        let records = try TestFiles.records(of: TestFiles.write(bytes: bytes), chunkSize: 8)
        #expect(records.map(\.fields) == [["a", "b"], ["ok", "été"], ["bad", "été"], ["fine", "x"]])
        #expect(records.map(\.hasInvalidUTF8) == [false, false, true, false])
        #expect(!records.flatMap(\.fields).contains { $0.contains("\u{FFFD}") })
    }
}

@Suite struct EuropeanSpreadsheetTests {
    struct Expected: Decodable {
        var rows: Int
        var byLine: [String: [String: ExpectedValue]]
        enum CodingKeys: String, CodingKey {
            case rows
            case byLine = "by_line"
        }
    }

    enum ExpectedValue: Decodable, Equatable {
        case number(Double), text(String), missing
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .missing
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .text(try container.decode(String.self))
            }
        }
    }

    /// The value a penguin holds under a fixture key, as the fixture spells it.
    private func value(_ key: String, of penguin: Penguin) -> ExpectedValue {
        if let feature = Feature(name: key) { return penguin.measurements[feature].map(ExpectedValue.number) ?? .missing }
        switch penguin.otherFields[key] {
        case .number(let number)?: return .number(number)
        case .string(let text)?: return .text(text)
        default: return .missing
        }
    }

    @Test func frenchExcelExportReadsWithNoOptionAndEqualsTheSource() throws {
        let url = try TestFiles.fixture("penguins-raw-excel-fr", "csv")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: TestFiles.fixture("penguins-raw-excel-fr", "json")))
        let file = try DatasetFile(url: url, schema: BundledSchemas.penguins)
        #expect(file.dialect == CSVDialect(delimiter: .semicolon, decimalMark: .comma, encoding: .windows1252))

        let outcomes = try TestFiles.outcomes(of: url)
        let penguins = outcomes.compactMap(\.penguin)
        #expect(outcomes.compactMap(\.rejection).isEmpty, "\(outcomes.compactMap(\.rejection).prefix(3))")
        #expect(penguins.count == expected.rows)
        #expect(expected.rows == 344)
        var compared = 0
        for penguin in penguins {
            let line = try #require(penguin.sourceLine)
            let row = try #require(expected.byLine[String(line)], "line \(line)")
            for (key, value) in row {
                #expect(self.value(key, of: penguin) == value, "line \(line), \(key)")
                compared += 1
            }
        }
        #expect(compared == 344 * 10)
        // The same penguins as the bundled UTF-8 file, measurement for measurement.
        let bundled = Dictionary(uniqueKeysWithValues: try TestFiles.outcomes(of: BundledDataset.rawCSV).compactMap(\.penguin).map { ($0.id, $0) })
        #expect(Set(penguins.map(\.id)) == Set(bundled.keys))
        #expect(penguins.allSatisfy { $0.measurements == bundled[$0.id]?.measurements && $0.species == bundled[$0.id]?.species })
        let comment = penguins.first { $0.id == "PAL0708-Adelie-4" }?.otherFields["comments"]
        #expect(comment == .string("Œuf abîmé; nid déserté"))
    }

    @Test func aPointInADecimalCommaFileIsRejectedNotMisread() throws {
        let text = "species;island;bill_length_mm;bill_depth_mm;flipper_length_mm;body_mass_g;sex;year;weight_kg\n"
            + "Adelie;Dream;39,1;18,7;181;3750;male;2007;3,75\n"
            + "Adelie;Dream;39,2;18,7;181;3.750;male;2007;3,75\n"
        let outcomes = try TestFiles.outcomes(of: TestFiles.write(text))
        #expect(outcomes.first?.penguin?.measurements.billLength == 39.1)
        #expect(outcomes.first?.penguin?.otherFields["weight_kg"] == .number(3.75), "inferred columns read the decimal comma too")
        let rejection = try #require(outcomes.last?.rejection)
        #expect(rejection.reason.contains("body_mass_g"))
        #expect(rejection.reason.contains("decimal mark"))
        #expect(rejection.line == 3)
    }

    @Test func aLineThatIsNotUTF8IsQuarantinedWithItsBytesKept() throws {
        var bytes = Array("species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year,note\n".utf8)
        bytes += Array("Adelie,Dream,39.1,18.7,181,3750,male,2007,été\n".utf8)
        let badLine = Array("Adelie,Dream,39.1,18.7,181,3750,male,2008,".utf8) + [0xE9, 0x74, 0xE9, 0x0A]
        bytes += badLine
        let url = try TestFiles.write(bytes: bytes)
        #expect(try DatasetFile(url: url, schema: BundledSchemas.penguins).dialect.encoding == .windows1252, "the whole file is in the first chunk")
        // As when the bad line comes after a first chunk of valid UTF-8:
        let outcomes = try TestFiles.outcomes(of: url, overrides: CSVDialect.Overrides(encoding: .utf8))
        #expect(outcomes.first?.penguin?.otherFields["note"] == .string("été"))
        let rejection = try #require(outcomes.last?.rejection)
        #expect(rejection.reason.contains("not valid UTF-8"))
        #expect(rejection.reason.contains("--encoding windows-1252"))
        #expect(rejection.rawText == "Adelie,Dream,39.1,18.7,181,3750,male,2008,été")
        // Read as Windows-1252, the same bytes are a valid row.
        let asWindows = try TestFiles.outcomes(of: url, overrides: CSVDialect.Overrides(encoding: .windows1252))
        #expect(asWindows.last?.penguin?.otherFields["note"] == .string("été"))
    }

    @Test func aHeaderReadWithTheWrongSeparatorSaysSo() throws {
        let url = try TestFiles.write("species;island;bill_length_mm;bill_depth_mm;flipper_length_mm;body_mass_g;sex;year\n")
        let error = #expect(throws: IngestError.self) {
            try DatasetFile(url: url, schema: BundledSchemas.penguins, overrides: CSVDialect.Overrides(delimiter: .comma))
        }
        let message = try #require(error).description
        #expect(message.contains("separator \",\""))
        #expect(message.contains("1 column:"))
        #expect(message.contains("--delimiter"))
        // Detected, the same header reads.
        #expect(try DatasetFile(url: url, schema: BundledSchemas.penguins).dialect.delimiter == .semicolon)
    }
}
