import Foundation

/// The outcome of a two-sample Kolmogorov-Smirnov test.
public struct KolmogorovSmirnovResult: Codable, Sendable, Equatable {
    /// How the p-value was computed.
    public enum Method: String, Codable, Sendable {
        /// The exact null distribution of the two-sample statistic (lattice-path counting).
        case exact
        /// The one-sample Kolmogorov distribution at the effective size n₁n₂/(n₁+n₂).
        case asymptotic
    }

    /// The largest absolute difference between the two empirical CDFs.
    public var statistic: Double
    /// Two-sided p-value.
    public var pValue: Double
    /// How `pValue` was computed.
    public var method: Method
    /// Sizes of the reference and current samples.
    public var sampleSizes: SampleSizes
    /// The value at which the empirical CDFs differ most (0 when a sample is empty).
    public var statisticLocation: Double
    /// +1 when the reference's empirical CDF is above the current one there, -1 when below.
    public var statisticSign: Int

    /// Creates a result from its parts.
    public init(
        statistic: Double, pValue: Double, method: Method, sampleSizes: SampleSizes,
        statisticLocation: Double, statisticSign: Int
    ) {
        self.statistic = statistic
        self.pValue = pValue
        self.method = method
        self.sampleSizes = sampleSizes
        self.statisticLocation = statisticLocation
        self.statisticSign = statisticSign
    }

    /// Sizes of the two samples.
    public struct SampleSizes: Codable, Sendable, Equatable {
        /// Size of the reference sample.
        public var reference: Int
        /// Size of the current sample.
        public var current: Int

        /// Creates the pair of sizes.
        public init(reference: Int, current: Int) {
            self.reference = reference
            self.current = current
        }
    }
}

/// The two-sample Kolmogorov-Smirnov test, equal to `scipy.stats.ks_2samp(reference, current)`
/// with its defaults (two-sided, `method='auto'`).
///
/// With both samples of at most 10,000 values the p-value is exact: for equal sizes from the
/// alternating binomial series, otherwise from the probability that a random lattice path from
/// (0, 0) to (n₁, n₂) leaves the band |x/n₁ − y/n₂| < D. Above that it is the two-sided one-sample
/// Kolmogorov distribution at n = round(n₁n₂/(n₁+n₂)) (see `KolmogorovDistribution`). If the exact
/// computation is not representable in floating point, the asymptotic one is used, as scipy does.
public enum KolmogorovSmirnov {
    /// Largest sample size for which the exact distribution is used.
    public static let maximumExactSampleSize = 10_000

    /// Tests whether `reference` and `current` come from the same continuous distribution.
    ///
    /// Each sample is sorted once, then the two are merged in one pass; ties are handled as scipy
    /// does (the empirical CDFs are compared after every value equal to the current one).
    /// NaNs are dropped. An empty sample has nothing to test: the result is a statistic of 0 and
    /// a p-value of 1 (the result stays JSON-encodable: no NaN).
    public static func twoSample(_ reference: [Double], _ current: [Double]) -> KolmogorovSmirnovResult {
        twoSample(DistinctCounts(unsorted: reference), DistinctCounts(unsorted: current))
    }

    /// ``twoSample(_:_:)`` of two samples given by their distinct values and counts: the same
    /// result as for the samples written out, with no more work than their distinct values.
    public static func twoSample(_ first: DistinctCounts, _ second: DistinctCounts) -> KolmogorovSmirnovResult {
        let n1 = first.total
        let n2 = second.total
        let sizes = KolmogorovSmirnovResult.SampleSizes(reference: n1, current: n2)
        guard n1 > 0, n2 > 0 else {
            return KolmogorovSmirnovResult(
                statistic: 0, pValue: 1, method: .exact, sampleSizes: sizes, statisticLocation: 0, statisticSign: 1
            )
        }
        let extremes = largestDifferences(first, second)
        var statistic: Double
        var location: Double
        var sign: Int
        if extremes.minimum > extremes.maximum {
            (statistic, location, sign) = (extremes.minimum, extremes.minimumLocation, -1)
        } else {
            (statistic, location, sign) = (extremes.maximum, extremes.maximumLocation, 1)
        }

        if max(n1, n2) <= maximumExactSampleSize {
            let divisor = greatestCommonDivisor(n1, n2)
            let leastCommonMultiple = (n1 / divisor) * n2
            let h = Int((statistic * Double(leastCommonMultiple)).rounded(.toNearestOrEven))
            let latticeStatistic = Double(h) / Double(leastCommonMultiple)
            let probability: Double
            if h == 0 {
                probability = 1
            } else if n1 == n2 {
                probability = equalSizeExceedanceProbability(n: n1, h: h)
            } else {
                probability = bandExitProbability(n1, n2, divisor: divisor, h: h)
            }
            if probability.isFinite, probability >= 0, probability <= 1 {
                return KolmogorovSmirnovResult(
                    statistic: latticeStatistic, pValue: probability, method: .exact,
                    sampleSizes: sizes, statisticLocation: location, statisticSign: sign
                )
            }
            statistic = latticeStatistic
        }
        let larger = Double(max(n1, n2))
        let smaller = Double(min(n1, n2))
        let effectiveSize = (larger * smaller / (larger + smaller)).rounded(.toNearestOrEven)
        let probability = KolmogorovDistribution.survival(statistic, sampleSize: Int(effectiveSize))
        return KolmogorovSmirnovResult(
            statistic: statistic, pValue: min(max(probability, 0), 1), method: .asymptotic,
            sampleSizes: sizes, statisticLocation: location, statisticSign: sign
        )
    }

