import Foundation

/// A small, fast, seeded random number generator (SplitMix64): the same seed gives the same
/// sequence on every platform, which makes synthetic data reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable, Codable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}

/// Standard normal values from a ``SplitMix64`` by the Marsaglia polar method.
struct NormalSampler: Sendable {
    private var generator: SplitMix64
    private var spare: Double?

    init(seed: UInt64) {
        generator = SplitMix64(seed: seed)
    }

    mutating func nextUniform() -> Double { generator.nextUniform() }

    mutating func nextNormal() -> Double {
        if let spare {
            self.spare = nil
            return spare
        }
        while true {
            let u = 2 * generator.nextUniform() - 1
            let v = 2 * generator.nextUniform() - 1
            let s = u * u + v * v
            guard s > 0, s < 1 else { continue }
            let factor = (-2 * log(s) / s).squareRoot()
            spare = v * factor
            return u * factor
        }
    }
}
