import Foundation

/// The population stability index of a current sample against a reference one.
public struct PSIResult: Codable, Sendable, Equatable {
    /// How far the current distribution has moved, by the conventional thresholds.
    public enum Verdict: String, Codable, Sendable {
        /// PSI < 0.1: no meaningful shift.
        case stable
        /// 0.1 ≤ PSI < 0.25: a moderate shift worth watching.
        case moderate
        /// PSI ≥ 0.25: a significant shift.
        case significant

        /// The verdict for a PSI value.
        public init(value: Double) {
            if value < 0.1 {
                self = .stable
            } else if value < 0.25 {
                self = .moderate
            } else {
                self = .significant
            }
        }
    }

    /// Σ (current − reference) · ln(current / reference) over the bins' shares.
    public var value: Double
    /// Inner bin edges (bins − 1 of them), the reference's quantiles at 1/bins, 2/bins, ….
    public var binEdges: [Double]
    /// Share of the reference sample in each bin (before the empty-bin floor).
    public var referenceShares: [Double]
    /// Share of the current sample in each bin (before the empty-bin floor).
    public var currentShares: [Double]
    /// The verdict for `value`.
    public var verdict: Verdict

    /// Creates a result from its parts.
    public init(value: Double, binEdges: [Double], referenceShares: [Double], currentShares: [Double], verdict: Verdict) {
        self.value = value
        self.binEdges = binEdges
        self.referenceShares = referenceShares
        self.currentShares = currentShares
        self.verdict = verdict
    }
}

/// The population stability index (PSI), a binned measure of distribution shift.
///
/// Definition used across the platform (and by the reference computation in the fixtures):
/// - edges: the reference's quantiles at k/bins for k = 1…bins−1 (numpy's default linear
///   quantile), so each bin holds about 1/bins of the reference;
/// - bins are right-closed, (edge[i−1], edge[i]], with open outer bins (−∞, edge[0]] and
///   (edge[last], +∞), so every value lands in a bin;
/// - an empty bin's share is replaced by `emptyBinShare` (1e-4) in the formula so the logarithm
///   stays finite; the reported shares are the raw ones;
/// - PSI = Σ (current − reference) · ln(current / reference).
/// Duplicate edges (heavily tied reference values) simply leave empty bins in both samples,
/// which contribute 0. NaNs are dropped; if either sample is then empty there is nothing to
/// compare and the result is 0 (stable) with zero shares.
public enum PopulationStabilityIndex {
    /// The share used in place of 0 for a bin with no values.
    public static let emptyBinShare = 1e-4

    /// Computes the PSI of `current` against `reference` over `bins` (≥ 2) reference-quantile bins.
    public static func compute(reference: [Double], current: [Double], bins: Int = 10) -> PSIResult {
        compute(reference: reference, current: DistinctCounts(unsorted: current), bins: bins)
    }

    /// ``compute(reference:current:bins:)`` with the current sample given by its distinct
    /// values and counts: the same result as for the sample written out.
    public static func compute(reference: [Double], current: DistinctCounts, bins: Int = 10) -> PSIResult {
        precondition(bins >= 2, "PSI needs at least two bins")
        let sortedReference = RadixSort.sorted(reference.filter { !$0.isNaN })
        guard !sortedReference.isEmpty, current.total > 0 else {
            let zeros = [Double](repeating: 0, count: bins)
            return PSIResult(value: 0, binEdges: [], referenceShares: zeros, currentShares: zeros, verdict: .stable)
        }
        let edges = (1..<bins).map {
            Descriptive.quantile(sorted: sortedReference, probability: Double($0) / Double(bins))
        }
        let referenceShares = shares(DistinctCounts(sorted: sortedReference), edges: edges)
        let currentShares = shares(current, edges: edges)
        var value = 0.0
        for (referenceShare, currentShare) in zip(referenceShares, currentShares) {
            let expected = max(referenceShare, emptyBinShare)
            let actual = max(currentShare, emptyBinShare)
            value += (actual - expected) * log(actual / expected)
        }
        return PSIResult(
            value: value, binEdges: edges, referenceShares: referenceShares,
            currentShares: currentShares, verdict: PSIResult.Verdict(value: value)
        )
    }

    /// The fraction of a sample in each right-closed bin delimited by `edges`.
    static func shares(_ sample: DistinctCounts, edges: [Double]) -> [Double] {
        var counts = [Int](repeating: 0, count: edges.count + 1)
        var bin = 0
        for (value, count) in zip(sample.values, sample.counts) {
            // Values ascend, so the bin index only moves forward.
            while bin < edges.count && value > edges[bin] { bin += 1 }
            counts[bin] += count
        }
        let total = Double(sample.total)
        return counts.map { Double($0) / total }
    }
}
