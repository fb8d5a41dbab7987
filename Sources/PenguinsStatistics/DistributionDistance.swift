import Foundation

/// Distances between two samples' distributions, for samples too large for a test's p-value to
/// mean much: every shift of a million rows is "significant", while a distance says how far.
public enum DistributionDistance {
    /// The first Wasserstein (earth mover's) distance between the empirical distributions of
    /// two samples: the area between their CDFs, ∫ |F_a(x) − F_b(x)| dx. Equal to
    /// `scipy.stats.wasserstein_distance(a, b)`. NaNs are left out; 0 when either sample is empty.
    public static func wasserstein(_ a: [Double], _ b: [Double]) -> Double {
        let first = RadixSort.sorted(a.filter { !$0.isNaN })
        let second = RadixSort.sorted(b.filter { !$0.isNaN })
        guard !first.isEmpty, !second.isEmpty else { return 0 }
        let (n1, n2) = (Double(first.count), Double(second.count))
        // Walk the merged values in order; between two consecutive ones both CDFs are constant.
        var i = 0
        var j = 0
        var area = 0.0
        var previous = min(first[0], second[0])
        while i < first.count || j < second.count {
            let next = j == second.count || (i < first.count && first[i] <= second[j]) ? first[i] : second[j]
            area += abs(Double(i) / n1 - Double(j) / n2) * (next - previous)
            previous = next
            while i < first.count && first[i] == next { i += 1 }
            while j < second.count && second[j] == next { j += 1 }
        }
        return area
    }

    /// ``wasserstein(_:_:)`` divided by the reference's standard deviation (population, at least
    /// 0.001): the normed distance Evidently compares with 0.1.
    public static func normedWasserstein(reference: [Double], current: [Double]) -> Double {
        let values = reference.filter { !$0.isNaN }
        guard !values.isEmpty else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
        return wasserstein(reference, current) / max(deviation, 0.001)
    }

    /// The Jensen–Shannon distance (natural logarithm, so at most √ln 2) between two samples of a
    /// categorical variable, from their counts over the union of their levels. Equal to
    /// `scipy.spatial.distance.jensenshannon(p, q)` on the two share vectors. 0 when either is empty.
    public static func jensenShannon(reference: [String: Int], current: [String: Int]) -> Double {
        let levels = Set(reference.keys).union(current.keys).sorted()
        let p = levels.map { Double(reference[$0, default: 0]) }
        let q = levels.map { Double(current[$0, default: 0]) }
        let (pTotal, qTotal) = (p.reduce(0, +), q.reduce(0, +))
        guard pTotal > 0, qTotal > 0 else { return 0 }
        var divergence = 0.0
        for index in levels.indices {
            let (a, b) = (p[index] / pTotal, q[index] / qTotal)
            let middle = (a + b) / 2
            if a > 0 { divergence += a * log(a / middle) }
            if b > 0 { divergence += b * log(b / middle) }
        }
        return max(divergence / 2, 0).squareRoot()
    }
}
