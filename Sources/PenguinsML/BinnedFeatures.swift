import Dispatch

/// The training features discretised into bins, column-major, one byte per value.
///
/// Each feature has ascending split thresholds; a value falls in bin `b` when
/// `thresholds[b - 1] < value <= thresholds[b]`, so splitting after bin `b` is the test
/// `value <= thresholds[b]`. The thresholds are chosen as Spark's `findSplits` chooses them.
struct BinnedFeatures: Sendable {
    let rowCount: Int
    let featureCount: Int
    /// Per feature, its ascending thresholds; the feature has `thresholds.count + 1` bins.
    let thresholds: [[Double]]
    /// The bin of feature `f` in row `r` is at `f * rowCount + r`.
    let bins: [UInt8]

    /// Bins `x` with thresholds found by ``findThresholds(_:maxBins:seed:)``.
    init(_ x: FeatureMatrix, maxBins: Int, seed: UInt64) {
        precondition(maxBins <= 256, "bins are stored in one byte")
        let thresholds = Self.findThresholds(x, maxBins: maxBins, seed: seed)
        let rowCount = x.rowCount
        let featureCount = x.columnCount
        var bins = [UInt8](repeating: 0, count: rowCount * featureCount)
        if rowCount > 0 {
            x.values.withUnsafeBufferPointer { valueBuffer in
                bins.withUnsafeMutableBufferPointer { binBuffer in
                    let values = SharedReadPointer(valueBuffer)
                    let output = DisjointWritePointer(binBuffer)
                    // One column per iteration: each writes only its own column.
                    DispatchQueue.concurrentPerform(iterations: featureCount) { feature in
                        thresholds[feature].withUnsafeBufferPointer { cuts in
                            for row in 0..<rowCount {
                                let bin = Self.bin(of: values[row * featureCount + feature], thresholds: cuts)
                                output.base[feature * rowCount + row] = UInt8(bin)
                            }
                        }
                    }
                }
            }
        }
        self.rowCount = rowCount
        self.featureCount = featureCount
        self.thresholds = thresholds
        self.bins = bins
    }

    /// The number of thresholds below `value`: the first index whose threshold is `>= value`.
    /// A branch-free binary search (the selects compile to conditional moves).
    static func bin(of value: Double, thresholds: UnsafeBufferPointer<Double>) -> Int {
        var remaining = thresholds.count
        guard remaining > 0 else { return 0 }
        var base = 0
        while remaining > 1 {
            let half = remaining / 2
            base = thresholds[base + half] < value ? base + half : base
            remaining -= half
        }
        return base + (thresholds[base] < value ? 1 : 0)
    }

    /// Split thresholds per feature, as Spark's `findSplits` computes them for continuous
    /// features: from a seeded Bernoulli sample of about `max(maxBins², 10 000)` rows, the
    /// sorted distinct values with their counts give `min(maxBins, rowCount) - 1` candidate
    /// splits at most. With few distinct values every midpoint between neighbours is a
    /// threshold; otherwise midpoints are placed near equal-frequency quantiles.
    /// A constant feature gets no threshold (a single bin).
    static func findThresholds(_ x: FeatureMatrix, maxBins: Int, seed: UInt64) -> [[Double]] {
        let requiredSamples = max(maxBins * maxBins, 10_000)
        var sampleRows: [Int]
        if requiredSamples < x.rowCount {
            let fraction = Double(requiredSamples) / Double(x.rowCount)
            var generator = SeededGenerator(seed: SeededGenerator.derivedSeed(seed, stream: -1))
            sampleRows = []
            sampleRows.reserveCapacity(requiredSamples + requiredSamples / 10)
            for row in 0..<x.rowCount where generator.nextUnitInterval() < fraction {
                sampleRows.append(row)
            }
        } else {
            sampleRows = Array(0..<x.rowCount)
        }
        let splitCount = min(maxBins, x.rowCount) - 1
        return (0..<x.columnCount).map { feature in
            let sample = sampleRows.map { x.values[$0 * x.columnCount + feature] }
            return thresholds(sample: sample, splitCount: splitCount)
        }
    }

    /// Spark's `findSplitsForContinuousFeature` for one feature's sampled values.
    static func thresholds(sample: [Double], splitCount: Int) -> [Double] {
        guard !sample.isEmpty, splitCount > 0 else { return [] }
        var distinctValues: [Double] = []
        var counts: [Int] = []
        for value in sample.sorted() {
            if value == distinctValues.last {
                counts[counts.count - 1] += 1
            } else {
                distinctValues.append(value)
                counts.append(1)
            }
        }
        let possibleSplits = distinctValues.count - 1
        if possibleSplits <= splitCount {
            return (0..<possibleSplits).map { (distinctValues[$0] + distinctValues[$0 + 1]) / 2 }
        }
        // Walk the cumulative counts; whenever adding the next value would move the running
        // count further from the next equal-frequency target, split before that value.
        let stride = Double(sample.count) / Double(splitCount + 1)
        var thresholds: [Double] = []
        var currentCount = Double(counts[0])
        var targetCount = stride
        for index in 1..<distinctValues.count {
            let previousCount = currentCount
            currentCount += Double(counts[index])
            if abs(previousCount - targetCount) < abs(currentCount - targetCount) {
                thresholds.append((distinctValues[index - 1] + distinctValues[index]) / 2)
                targetCount += stride
            }
        }
        // Never more than `splitCount` thresholds, so every bin index fits in a byte.
        return Array(thresholds.prefix(splitCount))
    }
}
