/// A numeric sample held as how many times each distinct value occurs, and how many values are
/// missing: exact, and mergeable (the counts of two samples add up to those of both), so a
/// summary can be kept and brought up to date with new values alone.
///
/// It is small while the sample has few distinct values, as measured data has (a length to a
/// tenth of a millimetre, a mass to the gram): ``distinctCount`` tells the caller when it is not.
/// Its ``summary()`` has the same count, missing values, minimum, quartiles and maximum as
/// ``Descriptive/summarize(_:)-([Double?])`` of the sample (numpy's linear quantiles, exactly)
/// and the same mean and standard deviation up to the rounding of a different summation order.
public struct ValueCounts: Sendable, Equatable, Codable {
    /// Occurrences of each present value (`-0.0` counted as `0.0`).
    public private(set) var counts: [Double: Int] = [:]
    /// Missing values: NaNs.
    public private(set) var missing = 0

    public init() {}

    /// The counts of `values`, NaN meaning missing.
    public init(_ values: some Sequence<Double>) {
        for value in values { add(value) }
    }

    /// The number of distinct present values.
    public var distinctCount: Int { counts.count }

    /// The number of present values.
    public var presentCount: Int { counts.values.reduce(0, +) }

    /// The sum of the present values (compensated: as accurate as a pairwise sum).
    public var sum: Double {
        var sum = CompensatedSum()
        for (value, count) in counts { sum.add(value * Double(count)) }
        return sum.value
    }

    /// Counts one more value; NaN is a missing one.
    public mutating func add(_ value: Double) {
        if value.isNaN { missing += 1 } else { counts[value, default: 0] += 1 }
    }

    /// Counts `value` `count` more times (fewer when `count` is negative: values taken out of
    /// the sample); NaN is a missing one. Answers false when more were taken out than the
    /// sample held (it then holds none of them): the counts no longer describe the sample.
    @discardableResult
    public mutating func add(_ value: Double, count: Int) -> Bool {
        if value.isNaN {
            missing += count
            guard missing < 0 else { return true }
            missing = 0
            return false
        } else if count < 0 {
            let left = (counts[value] ?? 0) + count
            counts[value] = left <= 0 ? nil : left
            return left >= 0
        } else {
            counts[value, default: 0] += count
            return true
        }
    }

    /// Adds the counts of `other`.
    public mutating func merge(_ other: ValueCounts) {
        missing += other.missing
        counts.merge(other.counts, uniquingKeysWith: +)
    }

    /// The summary of the sample.
    public func summary() -> Summary {
        let values = counts.keys.sorted()
        guard !values.isEmpty else {
            return Summary(
                count: 0, missing: missing, mean: nil, standardDeviation: nil,
                minimum: nil, q1: nil, median: nil, q3: nil, maximum: nil
            )
        }
        // ends[i]: how many present values are at most values[i].
        var ends: [Int] = []
        ends.reserveCapacity(values.count)
        var total = 0
        for value in values {
            total += counts[value]!
            ends.append(total)
        }
        let n = Double(total)
        var sum = CompensatedSum()
        for value in values { sum.add(value * Double(counts[value]!)) }
        let mean = sum.value / n
        var standardDeviation: Double?
        if total >= 2 {
            // The corrected two-pass formula of `Descriptive.sampleStandardDeviation`.
            var squares = CompensatedSum(), deviations = CompensatedSum()
            for value in values {
                let deviation = value - mean, count = Double(counts[value]!)
                squares.add(deviation * deviation * count)
                deviations.add(deviation * count)
            }
            let variance = (squares.value - deviations.value * deviations.value / n) / (n - 1)
            standardDeviation = max(variance, 0).squareRoot()
        }
        /// The value at `position` (0-based) of the sorted sample.
        func element(_ position: Int) -> Double {
            var low = 0, high = ends.count - 1
            while low < high {
                let middle = (low + high) / 2
                if ends[middle] > position { high = middle } else { low = middle + 1 }
            }
            return values[low]
        }
        func quantile(_ probability: Double) -> Double {
            Descriptive.linearQuantile(count: total, probability: probability, element: element)
        }
        return Summary(
            count: total, missing: missing, mean: mean, standardDeviation: standardDeviation,
            minimum: values[0], q1: quantile(0.25), median: quantile(0.5), q3: quantile(0.75), maximum: values[values.count - 1]
        )
    }
}

/// Neumaier's compensated summation: the rounding of each addition is carried along, so the
/// sum of many products stays as accurate as a pairwise sum of the values.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ term: Double) {
        let next = sum + term
        if abs(sum) >= abs(term) {
            compensation += (sum - next) + term
        } else {
            compensation += (term - next) + sum
        }
        sum = next
    }

    var value: Double { sum + compensation }
}
