import Foundation
import PenguinsCore
import Testing

/// The penguins' rows as the platform reads them, with their bundled schema: the cleaning, the
/// ids and the reasons of both bundled layouts.
@Suite struct PenguinRowTests {
    static let tidyHeader = "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year"
    static let rawHeader = "studyName,Sample Number,Species,Region,Island,Stage,Individual ID,Clutch Completion,Date Egg,"
        + "Culmen Length (mm),Culmen Depth (mm),Flipper Length (mm),Body Mass (g),Sex,Delta 15 N (o/oo),Delta 13 C (o/oo),Comments"
    static let rawRow = "PAL0708,1,Adelie Penguin (Pygoscelis adeliae),Anvers,Torgersen,Adult 1 Egg Stage,N1A1,Yes,"
        + "2007-11-11,39.1,18.7,181,3750,MALE,8.94956,-24.69454,NA"

    /// A parser for a header line (fields split on commas: test lines have no quotes).
    static func parser(_ header: String) throws -> PenguinRowReader {
        try PenguinRowReader(header: record(header, line: 1), source: "test.csv")
    }

    static func record(_ text: String, line: Int = 2) -> CSVRecord {
        CSVRecord(fields: text.split(separator: ",", omittingEmptySubsequences: false).map(String.init), line: line, rawText: text)
    }

    static func tidyOutcome(_ row: String) throws -> PenguinOutcome {
        var parser = try parser(tidyHeader)
        return parser.parse(record(row))
    }

    static func rawOutcome(_ row: String) throws -> PenguinOutcome {
        var parser = try parser(rawHeader)
        return parser.parse(record(row))
    }

    // MARK: Accepted rows

    @Test func cleansATidyRow() throws {
        let penguin = try #require(try Self.tidyOutcome(" Adelie ,torgersen,39.1,18.7,181,3750,MALE,2007").penguin)
        #expect(penguin.species == .adelie)
        #expect(penguin.island == .torgersen)
        #expect(penguin.measurements == Measurements(billLength: 39.1, billDepth: 18.7, flipperLength: 181, bodyMass: 3750))
        #expect(penguin.sex == .male)
        #expect(penguin.year == 2007)
        #expect(penguin.otherFields.isEmpty)
        #expect(penguin.isUsableForTraining)
    }

    @Test(arguments: ["NA", "", ".", " NA "])
    func missingMarkersAreMissingValues(marker: String) throws {
        let row = "Gentoo,Biscoe,\(marker),14.3,\(marker),4100,\(marker),2009"
        let penguin = try #require(try Self.tidyOutcome(row).penguin)
        #expect(penguin.measurements == Measurements(billLength: nil, billDepth: 14.3, flipperLength: nil, bodyMass: 4100))
        #expect(penguin.sex == nil)
        #expect(!penguin.isUsableForTraining)
    }