    /// Largest positive and negative differences F₁ − F₂ of the empirical CDFs over all values,
    /// with the values where they occur (the first one, preferring values of the first sample).
    static func largestDifferences(_ first: DistinctCounts, _ second: DistinctCounts)
        -> (maximum: Double, maximumLocation: Double, minimum: Double, minimumLocation: Double)
    {
        let n1 = Double(first.total)
        let n2 = Double(second.total)
        // Positions in the distinct values, and the values at or below the current one.
        var (i, j, below1, below2) = (0, 0, 0, 0)
        var maximum = -Double.infinity
        var maximumLocation = Double.nan
        var maximumInFirst = false
        var minimum = Double.infinity
        var minimumLocation = Double.nan
        var minimumInFirst = false
        let (a, b) = (first.values, second.values)
        while i < a.count || j < b.count {
            let value = j == b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
            let inFirst = i < a.count && a[i] == value
            if inFirst { below1 += first.counts[i]; i += 1 }
            if j < b.count && b[j] == value { below2 += second.counts[j]; j += 1 }
            let difference = Double(below1) / n1 - Double(below2) / n2
            if difference > maximum || (difference == maximum && inFirst && !maximumInFirst) {
                (maximum, maximumLocation, maximumInFirst) = (difference, value, inFirst)
            }
            if difference < minimum || (difference == minimum && inFirst && !minimumInFirst) {
                (minimum, minimumLocation, minimumInFirst) = (difference, value, inFirst)
            }
        }
        return (maximum, maximumLocation, min(max(-minimum, 0), 1), minimumLocation)
    }

    /// P(D ≥ h/n) for two samples of equal size n:
    /// 2 Σ_{k≥1} (−1)^{k+1} C(2n, n − kh) / C(2n, n), evaluated as nested products
    /// 2 A₁(1 − A₂(1 − A₃(…))) with A_k = C(2n, n − kh) / C(2n, n − (k−1)h), so that no large
    /// binomial coefficient is ever formed and the alternating sum does not cancel.
    static func equalSizeExceedanceProbability(n: Int, h: Int) -> Double {
        var nested = 0.0
        var k = n / h + 1
        while k >= 1 {
            // A_k = Π_{j<h} (n − (k−1)h − j) / (n + (k−1)h + j + 1)
            let shift = (k - 1) * h
            var ratio = 1.0
            for j in 0..<h {
                ratio = ratio * Double(n - shift - j) / Double(n + shift + j + 1)
            }
            nested = ratio * (1 - nested)
            k -= 1
        }
        return 2 * nested
    }

    /// The probability that a uniformly random monotone lattice path from (0, 0) to (m, n)
    /// touches or leaves the band |x/m − y/n| < h / lcm(m, n).
    ///
    /// Works column by column with q(x, y), the probability that a random path to (x, y) has
    /// already left the band: q = 1 outside the band, and inside
    /// q(x, y) = (x q(x−1, y) + y q(x, y−1)) / (x + y), since a random path to (x, y) comes from
    /// the left with probability x/(x+y). Only the band's cells are updated (O(m · band width)),
    /// and every value stays a probability, so nothing overflows.
    static func bandExitProbability(_ first: Int, _ second: Int, divisor: Int, h: Int) -> Double {
        let m = max(first, second)
        let n = min(first, second)
        let mReduced = m / divisor
        let nReduced = n / divisor
        // Column x's band: |nReduced·x − mReduced·y| < h, i.e. low(x) ≤ y < high(x).
        func low(_ x: Int) -> Int { min(max(floorDivide(nReduced * x - h, mReduced) + 1, 0), n) }
        func high(_ x: Int) -> Int { min(ceilDivide(nReduced * x + h, mReduced), n + 1) }
        var q = [Double](repeating: 1, count: n + 1)
        var previousLow = 0
        for y in 0..<high(0) { q[y] = 0 }
        for x in 1...m {
            let lower = low(x)
            let upper = high(x)
            if upper <= lower { return 1 }
            // Cells that fell below the band in this column are outside: probability 1.
            if previousLow < lower {
                for y in previousLow..<lower { q[y] = 1 }
            }
            let xValue = Double(x)
            var below = lower == 0 ? 0.0 : 1.0
            for y in lower..<upper {
                let yValue = Double(y)
                below = (q[y] * xValue + below * yValue) / (xValue + yValue)
                q[y] = below
            }
            previousLow = lower
        }
        return q[n]
    }

    static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }

    private static func ceilDivide(_ a: Int, _ b: Int) -> Int {
        -floorDivide(-a, b)
    }
}
