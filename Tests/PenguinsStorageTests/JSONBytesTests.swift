import Foundation
import PenguinsCore
@testable import PenguinsStorage
import Testing

/// The byte writer's numbers must be exactly the text `JSONValue.format` (Swift's
/// `description`) gives, including those it writes digit by digit.
@Suite struct JSONBytesTests {
    /// The text the writer gives `value`.
    static func written(_ value: Double) -> String {
        var out = JSONBytes(capacity: 32)
        out.writeNumber(value)
        return String(decoding: out.bytes, as: UTF8.self)
    }

    @Test func numbersWithFewDecimalsAreWrittenAsDescriptionWritesThem() {
        var generator = SplitMix64(seed: 20_261_207)
        var mismatches: [String] = []
        var writtenByDigits = 0
        for _ in 0..<200_000 {
            let decimals = Int(generator.next() % 4)
            let magnitude = [1.0, 1e3, 1e6, 1e9 + 1e8][Int(generator.next() % 4)]
            let whole = Double(generator.next() % UInt64(magnitude * 1_000)) / 1_000
            let sign: Double = generator.next() % 5 == 0 ? -1 : 1
            let scale = [1.0, 10, 100, 1_000][decimals]
            // Decimal numbers of up to three decimals, as a CSV file writes them, and their sums
            // (0.1 + 0.2 and its like, which need all their digits).
            var value = sign * (whole * scale).rounded() / scale
            if generator.next() % 7 == 0 { value += Double(generator.next() % 10) / 10 }
            if JSONBytes.decimal(value) != nil { writtenByDigits += 1 }
            if Self.written(value) != JSONValue.format(value) { mismatches.append("\(value)") }
        }
        #expect(mismatches.isEmpty, "written otherwise than described: \(mismatches.prefix(10))")
        #expect(writtenByDigits > 100_000, "the digit-by-digit path is the one under test")
    }

    @Test(arguments: [
        0.1, 0.05, 0.001, -0.001, -0.5, 16.4, 3750.5, 0.1 + 0.2, 1.0 / 3, 8.94956, -24.69454, 999_999_999.999,
        1e9 + 0.5, 1e-4, 1e-7, 123_456_789.123, -0.0, 0, 1e15, 1e20, 4_503_599_627_370_495.5,
    ])
    func edgeValuesAreWrittenAsDescriptionWritesThem(value: Double) {
        #expect(Self.written(value) == JSONValue.format(value))
    }

    @Test func nonFiniteNumbersAreNull() {
        #expect(Self.written(.nan) == "null")
        #expect(Self.written(.infinity) == "null")
        #expect(Self.written(-.infinity) == "null")
    }
}