    @Test func cleansARawRowAndKeepsItsOtherColumns() throws {
        let penguin = try #require(try Self.rawOutcome(Self.rawRow).penguin)
        #expect(penguin.id == "PAL0708-Adelie-1")
        #expect(penguin.species == .adelie)
        #expect(penguin.island == .torgersen)
        #expect(penguin.measurements.featureVector == [39.1, 18.7, 181, 3750])
        #expect(penguin.sex == .male)
        #expect(penguin.year == 2007)
        #expect(penguin.otherFields == [
            "study_name": .string("PAL0708"), "sample_number": .number(1), "region": .string("Anvers"),
            "stage": .string("Adult 1 Egg Stage"), "individual_id": .string("N1A1"), "clutch_completion": .string("Yes"),
            "date_egg": .string("2007-11-11"), "delta_15_n": .number(8.94956), "delta_13_c": .number(-24.69454),
            "comments": .null,
        ])
    }

    @Test func newColumnIsKeptUnderItsNormalisedName() throws {
        var parser = try Self.parser(Self.tidyHeader + ",My New Column,Ring Code")
        let outcomes = ["12.5,007A", "hello,9", "NA,"].map {
            parser.parse(Self.record("Adelie,Dream,39.1,18.7,181,3750,female,2008,\($0)"))
        }
        let fields = try outcomes.map { try #require($0.penguin).otherFields }
        #expect(fields == [
            ["my_new_column": .number(12.5), "ring_code": .string("007A")],
            ["my_new_column": .string("hello"), "ring_code": .number(9)],
            ["my_new_column": .null, "ring_code": .null],
        ])
    }

    @Test func rawYearComesFromTheEggDate() throws {
        let row = Self.rawRow.replacingOccurrences(of: "2007-11-11", with: "11/16/2008")
        #expect(try Self.rawOutcome(row).penguin?.year == 2008)
    }

    // MARK: Ids

    @Test func penguinIDColumnIsTheID() throws {
        var parser = try Self.parser("penguin_id," + Self.tidyHeader)
        let outcome = parser.parse(Self.record("P0000042,Adelie,Dream,39.1,18.7,181,3750,female,2008"))
        #expect(outcome.penguin?.id == "P0000042")
        #expect(outcome.penguin?.otherFields.isEmpty == true)
    }

    @Test func tidyRowsWithoutIDsGetStableContentIDsAndRepeatsAreNumbered() throws {
        let rows = [
            "Adelie,Dream,39.1,18.7,181,3750,female,2008",
            "Adelie,Dream,39.1,18.7,181,3750,female,2008",
            "Adelie,Dream,39.2,18.7,181,3750,female,2008",
            "Adelie,Dream,39.1,18.7,181,3750,female,2008",
            "Adelie, Dream ,39.10,18.7,181,3750,FEMALE,2008",
        ]
        func ids() throws -> [String] {
            var parser = try Self.parser(Self.tidyHeader)
            return try rows.map { try #require(parser.parse(Self.record($0)).penguin).id }
        }
        let first = try ids()
        let base = first[0]
        #expect(base.wholeMatch(of: /T[0-9a-f]{16}/) != nil)
        #expect(first[1] == base + "-2")
        #expect(first[2] != base && !first[2].hasPrefix(base))
        #expect(first[3] == base + "-3")
        #expect(first[4] == base + "-4", "the id hashes cleaned values, not their spelling")
        #expect(try ids() == first)
    }

    // MARK: Rejections

    @Test(arguments: [
        ("Adelie,Dream,39.1,18.7,181,3750,female", "expected 8 fields as in the header, found 7"),
        ("Adelie,Dream,39.1,18.7,181,3750,female,2008,x", "expected 8 fields as in the header, found 9"),
        ("Adelie,Dream,39.1,18.7,181,abc,female,2008", #"body_mass_g: "abc" is not a number"#),
        ("Adelie,Dream,inf,18.7,181,3750,female,2008", #"bill_length_mm: "inf" is not a finite number"#),
        ("Adelie,Dream,39.1,NaN,181,3750,female,2008", #"bill_depth_mm: "NaN" is not a finite number"#),
        ("Adelie,Dream,39.1,18.7,181,45000,female,2008", "body_mass_g: 45000 is outside the plausible range 1000...10000"),
        ("Adelie,Dream,0.0391,18.7,181,3750,female,2008", "bill_length_mm: 0.0391 is outside the plausible range 10...100"),
        ("Adelie,Dream,39.1,18.7,18.1,3750,female,2008", "flipper_length_mm: 18.1 is outside the plausible range 100...300"),
        ("Emperor,Dream,39.1,18.7,181,3750,female,2008", #"species: "Emperor" is not a known species (Adelie, Chinstrap, Gentoo)"#),
        ("NA,Dream,39.1,18.7,181,3750,female,2008", "species: missing"),
        ("Adelie,Anvers,39.1,18.7,181,3750,female,2008", #"island: "Anvers" is not a known island (Biscoe, Dream, Torgersen)"#),
        ("Adelie,,39.1,18.7,181,3750,female,2008", "island: missing"),
        ("Adelie,Dream,39.1,18.7,181,3750,unknown,2008", #"sex: "unknown" is not a known sex (female, male)"#),
        ("Adelie,Dream,39.1,18.7,181,3750,female,NA", "year: missing"),
        ("Adelie,Dream,39.1,18.7,181,3750,female,last year", #"year: "last year" is not a number"#),
        ("Adelie,Dream,39.1,18.7,181,3750,female,1850", "year: 1850 is outside the plausible range 1900...2100"),
        ("Adelie,Dream,39.1,18.7,181,3750,female,2150", "year: 2150 is outside the plausible range 1900...2100"),
    ])
    func rejectsTidyRowWithReason(row: String, reason: String) throws {
        var parser = try Self.parser(Self.tidyHeader)
        let rejection = try #require(parser.parse(Self.record(row, line: 17)).rejection)
        #expect(rejection == RejectedRow(line: 17, rawText: row, reason: reason))
    }

    @Test(arguments: [
        ("2007-11-11", "n/a", #"date_egg: "n/a" has no year (expected a date like 2007-11-11)"#),
        ("2007-11-11", "NA", "date_egg: missing (the year comes from it)"),
        ("2007-11-11", "1850-01-02", "date_egg: year 1850 is outside the plausible range 1900...2100"),
        ("PAL0708,1,", "NA,1,", "study_name: missing (the id is made from it)"),
        ("PAL0708,1,", "PAL0708,,", "sample_number: missing (the id is made from it)"),
        ("8.94956", "heavy", #"delta_15_n: "heavy" is not a number"#),
    ])
    func rejectsRawRowWithReason(original: String, replacement: String, reason: String) throws {
        let row = Self.rawRow.replacingOccurrences(of: original, with: replacement)
        #expect(try Self.rawOutcome(row).rejection?.reason == reason)
    }

    @Test func emptyPenguinIDIsRejected() throws {
        var parser = try Self.parser("penguin_id," + Self.tidyHeader)
        let outcome = parser.parse(Self.record(",Adelie,Dream,39.1,18.7,181,3750,female,2008"))
        #expect(outcome.rejection?.reason == "penguin_id: missing")
    }
}
