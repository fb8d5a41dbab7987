import Foundation

/// The descriptive summary of one numeric column.
///
/// Statistics are `nil` when they are undefined: every value statistic when there are no present
/// values, and the standard deviation when there are fewer than two.
public struct Summary: Codable, Sendable, Equatable {
    /// Number of present (non-missing) values.
    public var count: Int
    /// Number of missing values: `nil` entries and NaNs.
    public var missing: Int
    /// Arithmetic mean of the present values.
    public var mean: Double?
    /// Sample standard deviation (denominator `count - 1`); `nil` when `count < 2`.
    public var standardDeviation: Double?
    /// Smallest present value.
    public var minimum: Double?
    /// First quartile (numpy's default linear quantile at 0.25).
    public var q1: Double?
    /// Median (numpy's default linear quantile at 0.5).
    public var median: Double?
    /// Third quartile (numpy's default linear quantile at 0.75).
    public var q3: Double?
    /// Largest present value.
    public var maximum: Double?

    /// Creates a summary from its parts.
    public init(
        count: Int, missing: Int, mean: Double?, standardDeviation: Double?,
        minimum: Double?, q1: Double?, median: Double?, q3: Double?, maximum: Double?
    ) {
        self.count = count
        self.missing = missing
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.minimum = minimum
        self.q1 = q1
        self.median = median
        self.q3 = q3
        self.maximum = maximum
    }
}

/// Descriptive statistics of numeric columns.
public enum Descriptive {
    /// Summarizes a column: `nil` and NaN entries count as missing, the rest are described.
    ///
    /// Sorts the present values once; quantiles follow numpy's default (`method='linear'`).
    public static func summarize(_ values: [Double?]) -> Summary {
        var present: [Double] = []
        present.reserveCapacity(values.count)
        for value in values {
            if let value, !value.isNaN { present.append(value) }
        }
        let missing = values.count - present.count
        guard !present.isEmpty else {
            return Summary(
                count: 0, missing: missing, mean: nil, standardDeviation: nil,
                minimum: nil, q1: nil, median: nil, q3: nil, maximum: nil
            )
        }
        present = RadixSort.sorted(present)
        let mean = Self.mean(present)
        return Summary(
            count: present.count,
            missing: missing,
            mean: mean,
            standardDeviation: present.count >= 2 ? sampleStandardDeviation(present, mean: mean) : nil,
            minimum: present[0],
            q1: quantile(sorted: present, probability: 0.25),
            median: quantile(sorted: present, probability: 0.5),
            q3: quantile(sorted: present, probability: 0.75),
            maximum: present[present.count - 1]
        )
    }

    /// Summarizes a column without missing values.
    public static func summarize(_ values: [Double]) -> Summary {
        summarize(values.map { Optional($0) })
    }

    /// The quantile of ascending-sorted values at `probability` in [0, 1], exactly as numpy's
    /// default `np.quantile(values, probability)` (`method='linear'`, Hyndman & Fan type 7).
    ///
    /// - Precondition: `sorted` is non-empty and ascending.
    public static func quantile(sorted: [Double], probability: Double) -> Double {
        precondition(!sorted.isEmpty, "quantile of an empty sample is undefined")
        return linearQuantile(count: sorted.count, probability: probability) { sorted[$0] }
    }

    /// numpy's linear quantile at `probability` of a sorted sample of `count` values, reading
    /// the values it needs through `element` (the value at a 0-based position).
    static func linearQuantile(count: Int, probability: Double, element: (Int) -> Double) -> Double {
        let lastIndex = count - 1
        let virtualIndex = Double(lastIndex) * probability
        if virtualIndex <= 0 { return element(0) }
        if virtualIndex >= Double(lastIndex) { return element(lastIndex) }
        let previous = Int(virtualIndex.rounded(.down))
        let weight = virtualIndex - Double(previous)
        let below = element(previous)
        let above = element(previous + 1)
        // numpy's interpolation: from the nearer end, to stay exact at the bounds.
        let difference = above - below
        return weight >= 0.5 ? above - difference * (1 - weight) : below + difference * weight
    }

    /// The arithmetic mean of a non-empty sample, summed pairwise for accuracy.
    public static func mean(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { pairwiseSum($0) } / Double(values.count)
    }

    /// The sample standard deviation (denominator `n - 1`) given the sample's mean.
    public static func sampleStandardDeviation(_ values: [Double], mean: Double) -> Double {
        var sumOfSquares = 0.0
        var sumOfDeviations = 0.0
        for value in values {
            let deviation = value - mean
            sumOfSquares += deviation * deviation
            sumOfDeviations += deviation
        }
        // Corrected two-pass formula: removes the rounding left in the mean.
        let n = Double(values.count)
        let variance = (sumOfSquares - sumOfDeviations * sumOfDeviations / n) / (n - 1)
        return max(variance, 0).squareRoot()
    }

    /// Pairwise (cascade) summation: error grows with log(n) rather than n.
    static func pairwiseSum(_ values: UnsafeBufferPointer<Double>) -> Double {
        if values.count <= 128 {
            var sum = 0.0
            for value in values { sum += value }
            return sum
        }
        let half = values.count / 2
        return pairwiseSum(UnsafeBufferPointer(rebasing: values[..<half]))
            + pairwiseSum(UnsafeBufferPointer(rebasing: values[half...]))
    }
}
