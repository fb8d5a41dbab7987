import Foundation
import Testing

/// Loads a committed reference fixture written by scripts/fixtures/make_statistics_fixtures.py.
func loadFixture<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"),
        "missing fixture \(name).json; run scripts/fixtures/make_statistics_fixtures.py"
    )
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// Whether `actual` is within `relative` of `expected` (relative to |expected|) or within
/// `absolute` of it.
func isClose(_ actual: Double, _ expected: Double, relative: Double, absolute: Double = 0) -> Bool {
    if actual == expected { return true }
    let difference = abs(actual - expected)
    return difference <= absolute || difference <= relative * abs(expected)
}

/// The integer-formula sample shared with the fixture script:
/// value_i = offset + (i * multiplier) % modulus for i in 0..<count.
struct FormulaSample: Decodable {
    var count: Int
    var offset: Int
    var multiplier: Int
    var modulus: Int

    var values: [Double] {
        (0..<count).map { Double(offset + ($0 * multiplier) % modulus) }
    }
}
