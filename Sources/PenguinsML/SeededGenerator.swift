/// A fast, seedable random number generator (xoshiro256**, its state filled by SplitMix64).
///
/// The same seed always gives the same sequence on every platform, which is what makes
/// splits and forests reproducible. Not suitable for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (nextSplitMix(), nextSplitMix(), nextSplitMix(), nextSplitMix())
    }

    /// Derives an independent seed for stream number `index` of a master `seed`
    /// (every tree of a forest gets its own stream, so trees can grow in any order).
    public static func derivedSeed(_ seed: UInt64, stream index: Int) -> UInt64 {
        var generator = SeededGenerator(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return generator.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = Self.rotateLeft(state.1 &* 5, by: 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = Self.rotateLeft(state.3, by: 45)
        return result
    }

    /// A uniform value in `0 ..< 1` with 53 random bits.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in `0 ..< upperBound`, without modulo bias (Lemire's method).
    public mutating func nextIndex(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "the upper bound of a random index must be positive")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    private static func rotateLeft(_ value: UInt64, by amount: UInt64) -> UInt64 {
        (value << amount) | (value >> (64 - amount))
    }
}

extension Array {
    /// Shuffles in place with a Fisher–Yates pass driven by `generator`. Unlike the standard
    /// library's `shuffle(using:)`, the algorithm is fixed here, so results never change
    /// with the toolchain.
    mutating func seededShuffle(using generator: inout SeededGenerator) {
        guard count > 1 else { return }
        for index in stride(from: count - 1, to: 0, by: -1) {
            swapAt(index, generator.nextIndex(below: index + 1))
        }
    }
}
