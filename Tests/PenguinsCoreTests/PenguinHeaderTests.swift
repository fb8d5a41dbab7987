import PenguinsCore
import Testing

/// The headers of penguin files, matched to the penguins' schema.
@Suite struct PenguinHeaderTests {
    @Test(arguments: [
        ("studyName", "study_name"), ("Sample Number", "sample_number"), ("Species", "species"),
        ("Region", "region"), ("Island", "island"), ("Stage", "stage"), ("Individual ID", "individual_id"),
        ("Clutch Completion", "clutch_completion"), ("Date Egg", "date_egg"),
        ("Culmen Length (mm)", "culmen_length_mm"), ("Culmen Depth (mm)", "culmen_depth_mm"),
        ("Flipper Length (mm)", "flipper_length_mm"), ("Body Mass (g)", "body_mass_g"), ("Sex", "sex"),
        ("Delta 15 N (o/oo)", "delta_15_n"), ("Delta 13 C (o/oo)", "delta_13_c"), ("Comments", "comments"),
        ("Delta 18 O (‰)", "delta_18_o"), ("Salinity ‰", "salinity"), ("Ratio (O/OO)", "ratio"),
        ("My New Column", "my_new_column"), ("bill_length_mm", "bill_length_mm"), ("culmen_depth_mm", "culmen_depth_mm"),
        (" penguin_id ", "penguin_id"), ("penguinID", "penguin_id"),
    ])
    func normalizesColumnNames(name: String, expected: String) {
        #expect(normalizedColumnName(name) == expected)
    }

    /// The tidy layout's columns, and the raw LTER layout's that the penguins' schema requires.
    static let tidyColumns = ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "year"]
    static let rawColumns = [
        "studyName", "Sample Number", "Species", "Island", "Date Egg", "Culmen Length (mm)",
        "Culmen Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Sex",
    ]

    @Test func readsEitherLayoutInAnyOrderWithExtraColumns() throws {
        let tidy = CSVRecord(fields: Self.tidyColumns.reversed() + ["extra"], line: 1, rawText: "")
        var tidyReader = try PenguinRowReader(header: tidy, source: "t.csv")
        let row = CSVRecord(fields: ["2008", "female", "3750", "181", "18.7", "39.1", "Dream", "Adelie", "x"], line: 2, rawText: "")
        #expect(tidyReader.parse(row).penguin?.measurements == Measurements(billLength: 39.1, billDepth: 18.7, flipperLength: 181, bodyMass: 3750))
        let raw = CSVRecord(fields: Self.rawColumns.reversed() + ["Comments"], line: 1, rawText: "")
        #expect(try PenguinRowReader(header: raw, source: "r.csv").parser.hasColumn(ofFeature: 0))
    }

    @Test func aHeaderOfNeitherLayoutNamesTheColumnsReadAndOnlyTheMissingOnes() throws {
        let header = CSVRecord(fields: ["species", "island", "weight", "year"], line: 1, rawText: "")
        let error = #expect(throws: IngestError.self) { try PenguinRowReader(header: header, source: "odd.csv") }
        guard case .missingColumns(let source, let dataset, let missing, let found, let dialect) = try #require(error) else {
            Issue.record("expected missing columns, got \(String(describing: error))")
            return
        }
        #expect(source == "odd.csv")
        #expect(dataset == "penguins")
        #expect(found == header.fields)
        #expect(dialect == .standard)
        #expect(missing == [
            "bill_length_mm (or Culmen Length (mm))", "bill_depth_mm (or Culmen Depth (mm))", "flipper_length_mm", "body_mass_g", "sex",
        ])
        let message = try #require(error).description
        #expect(message.contains("odd.csv"))
        #expect(message.contains("separator \",\""))
        #expect(message.contains("4 columns: \"species\", \"island\", \"weight\", \"year\""))
    }

    @Test func duplicateNormalisedColumnIsRefused() {
        let header = CSVRecord(fields: Self.tidyColumns + ["Body Mass (g)"], line: 1, rawText: "")
        #expect(throws: IngestError.duplicateColumn(source: "d.csv", name: "body_mass_g")) {
            try PenguinRowReader(header: header, source: "d.csv")
        }
    }
}
