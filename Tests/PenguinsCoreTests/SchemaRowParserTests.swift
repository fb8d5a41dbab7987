import Foundation
@testable import PenguinsCore
import Testing

/// The schema-driven reader must read the penguins exactly as the penguin parser does.
@Suite struct SchemaRowParserTests {
    static func datasetOutcomes(of url: URL, schema: DatasetSchema = BundledSchemas.penguins) throws -> [DatasetRowOutcome] {
        var file = try DatasetFile(url: url, schema: schema)
        var outcomes: [DatasetRowOutcome] = []
        while let batch = try file.nextBatch(maxCount: 64) { outcomes += batch }
        return outcomes
    }

    /// Compares every row of `url` as both parsers read it; answers the number of accepted rows.
    @discardableResult
    static func expectSameReading(of url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let schema = BundledSchemas.penguins
        let old = try TestFiles.outcomes(of: url)
        let new = try datasetOutcomes(of: url)
        #expect(old.count == new.count, sourceLocation: sourceLocation)
        let feature = { (name: String) in schema.features.firstIndex { $0.name == name }! }
        var accepted = 0
        for (before, after) in zip(old, new) {
            switch (before, after) {
            case (.accepted(let penguin), .accepted(let record)):
                accepted += 1
                #expect(record.id == penguin.id, sourceLocation: sourceLocation)
                #expect(schema.target.classes[record.targetClass] == penguin.species.rawValue, sourceLocation: sourceLocation)
                for measurement in Feature.allCases {
                    #expect(record.features[feature(measurement.rawValue)] == penguin.measurements[measurement], sourceLocation: sourceLocation)
                }
                #expect(record.features[feature("island")].map { schema.feature(named: "island")!.levels[Int($0)] } == penguin.island.rawValue)
                #expect(record.features[feature("sex")].map { schema.feature(named: "sex")!.levels[Int($0)] } == penguin.sex?.rawValue)
                #expect(record.features[feature("year")] == Double(penguin.year), sourceLocation: sourceLocation)
                var others = penguin.otherFields
                for isotope in ["delta_15_n", "delta_13_c"] {
                    let value = others.removeValue(forKey: isotope)
                    #expect(record.features[feature(isotope)].map(JSONValue.number) ?? (value == nil ? nil : .null) == value, sourceLocation: sourceLocation)
                }
                #expect(record.otherFields == others, "\(penguin.id)", sourceLocation: sourceLocation)
            case (.rejected(let before), .rejected(let after)):
                #expect(before.line == after.line, sourceLocation: sourceLocation)
                #expect(before.rawText == after.rawText, sourceLocation: sourceLocation)
            default:
                Issue.record("the two parsers disagree on \(before) and \(after)", sourceLocation: sourceLocation)
            }
        }
        return accepted
    }

    @Test func bundledRawFileReadsAsThePenguinParserReadsIt() throws {
        #expect(try Self.expectSameReading(of: BundledDataset.rawCSV) == 344)
    }

    @Test func bundledTidyFileGetsTheSameContentIDs() throws {
        #expect(try Self.expectSameReading(of: BundledDataset.tidyCSV) == 344)
    }

    @Test func europeanSpreadsheetReadsTheSame() throws {
        #expect(try Self.expectSameReading(of: TestFiles.fixture("penguins-raw-excel-fr", "csv")) == 344)
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

    @Test func badRowsAreRefusedAsThePenguinParserRefusesThem() throws {
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
        let url = try TestFiles.write(text)
        try Self.expectSameReading(of: url)
        let old = try TestFiles.outcomes(of: url)
        let new = try Self.datasetOutcomes(of: url)
        // The reasons both parsers word alike.
        for line in [3, 4, 5, 6, 7, 8] {
            let before = try #require(old[line - 2].rejection)
            guard case .rejected(let after) = new[line - 2] else { Issue.record("line \(line) is refused"); continue }
            #expect(after.reason == before.reason, "line \(line)")
        }
        guard case .rejected(let sex) = new[8], case .rejected(let year) = new[9] else { Issue.record("sex and year are checked"); return }
        #expect(sex.reason == "sex: \"unknown\" is not a known sex (female, male)")
        #expect(year.reason == "year: missing")
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
