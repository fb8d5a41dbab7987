import Foundation
import PenguinsTestSupport
import Testing
@testable import PenguinsCore

/// The generic generator fitted on the bundled iris file: what it writes reads back with the
/// schema, follows each class's distribution, and is the same for the same seed.
struct DatasetGeneratorTests {
    /// The bundled iris rows, column-wise, read with the iris schema.
    static func iris() throws -> (classes: [Int], features: [[Double]]) {
        var file = try DatasetFile(url: try #require(BundledSchemas.dataFile(of: "iris")), schema: BundledSchemas.iris)
        var classes: [Int] = []
        var features = [[Double]](repeating: [], count: BundledSchemas.iris.features.count)
        while let batch = try file.nextBatch(maxCount: 64) {
            for case .accepted(let record) in batch {
                classes.append(record.targetClass)
                for (index, value) in record.features.enumerated() { features[index].append(value ?? .nan) }
            }
        }
        return (classes, features)
    }

    static func generate(_ generator: DatasetGenerator, rows: Int, seed: UInt64, shift: [String: Double] = [:]) throws -> String {
        var text = ""
        try generator.write(rows: rows, seed: seed, shift: shift) { text += $0 }
        return text
    }

    /// The rows of a generated file: class name and the four measurements.
    static func parse(_ text: String) -> [(species: String, values: [Double])] {
        text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return (cells[0], cells.dropFirst().map { Double($0)! })
        }
    }

    @Test func generatedRowsFollowEachClassAndStayInRange() throws {
        let (classes, features) = try Self.iris()
        let schema = BundledSchemas.iris
        let generator = try DatasetGenerator(schema: schema, classes: classes, features: features)
        let text = try Self.generate(generator, rows: 30_000, seed: 11)
        #expect(text.hasPrefix("species,sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm\n"))
        let rows = Self.parse(text)
        #expect(rows.count == 30_000)
        for (classIndex, name) in schema.target.classes.enumerated() {
            let members = rows.filter { $0.species == name }
            // Each class is a third of the source: a third of the draws, within 4 standard errors.
            let share = Double(members.count) / Double(rows.count)
            #expect(abs(share - 1.0 / 3) < 4 * (2.0 / 9 / Double(rows.count)).squareRoot(), "\(name): \(share)")
            for feature in 0..<4 {
                let source = classes.indices.filter { classes[$0] == classIndex }.map { features[feature][$0] }
                let mean = source.reduce(0, +) / Double(source.count)
                let sd = (source.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(source.count - 1)).squareRoot()
                let drawn = members.map { $0.values[feature] }
                let drawnMean = drawn.reduce(0, +) / Double(drawn.count)
                // Rounding to 0.1 and the redraws into the range move the mean a little.
                #expect(abs(drawnMean - mean) < 4 * sd / Double(drawn.count).squareRoot() + 0.02, "\(name) feature \(feature)")
                let range = try #require(schema.features[feature].range)
                #expect(drawn.allSatisfy { range.contains($0) })
            }
        }
        // One decimal, as the source has.
        #expect(rows.allSatisfy { $0.values.allSatisfy { abs($0 * 10 - ($0 * 10).rounded()) < 1e-9 } })
        #expect(generator.decimals == [1, 1, 1, 1])
    }

    @Test func theSameSeedWritesTheSameRowsAndAShiftMovesOneFeature() throws {
        let (classes, features) = try Self.iris()
        let generator = try DatasetGenerator(schema: BundledSchemas.iris, classes: classes, features: features)
        let first = try Self.generate(generator, rows: 2_000, seed: 5)
        #expect(try Self.generate(generator, rows: 2_000, seed: 5) == first)
        #expect(try Self.generate(generator, rows: 2_000, seed: 6) != first)
        let shifted = Self.parse(try Self.generate(generator, rows: 2_000, seed: 5, shift: ["petal_length_cm": 1]))
        let plain = Self.parse(first)
        // The same draws, one feature moved by the shift (to its rounding).
        #expect(shifted.map(\.species) == plain.map(\.species))
        for (a, b) in zip(plain, shifted) {
            #expect(abs(b.values[2] - a.values[2] - 1) < 1e-9 || b.values[2] == BundledSchemas.iris.features[2].range?.upperBound)
            #expect(a.values[0] == b.values[0] && a.values[1] == b.values[1] && a.values[3] == b.values[3])
        }
        #expect(throws: DatasetGeneratorError.self) { try Self.generate(generator, rows: 1, seed: 1, shift: ["species": 1]) }
    }

    @Test func aGeneratedFileReadsBackWithTheSchema() throws {
        let (classes, features) = try Self.iris()
        let generator = try DatasetGenerator(schema: BundledSchemas.iris, classes: classes, features: features)
        let url = Scratch.directory.appendingPathComponent("generated-iris-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Self.generate(generator, rows: 500, seed: 2).write(to: url, atomically: true, encoding: .utf8)
        var file = try DatasetFile(url: url, schema: BundledSchemas.iris)
        var accepted = 0
        var rejected = 0
        while let batch = try file.nextBatch(maxCount: 100) {
            for outcome in batch {
                if case .accepted = outcome { accepted += 1 } else { rejected += 1 }
            }
        }
        #expect(accepted == 500)
        #expect(rejected == 0)
    }

    @Test func fittingNeedsRowsAndTwoValuesPerClass() throws {
        #expect(throws: DatasetGeneratorError.noRows(dataset: "iris")) {
            try DatasetGenerator(schema: BundledSchemas.iris, classes: [], features: [[], [], [], []])
        }
        #expect(throws: DatasetGeneratorError.notEnoughValues(dataset: "iris", className: "setosa", feature: "sepal_length_cm", count: 1)) {
            try DatasetGenerator(schema: BundledSchemas.iris, classes: [0], features: [[5.1], [3.5], [1.4], [0.2]])
        }
    }

    @Test func numbersAreWrittenWithTheirDecimals() {
        #expect(DatasetGenerator.format(5.1, decimals: 1) == "5.1")
        #expect(DatasetGenerator.format(0.04, decimals: 2) == "0.04")
        #expect(DatasetGenerator.format(-0.5, decimals: 1) == "-0.5")
        #expect(DatasetGenerator.format(3750.4, decimals: 0) == "3750")
        #expect(DatasetGenerator.format(-12.345, decimals: 3) == "-12.345")
        #expect(DatasetGenerator.decimalsNeeded([5.1, 3, .nan, 0.25]) == 2)
        #expect(DatasetGenerator.decimalsNeeded([3750, 4000]) == 0)
    }
}
