import Foundation
import PenguinsCore
import PenguinsTestSupport
import Testing

/// The penguins as records of their schema, bundled or edited.
@Suite struct PenguinRecordsTests {
    static let penguin = Penguin(
        id: "PAL0708-Adelie-1", species: .adelie, island: Island(rawValue: "Torgersen"),
        measurements: Measurements(billLength: 39.1, billDepth: 18.7, flipperLength: 181, bodyMass: 3750),
        sex: .male, year: 2007, otherFields: ["clutch_completion": .string("No"), "delta_15_n": .number(8.9), "comments": .string("x")])

    @Test func anAddedCategoricalFeatureIsTakenFromTheOtherFieldsAndGivenBack() throws {
        let schema = BundledSchemas.penguinsWithClutchCompletion
        let coding = PenguinRecords(schema: schema)
        let record = coding.record(Self.penguin)
        let clutch = try #require(schema.features.firstIndex { $0.name == "clutch_completion" })
        #expect(record.features[clutch] == 1, "No is the second level")
        #expect(record.features[schema.features.firstIndex { $0.name == "delta_15_n" }!] == 8.9)
        #expect(record.otherFields == ["comments": .string("x")], "features leave the other fields")

        let back = try #require(coding.penguin(record))
        #expect(back.otherFields == ["clutch_completion": .string("No"), "delta_15_n": .number(8.9)])
        #expect(coding.record(back).features == record.features)

        // A level the schema lacks is no value, as a missing one is.
        var odd = Self.penguin
        odd.otherFields["clutch_completion"] = .string("Maybe")
        #expect(coding.record(odd).features[clutch] == nil)
    }

    @Test func aFileRowKeepsItsAddedFeatureAsALevelOrNull() throws {
        let schema = BundledSchemas.penguinsWithClutchCompletion
        let coding = PenguinRecords(schema: schema)
        var record = coding.record(Self.penguin)
        let clutch = schema.features.count - 1
        var columns = [Bool](repeating: true, count: schema.features.count)
        #expect(coding.penguin(read: record, fileColumns: columns)?.otherFields["clutch_completion"] == .string("No"))
        record.features[clutch] = nil
        #expect(coding.penguin(read: record, fileColumns: columns)?.otherFields["clutch_completion"] == .null)
        columns[clutch] = false
        #expect(coding.penguin(read: record, fileColumns: columns)?.otherFields["clutch_completion"] == nil, "the file has no such column")
    }

    @Test func anEditedSchemaMayAddButNotChangeWhatThePenguinsRead() {
        #expect(PenguinRecords.departures(of: BundledSchemas.penguins).isEmpty)
        var edited = BundledSchemas.penguinsWithClutchCompletion
        edited.features[edited.features.firstIndex { $0.name == "island" }!].levels.append("Anvers")
        edited.features[0].range = 20...80
        #expect(PenguinRecords.departures(of: edited).isEmpty, "features, islands after the bundled ones and ranges may change")

        func departures(_ edit: (inout DatasetSchema) -> Void) -> [String] {
            var schema = BundledSchemas.penguins
            edit(&schema)
            return PenguinRecords.departures(of: schema).map { "\($0.field) \($0.problem)" }
        }
        #expect(departures { $0.features.removeAll { $0.name == "sex" } } == ["features must keep sex"])
        #expect(departures { $0.target.classes.reverse() } == ["target must stay species with the classes Adelie, Chinstrap, Gentoo"])
        #expect(departures { $0.partition = "sex" } == ["partition must stay island"])
        #expect(departures { $0.features[7].levels = ["male", "female"] } == ["features.sex.levels must stay female, male"])
        #expect(departures { $0.features[6].levels = ["Dream", "Biscoe", "Torgersen"] }
            == ["features.island.levels must begin with Biscoe, Dream, Torgersen, in that order"])
        #expect(departures { $0.features[8] = .categorical("year", levels: ["2007"]) } == ["features.year.kind must stay numeric"])
    }
}
