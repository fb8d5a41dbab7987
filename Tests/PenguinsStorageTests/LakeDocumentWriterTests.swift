import Foundation
import PenguinsCore
@testable import PenguinsStorage
import Testing

/// The lake's document writer must produce exactly the text of `penguin.document.jsonText`.
@Suite struct LakeDocumentWriterTests {
    static let awkwardFields: [String: JSONValue] = [
        "comments": .string("Nest never observed with full clutch. \"Odd\" \\ tab\there\nnew line \u{01} é 🐧"),
        "sample_number": .number(7),
        "delta_15_n": .number(8.94956),
        "delta_13_c": .number(-24.69454),
        "tiny": .number(1e-7),
        "huge": .number(1e20),
        "negative_zero": .number(-0.0),
        "clutch_completion": .bool(false),
        "date_egg": .null,
        "nested": .object(["b": .array([.number(1.5), .string("x"), .null, .bool(true)]), "a": .object([:])]),
        "Zeta": .string(""),
        "_first": .array([]),
        "species": .string("overridden by the penguin's own species"),
    ]

    @Test(arguments: [
        Fixtures.penguin("p-1"),
        Fixtures.penguin("p-2", .gentoo, .dream, billLength: nil, bodyMass: nil, sex: nil, year: 2009),
        Fixtures.penguin("id with \"quotes\"", .chinstrap, Island(rawValue: "Anvers"), otherFields: awkwardFields),
        Penguin(
            id: "p-4", species: .adelie, island: .torgersen,
            measurements: Measurements(billLength: 39.123456789, billDepth: 0.1 + 0.2, flipperLength: 1e15, bodyMass: 3750.5),
            sex: .female, year: 2008, otherFields: ["row": .number(Double.nan)]
        ),
    ])
    func writesTheTextOfJSONText(penguin: Penguin) {
        var writer = LakeDocumentWriter()
        writer.write(Fixtures.penguin("warm-up", otherFields: ["reused": .string("buffer")]))
        writer.write(penguin)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == penguin.document.jsonText)
    }

    @Test func keepsUpWhenTheFieldNamesChangeFromRowToRow() {
        let fieldSets: [[String: JSONValue]] = [
            ["a": .number(1), "b": .string("x")],
            ["a": .number(2), "b": .string("y")],
            ["a": .number(3), "c": .string("same count, other name")],
            ["species": .string("overridden"), "a": .number(4)],
            ["a": .number(5), "d": .string("same count as the override row")],
            [:],
            ["a": .number(6), "b": .null, "c": .bool(true)],
        ]
        var writer = LakeDocumentWriter()
        for (index, fields) in fieldSets.enumerated() {
            let penguin = Fixtures.penguin("p-\(index)", otherFields: fields)
            writer.write(penguin)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == penguin.document.jsonText)
        }
    }

    @Test func writesTheTextOfJSONTextForGeneratedPenguins() {
        var writer = LakeDocumentWriter()
        for penguin in Fixtures.mixedPenguins(count: 200) {
            writer.write(penguin)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == penguin.document.jsonText)
        }
    }
}

/// Stored JSON text must parse to what `JSONValue(parsing:)` gives.
@Suite struct JSONTextParserTests {
    @Test(arguments: [
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"},"f":-2.5e-3,"g":""}"#,
        #" { "spaced" : [ 1 , 2 ] , "empty" : { } , "none" : [ ] } "#,
        #"{"escapes":"quote \" backslash \\ slash \/ \b\f\n\r\t \u00e9 \u0001 \ud83d\udc27 end"}"#,
        #"["mixed", 1, 1.5, 12345678901234567890, -0, 1E5]"#,
        #""just a string""#,
        "42",
    ])
    func parsesLikeJSONValue(text: String) throws {
        #expect(try JSONTextParser.parse(text, what: "test") == JSONValue(parsing: Data(text.utf8)))
    }

    @Test(arguments: [#"{"a":1"#, #"{"a" 1}"#, "[1,]", #""unterminated"#, "tru", #"{"a":1} trailing"#, #""\ud83d""#, ""])
    func rejectsMalformedText(text: String) {
        #expect(throws: StorageError.self) { try JSONTextParser.parse(text, what: "test") }
    }

    @Test func parsesEveryDocumentTheWriterWrites() throws {
        var writer = LakeDocumentWriter()
        for penguin in Fixtures.mixedPenguins(count: 50) + [Fixtures.penguin("x", otherFields: LakeDocumentWriterTests.awkwardFields)] {
            writer.write(penguin)
            #expect(try JSONTextParser.parse(String(decoding: writer.bytes, as: UTF8.self), what: "test") == penguin.document)
        }
    }
}

/// A dataset record's document written byte by byte must be exactly the text of
/// `schema.document(of: record).jsonText`.
@Suite struct RecordDocumentWriterTests {
    /// Every row of the bundled raw Palmer file, read with the penguins' schema: real ids,
    /// levels, missing values and a dozen other columns per row.
    @Test func writesTheTextOfJSONTextForTheBundledRawFile() throws {
        let schema = BundledSchemas.penguins
        var file = try DatasetFile(url: BundledDataset.rawCSV, schema: schema)
        var writer = RecordDocumentWriter(schema: schema)
        var records = 0
        while let batch = try file.nextBatch(maxCount: 100) {
            for case .accepted(let record) in batch {
                writer.write(record)
                #expect(String(decoding: writer.bytes, as: UTF8.self) == schema.document(of: record).jsonText)
                records += 1
            }
        }
        #expect(records > 300)
    }

    @Test func keepsUpWhenTheFieldsChangeAndOverridesFieldsNamedLikeColumns() {
        let schema = otterSchema()
        let fieldSets: [[String: JSONValue]] = [
            ["note": .string("a"), "tag": .number(1)],
            ["note": .string("b"), "tag": .number(2)],
            ["note": .string("c"), "zone": .string("same count, other name")],
            ["kind": .string("overridden by the class"), "note": .null],
            ["note": .string("d"), "tag": .number(3)],
            [:],
            LakeDocumentWriterTests.awkwardFields,
        ]
        var writer = RecordDocumentWriter(schema: schema)
        var appended = RecordDocumentWriter(schema: schema)
        var expected = ""
        for (index, fields) in fieldSets.enumerated() {
            var record = otter("o\"\(index)", kind: index % 2, site: index % 2, length: index == 2 ? nil : 50.25 + Double(index), coat: index == 3 ? nil : 1)
            record.otherFields = fields
            writer.write(record)
            let text = schema.document(of: record).jsonText
            #expect(String(decoding: writer.bytes, as: UTF8.self) == text)
            appended.append(record)
            expected += text
        }
        // Appended one after another, the documents are the same texts end to end.
        #expect(String(decoding: appended.bytes, as: UTF8.self) == expected)
    }
}
