import PenguinsCore
import Testing

@Suite struct PenguinLayoutTests {
    @Test(arguments: [
        ("studyName", "study_name"), ("Sample Number", "sample_number"), ("Species", "species"),
        ("Region", "region"), ("Island", "island"), ("Stage", "stage"), ("Individual ID", "individual_id"),
        ("Clutch Completion", "clutch_completion"), ("Date Egg", "date_egg"),
        ("Culmen Length (mm)", "bill_length_mm"), ("Culmen Depth (mm)", "bill_depth_mm"),
        ("Flipper Length (mm)", "flipper_length_mm"), ("Body Mass (g)", "body_mass_g"), ("Sex", "sex"),
        ("Delta 15 N (o/oo)", "delta_15_n"), ("Delta 13 C (o/oo)", "delta_13_c"), ("Comments", "comments"),
        ("My New Column", "my_new_column"), ("bill_length_mm", "bill_length_mm"), ("culmen_depth_mm", "bill_depth_mm"),
        (" penguin_id ", "penguin_id"), ("penguinID", "penguin_id"),
    ])
    func normalizesColumnNames(name: String, expected: String) {
        #expect(normalizedColumnName(name) == expected)
    }

    @Test func detectsEitherLayoutInAnyOrderWithExtraColumns() throws {
        let tidy = CSVRecord(
            fields: ["year", "sex", "extra", "body_mass_g", "flipper_length_mm", "bill_depth_mm", "bill_length_mm", "island", "species"],
            line: 1, rawText: "")
        #expect(try PenguinRowParser(header: tidy, source: "t.csv").layout == .tidy)
        let raw = CSVRecord(fields: PenguinLayout.raw.requiredColumns.reversed() + ["Comments"], line: 1, rawText: "")
        #expect(try PenguinRowParser(header: raw, source: "r.csv").layout == .raw)
    }

    @Test func unknownHeaderNamesTheColumnsReadAndOnlyTheMissingOnes() throws {
        let header = CSVRecord(fields: ["species", "island", "weight", "year"], line: 1, rawText: "")
        let error = #expect(throws: IngestError.self) { try PenguinRowParser(header: header, source: "odd.csv") }
        guard case .unknownHeader(let source, let found, let missing, let dialect) = try #require(error) else {
            Issue.record("expected an unknown header error, got \(String(describing: error))")
            return
        }
        #expect(source == "odd.csv")
        #expect(found == header.fields)
        #expect(dialect == .standard)
        #expect(missing[.tidy] == ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex"])
        #expect(missing[.raw] == [
            "studyName", "Sample Number", "Date Egg", "Culmen Length (mm)", "Culmen Depth (mm)",
            "Flipper Length (mm)", "Body Mass (g)", "Sex",
        ])
        let message = try #require(error).description
        #expect(message.contains("odd.csv"))
        #expect(message.contains("separator \",\""))
        #expect(message.contains("4 columns: \"species\", \"island\", \"weight\", \"year\""))
        #expect(message.contains("The tidy layout lacks 5 of its 8 columns: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, sex."))
        #expect(message.contains("The raw LTER layout lacks 8 of its 10 columns: studyName, Sample Number, Date Egg,"))
        // The closest layout comes first.
        let tidyAt = try #require(message.range(of: "The tidy layout"))
        let rawAt = try #require(message.range(of: "The raw LTER layout"))
        #expect(tidyAt.lowerBound < rawAt.lowerBound)
    }

    @Test func duplicateNormalisedColumnIsRefused() {
        let header = CSVRecord(
            fields: PenguinLayout.tidy.requiredColumns + ["Body Mass (g)"], line: 1, rawText: "")
        #expect(throws: IngestError.duplicateColumn(source: "d.csv", name: "body_mass_g")) {
            try PenguinRowParser(header: header, source: "d.csv")
        }
    }
}
