import Foundation
import PenguinsML

/// Loads the committed reference fixtures written by scripts/fixtures/make_ml_fixtures.py.
enum Fixtures {
    static func load<Value: Decodable>(_ name: String, as type: Value.Type = Value.self) throws -> Value {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Fixtures/\(name).json"])
        }
        return try JSONDecoder().decode(Value.self, from: Data(contentsOf: url))
    }

    /// The complete rows of the Palmer data: four measurements and the species index.
    struct Palmer: Decodable {
        var features: [String]
        var species: [String]
        var rows: [[Double]]
        var labels: [Int]

        var matrix: FeatureMatrix { FeatureMatrix(rows: rows) }
    }

    static func palmer() throws -> Palmer { try load("palmer") }

    /// scikit-learn's RandomForestClassifier accuracy on the Palmer data.
    struct ForestReference: Decodable {
        var testAccuracy: Double
        var meanTestAccuracyOver20Splits: Double
        var minTestAccuracyOver20Splits: Double
    }
}

/// Penguin-like synthetic data: three Gaussian clusters in four dimensions, seeded.
enum SyntheticPenguins {
    static let centres: [[Double]] = [[38.8, 18.3, 190, 3700], [48.8, 18.4, 196, 3730], [47.5, 15.0, 217, 5076]]
    static let spreads: [Double] = [2.8, 1.2, 6.5, 460]

    static func make(rowCount: Int, seed: UInt64) -> (x: FeatureMatrix, labels: [Int]) {
        var generator = SeededGenerator(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(rowCount * 4)
        var labels: [Int] = []
        labels.reserveCapacity(rowCount)
        for _ in 0..<rowCount {
            let label = generator.nextIndex(below: 3)
            labels.append(label)
            for feature in 0..<4 {
                values.append(centres[label][feature] + spreads[feature] * gaussian(&generator))
            }
        }
        return (FeatureMatrix(columnCount: 4, values: values), labels)
    }

    /// A standard normal draw (Box–Muller).
    static func gaussian(_ generator: inout SeededGenerator) -> Double {
        let u = max(generator.nextUnitInterval(), .leastNonzeroMagnitude)
        let v = generator.nextUnitInterval()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
