import Foundation
import PenguinsCore
import Testing

/// The reference fit computed by `Fixtures/make_synthetic_fit.py` (pandas and numpy).
struct SyntheticFitFixture: Decodable {
    struct SpeciesFit: Decodable {
        var count: Int
        var mean: [Double]
        var covariance: [[Double]]
        var islands: [String: Double]
        var sexes: [String: Double]
    }

    var features: [String]
    var complete_count: Int
    var species: [String: SpeciesFit]

    static func load() throws -> SyntheticFitFixture {
        let url = try #require(Bundle.module.url(forResource: "synthetic_fit", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(SyntheticFitFixture.self, from: Data(contentsOf: url))
    }
}

@Suite struct SyntheticGeneratorTests {
    static func isClose(_ a: Double, _ b: Double, relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b), 1)
    }

    /// Generated text, parsed back.
    static func generate(
        _ generator: SyntheticGenerator, rows: Int, seed: UInt64, shift: [Feature: Double] = [:]
    ) throws -> (text: String, outcomes: [PenguinOutcome]) {
        var text = ""
        try generator.write(rows: rows, seed: seed, shift: shift) { text += $0 }
        let outcomes = try TestFiles.outcomes(of: TestFiles.write(text))
        return (text, outcomes)
    }

    static func means(of penguins: [Penguin]) -> [Species: [Double]] {
        Dictionary(grouping: penguins, by: \.species).mapValues { group in
            let vectors = group.map { $0.measurements.featureVector! }
            return (0..<4).map { index in vectors.reduce(0) { $0 + $1[index] } / Double(vectors.count) }
        }
    }

    @Test func fitMatchesNumpy() throws {
        let fixture = try SyntheticFitFixture.load()
        let generator = try SyntheticGenerator.fittedOnBundledData()
        #expect(fixture.features == Feature.allCases.map(\.rawValue))
        #expect(generator.models.map(\.species) == [.adelie, .chinstrap, .gentoo])
        #expect(generator.models.reduce(0) { $0 + $1.count } == fixture.complete_count)
        for model in generator.models {
            let reference = try #require(fixture.species[model.species.rawValue])
            #expect(model.count == reference.count)
            #expect(zip(model.mean, reference.mean).allSatisfy { Self.isClose($0, $1) }, "\(model.species) mean")
            for (row, referenceRow) in zip(model.covariance, reference.covariance) {
                #expect(zip(row, referenceRow).allSatisfy { Self.isClose($0, $1) }, "\(model.species) covariance")
            }
            #expect(model.islandFrequencies.count == reference.islands.count)
            for (island, share) in model.islandFrequencies {
                #expect(Self.isClose(share, reference.islands[island.rawValue] ?? -1))
            }
            #expect(model.sexFrequencies.count == reference.sexes.count)
            for (sex, share) in model.sexFrequencies {
                #expect(Self.isClose(share, reference.sexes[sex.rawValue] ?? -1))
            }
            // L·Lᵀ gives back the covariance.
            for row in 0..<4 {
                for column in 0..<4 {
                    let product = (0..<4).reduce(0) { $0 + model.cholesky[row][$1] * model.cholesky[column][$1] }
                    #expect(Self.isClose(product, model.covariance[row][column]))
                }
            }
        }
    }

    @Test func sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() throws {
        let generator = try SyntheticGenerator.fittedOnBundledData()
        var first = ""
        var second = ""
        var third = ""
        try generator.write(rows: 3_000, seed: 7) { first += $0 }
        try generator.write(rows: 3_000, seed: 7) { second += $0 }
        try generator.write(rows: 3_000, seed: 8) { third += $0 }
        #expect(first == second)
        #expect(first != third)

        let url = try TestFiles.makeDirectory().appendingPathComponent("synthetic.csv")
        try generator.write(rows: 3_000, seed: 7, toFileAt: url)
        #expect(try Data(contentsOf: url) == Data(first.utf8))
    }

    @Test func writesTheTidyLayoutWithSequentialIDs() throws {
        let generator = try SyntheticGenerator.fittedOnBundledData()
        let (text, outcomes) = try Self.generate(generator, rows: 1_000, seed: 1)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == Substring(SyntheticGenerator.header))
        #expect(lines.count == 1_002 && lines.last == "", "header, 1000 rows, final line break")
        let penguins = outcomes.compactMap(\.penguin)
        #expect(penguins.count == 1_000)
        #expect(penguins.first?.id == "P0000001")
        #expect(penguins.last?.id == "P0001000")
        #expect(penguins.allSatisfy { $0.sex != nil && SyntheticGenerator.years.contains($0.year) })
        #expect(Set(penguins.map(\.year)) == [2007, 2008, 2009])
        // Rounded like the source: bills to 0.1 mm, flipper and mass to whole units.
        for penguin in penguins {
            let values = try #require(penguin.measurements.featureVector)
            #expect(Self.isClose(values[0] * 10, (values[0] * 10).rounded()))
            #expect(Self.isClose(values[1] * 10, (values[1] * 10).rounded()))
            #expect(values[2] == values[2].rounded() && values[3] == values[3].rounded())
        }
    }

    @Test func sampleMeansAndSharesMatchTheFit() throws {
        let generator = try SyntheticGenerator.fittedOnBundledData()
        let (_, outcomes) = try Self.generate(generator, rows: 20_000, seed: 2024)
        #expect(outcomes.allSatisfy { $0.penguin != nil }, "every generated row parses back as accepted")
        let penguins = outcomes.compactMap(\.penguin)
        let means = Self.means(of: penguins)
        let speciesShares = generator.speciesFrequencies
        for model in generator.models {
            let members = penguins.filter { $0.species == model.species }
            // Species share within 5 standard errors of a binomial proportion.
            let expectedShare = try #require(speciesShares[model.species])
            let shareError = (expectedShare * (1 - expectedShare) / 20_000).squareRoot()
            #expect(abs(Double(members.count) / 20_000 - expectedShare) < 5 * shareError)
            // Means within 5 standard errors plus half a rounding step.
            let sample = try #require(means[model.species])
            for index in 0..<4 {
                let standardError = (model.covariance[index][index] / Double(members.count)).squareRoot()
                #expect(
                    abs(sample[index] - model.mean[index]) < 5 * standardError + 0.05,
                    "\(model.species) \(Feature.allCases[index]): \(sample[index]) vs \(model.mean[index])")
            }
            // Island shares within 5 standard errors.
            for (island, share) in model.islandFrequencies {
                let observed = Double(members.filter { $0.island == island }.count) / Double(members.count)
                #expect(abs(observed - share) < 5 * (share * (1 - share) / Double(members.count)).squareRoot() + 1e-9)
            }
            #expect(Set(members.map(\.island)) == Set(model.islandFrequencies.keys))
        }
    }

    @Test func shiftMovesTheMeanByTheDelta() throws {
        let generator = try SyntheticGenerator.fittedOnBundledData()
        let base = try Self.generate(generator, rows: 5_000, seed: 99).outcomes.compactMap(\.penguin)
        let shifted = try Self.generate(generator, rows: 5_000, seed: 99, shift: [.bodyMass: 500, .billLength: -2])
            .outcomes.compactMap(\.penguin)
        #expect(base.count == 5_000 && shifted.count == 5_000)
        func mean(_ penguins: [Penguin], _ feature: Feature) -> Double {
            penguins.reduce(0) { $0 + $1.measurements[feature]! } / Double(penguins.count)
        }
        #expect(abs(mean(shifted, .bodyMass) - mean(base, .bodyMass) - 500) < 1)
        #expect(abs(mean(shifted, .billLength) - mean(base, .billLength) + 2) < 0.05)
        #expect(abs(mean(shifted, .billDepth) - mean(base, .billDepth)) < 0.05)
        #expect(abs(mean(shifted, .flipperLength) - mean(base, .flipperLength)) < 0.5)
    }

    @Test func valuesPushedOutOfRangeAreClampedSoRowsStayValid() throws {
        let generator = try SyntheticGenerator.fittedOnBundledData()
        let outcomes = try Self.generate(generator, rows: 200, seed: 5, shift: [.bodyMass: 20_000]).outcomes
        let penguins = outcomes.compactMap(\.penguin)
        #expect(penguins.count == 200)
        #expect(penguins.allSatisfy { $0.measurements.bodyMass == Feature.bodyMass.plausibleRange.upperBound })
    }

    @Test func fittingNeedsEnoughCompletePenguins() throws {
        #expect(throws: SyntheticDataError.noCompletePenguins) { try SyntheticGenerator(fittedOn: []) }
        let few = (0..<3).map { index in
            Penguin(
                id: "\(index)", species: .gentoo, island: .biscoe,
                measurements: Measurements(billLength: 45 + Double(index), billDepth: 15, flipperLength: 210, bodyMass: 5000),
                sex: .male, year: 2008)
        }
        #expect(throws: SyntheticDataError.notEnoughPenguins(species: .gentoo, count: 3)) {
            try SyntheticGenerator(fittedOn: few)
        }
        let constant = (0..<6).map { index in
            Penguin(
                id: "\(index)", species: .adelie, island: .dream,
                measurements: Measurements(billLength: 39, billDepth: 18, flipperLength: 190, bodyMass: 3700),
                sex: .female, year: 2008)
        }
        #expect(throws: SyntheticDataError.degenerateCovariance(species: .adelie)) {
            try SyntheticGenerator(fittedOn: constant)
        }
    }
}
