/// A sample as its distinct values in ascending order, each with how often it occurs: all the
/// two-sample tests read of a sample, whatever its size (a warehouse's kept value counts, or a
/// sorted array run-length encoded).
public struct DistinctCounts: Sendable, Equatable {
    /// The distinct values, ascending.
    public let values: [Double]
    /// How often each of ``values`` occurs.
    public let counts: [Int]
    /// The number of values in all.
    public let total: Int

    /// The counts of an ascending array without NaNs.
    public init(sorted: [Double]) {
        var values: [Double] = []
        var counts: [Int] = []
        for value in sorted {
            if value == values.last { counts[counts.count - 1] += 1 } else { values.append(value); counts.append(1) }
        }
        self.values = values
        self.counts = counts
        total = sorted.count
    }

    /// The counts of `values`, NaNs dropped.
    public init(unsorted values: [Double]) {
        self.init(sorted: RadixSort.sorted(values.filter { !$0.isNaN }))
    }

    /// The present values of `counts` (its missing ones left out).
    public init(_ counts: ValueCounts) {
        let sorted = counts.counts.sorted { $0.key < $1.key }
        values = sorted.map(\.key)
        self.counts = sorted.map(\.value)
        total = self.counts.reduce(0, +)
    }
}
