import Foundation
@testable import PenguinsCore
import Testing

/// The schema's row parser: the penguins of both bundled layouts, and any dataset.
@Suite struct SchemaRowParserTests {
    static func datasetOutcomes(of url: URL, schema: DatasetSchema = BundledSchemas.penguins) throws -> [DatasetRowOutcome] {
        var file = try DatasetFile(url: url, schema: schema)
        var outcomes: [DatasetRowOutcome] = []
        while let batch = try file.nextBatch(maxCount: 64) { outcomes += batch }
        return outcomes
    }

    @Test func isotopesAreFeaturesOfTheRawFile() throws {
        let outcomes = try Self.datasetOutcomes(of: BundledDataset.rawCSV)
        let schema = BundledSchemas.penguins
        let nitrogen = schema.features.firstIndex { $0.name == "delta_15_n" }!
        guard case .accepted(let second) = outcomes[1] else { Issue.record("row 2 is valid"); return }
        #expect(second.id == "PAL0708-Adelie-2")
        #expect(second.features[nitrogen] == 8.94956)
        let withIsotopes = outcomes.filter { if case .accepted(let record) = $0 { record.features[nitrogen] != nil } else { false } }
        #expect(withIsotopes.count == 330)
    }

    @Test func badRowsAreRefusedWithAReasonNamingTheColumn() throws {
        let text = """
            species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
            Adelie,Torgersen,39.1,18.7,181,3750,male,2007
            Emperor,Dream,39.1,18.7,181,3750,male,2007
            Adelie,Atlantis,39.1,18.7,181,3750,male,2007
            Adelie,Dream,abc,18.7,181,3750,male,2007
            Adelie,Dream,39.1,18.7,181,37500,male,2007
            Adelie,Dream,39.1,18.7,181
            ,Dream,39.1,18.7,181,3750,male,2007
            Adelie,Dream,NA,NA,NA,NA,NA,2008
            Adelie,Dream,39.1,18.7,181,3750,unknown,2007
            Adelie,Dream,39.1,18.7,181,3750,male,

            """
        let outcomes = try Self.datasetOutcomes(of: try TestFiles.write(text))
        let reasons = outcomes.map { outcome -> String? in
            if case .rejected(let row) = outcome { return row.reason }
            return nil
        }
        #expect(reasons == [
            nil,
            #"species: "Emperor" is not a known species (Adelie, Chinstrap, Gentoo)"#,
            #"island: "Atlantis" is not a known island (Biscoe, Dream, Torgersen)"#,
            #"bill_length_mm: "abc" is not a number"#,
            "body_mass_g: 37500 is outside the plausible range 1000...10000",
            "expected 8 fields as in the header, found 5",
            "species: missing",
            nil,
            #"sex: "unknown" is not a known sex (female, male)"#,
            "year: missing",
        ])
    }

    @Test func aMissingColumnIsNamedWithTheSpellingsTheSchemaAccepts() throws {
        let url = try TestFiles.write("species,island,sex\nAdelie,Dream,male\n")
        let error = #expect(throws: IngestError.self) { try DatasetFile(url: url, schema: BundledSchemas.penguins) }
        guard case .missingColumns(_, let dataset, let missing, _, _) = try #require(error) else {
            Issue.record("expected missing columns, got \(String(describing: error))")
            return
        }
        #expect(dataset == "penguins")
        #expect(missing.contains("bill_length_mm (or Culmen Length (mm))"), "the raw layout's header is named too")
        #expect(missing.contains("year (or the year of date_egg)"), "the column a year can come from is named")
        #expect(!missing.contains { $0.hasPrefix("species") || $0.hasPrefix("island") })
    }

    @Test func irisReadsWithItsSchema() throws {
        let outcomes = try Self.datasetOutcomes(of: BundledDataset.irisCSV, schema: BundledSchemas.iris)
        let records = outcomes.compactMap { if case .accepted(let record) = $0 { record } else { nil } }
        #expect(records.count == 150)
        #expect(Dictionary(grouping: records, by: \.targetClass).mapValues(\.count) == [0: 50, 1: 50, 2: 50])
        #expect(records[0].features == [5.1, 3.5, 1.4, 0.2])
        #expect(records[0].id.hasPrefix("T") && records[0].id.count == 17)
        #expect(Set(records.map(\.id)).count == 150, "identical flowers get -2, -3, ... and stay apart")
    }

    @Test func aFileWithoutTheSchemasColumnsIsRefusedNamingThem() throws {
        let url = try TestFiles.write("sepal_length_cm,species\n5.1,setosa\n")
        let error = #expect(throws: IngestError.self) { try DatasetFile(url: url, schema: BundledSchemas.iris) }
        guard case .missingColumns(_, let dataset, let missing, let found, _) = try #require(error) else {
            Issue.record("expected missing columns, got \(String(describing: error))")
            return
        }
        #expect(dataset == "iris")
        #expect(missing == ["sepal_width_cm", "petal_length_cm", "petal_width_cm"])
        #expect(found == ["sepal_length_cm", "species"])
        #expect(try #require(error).description.contains("sepal_width_cm, petal_length_cm, petal_width_cm"))
    }
}

/// The reading of short decimal numbers without `Double(_:)` must give exactly its values.
@Suite struct ShortDecimalTests {
    @Test func shortDecimalsReadAsDoubleReadsThem() {
        var generator = SplitMix64(seed: 7_081)
        var mismatches: [String] = []
        for _ in 0..<200_000 {
            let integerDigits = Int(generator.next() % 10) + 1
            let fractionDigits = Int(generator.next() % 7)
            var text = generator.next() % 4 == 0 ? "-" : ""
            for _ in 0..<integerDigits { text += String(generator.next() % 10) }
            if fractionDigits > 0 {
                text += "."
                for _ in 0..<fractionDigits { text += String(generator.next() % 10) }
            }
            let expected = Double(text)!
            guard let read = RowChecks.shortDecimal(text, mark: UInt8(ascii: ".")) else {
                if integerDigits + fractionDigits <= 15 { mismatches.append("\(text): not read") }
                continue
            }
            if read.bitPattern != expected.bitPattern { mismatches.append("\(text): \(read) instead of \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test(arguments: [
        ("-0", -0.0), ("+5", 5.0), ("007", 7.0), ("0.1", 0.1), ("999999999999999", 999_999_999_999_999.0),
        ("-24.69454", -24.69454), ("8.94956", 8.94956), ("3750", 3750.0), ("0.00000000000001", 1e-14),
    ])
    func edgeNumbersReadAsDoubleReadsThem(text: String, value: Double) {
        #expect(RowChecks.shortDecimal(text, mark: UInt8(ascii: "."))?.bitPattern == value.bitPattern)
    }

    @Test(arguments: ["", "-", "+", ".5", "5.", "1.2.3", "1e5", "1,5", " 5", "5 ", "nan", "inf", "0x10", "1234567890123456", "--5"])
    func otherTextsAreLeftToDouble(text: String) {
        #expect(RowChecks.shortDecimal(text, mark: UInt8(ascii: ".")) == nil)
    }

    @Test func aDecimalCommaIsReadWithItsMark() {
        #expect(RowChecks.shortDecimal("3,5", mark: UInt8(ascii: ","))?.bitPattern == 3.5.bitPattern)
        #expect(RowChecks.shortDecimal("3.5", mark: UInt8(ascii: ",")) == nil)
        #expect((try? RowChecks.number("3,5", column: "x", decimalMark: .comma)) == 3.5)
        #expect((try? RowChecks.number("3.500", column: "x", decimalMark: .comma)) == nil)
    }
}
