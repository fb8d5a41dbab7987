import Foundation
import PenguinsCore
import Testing

/// The bundled penguin files, read with the penguins' schema.
@Suite struct BundledPenguinFileTests {
    @Test func rawBundledFile() throws {
        let outcomes = try TestFiles.outcomes(of: BundledDataset.rawCSV)
        #expect(outcomes.count == 344)
        let penguins = outcomes.compactMap(\.penguin)
        #expect(penguins.count == 344, "every row of the bundled raw file is valid: \(outcomes.compactMap(\.rejection))")
        #expect(penguins.filter { !$0.isUsableForTraining }.map(\.id) == ["PAL0708-Adelie-4", "PAL0910-Gentoo-120"])
        #expect(penguins.filter { !$0.isUsableForTraining }.allSatisfy { $0.measurements.featureVector == nil && $0.sex == nil })
        #expect(penguins.filter { $0.sex == nil }.count == 11)
        #expect(Set(penguins.map(\.id)).count == 344, "ids are unique over the whole file")
        #expect(penguins.first?.id == "PAL0708-Adelie-1")
        let counts = Dictionary(grouping: penguins, by: \.species).mapValues(\.count)
        #expect(counts == [.adelie: 152, .chinstrap: 68, .gentoo: 124])
        #expect(penguins.filter { $0.otherFields["comments"] != .null }.count == 54)
    }

    @Test func tidyBundledFile() throws {
        var file = try DatasetFile(url: BundledDataset.tidyCSV, schema: BundledSchemas.penguins)
        var batchSizes: [Int] = []
        var outcomes: [PenguinOutcome] = []
        while let batch = try file.nextBatch(maxCount: 100) {
            batchSizes.append(batch.count)
            outcomes += batch.map { PenguinOutcome($0, fileColumns: file.parser.featureColumns) }
        }
        #expect(batchSizes == [100, 100, 100, 44])
        #expect(file.recordsRead == 344)
        #expect(try file.nextBatch(maxCount: 100) == nil)
        let penguins = outcomes.compactMap(\.penguin)
        #expect(penguins.count == 344)
        #expect(penguins.filter { !$0.isUsableForTraining }.count == 2)
        #expect(penguins.filter { $0.sex == nil }.count == 11)
        #expect(Set(penguins.map(\.id)).count == 344)
        #expect(penguins.allSatisfy { $0.otherFields.isEmpty })
        // The content ids the tidy rows have always had (the first two rows of the file).
        #expect(penguins[0].id == "Tdc6990655bfeb838")
        #expect(penguins[1].id == "T11cee437cf5986fc")
        #expect(penguins[343].id == "Td13e9fba5c3b23ae")
    }

    @Test func rawAndTidyRowsDescribeTheSameBirds() throws {
        let raw = try TestFiles.outcomes(of: BundledDataset.rawCSV).compactMap(\.penguin)
        let tidy = try TestFiles.outcomes(of: BundledDataset.tidyCSV).compactMap(\.penguin)
        #expect(raw.count == tidy.count)
        for (rawPenguin, tidyPenguin) in zip(raw, tidy) {
            #expect(rawPenguin.species == tidyPenguin.species, "\(rawPenguin.id)")
            #expect(rawPenguin.island == tidyPenguin.island, "\(rawPenguin.id)")
            #expect(rawPenguin.measurements == tidyPenguin.measurements, "\(rawPenguin.id)")
            #expect(rawPenguin.sex == tidyPenguin.sex, "\(rawPenguin.id)")
            #expect(rawPenguin.year == tidyPenguin.year, "\(rawPenguin.id)")
        }
    }

    @Test(arguments: [BundledDataset.rawCSV, BundledDataset.tidyCSV])
    func idsAreStableAcrossReads(url: URL) throws {
        let first = try TestFiles.outcomes(of: url).compactMap(\.penguin?.id)
        let second = try TestFiles.outcomes(of: url).compactMap(\.penguin?.id)
        #expect(first.count == 344)
        #expect(first == second)
    }

    @Test func rejectedRowsKeepTheirLineAndText() throws {
        let text = "species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n"
            + "Adelie,Dream,39.1,18.7,181,3750,female,2008\r\n"
            + "\"Emperor\",Dream,39.1,18.7,181,3750,female,2008\r\n"
            + "Adelie,Dream,39.1,18.7,181,3750,female,2009\n"
        let outcomes = try TestFiles.outcomes(of: TestFiles.write(text))
        #expect(outcomes.count == 3)
        #expect(outcomes[1].rejection == RejectedRow(
            line: 3, rawText: "\"Emperor\",Dream,39.1,18.7,181,3750,female,2008",
            reason: #"species: "Emperor" is not a known species (Adelie, Chinstrap, Gentoo)"#))
        #expect(outcomes[2].penguin?.year == 2009)
    }

    @Test func fileErrors() throws {
        let empty = try TestFiles.write("")
        let schema = BundledSchemas.penguins
        #expect(throws: IngestError.emptyFile(path: empty.path)) { try DatasetFile(url: empty, schema: schema) }
        let odd = try TestFiles.write("name,weight\nPingu,4\n")
        #expect(throws: IngestError.self) { try DatasetFile(url: odd, schema: schema) }
        let absent = try TestFiles.makeDirectory().appendingPathComponent("none.csv")
        #expect(throws: IngestError.fileNotFound(path: absent.path)) { try DatasetFile(url: absent, schema: schema) }
    }

    @Test func provenanceIsBundled() throws {
        let text = try String(contentsOf: BundledDataset.provenance, encoding: .utf8)
        #expect(text.contains("CC0"))
    }
}
