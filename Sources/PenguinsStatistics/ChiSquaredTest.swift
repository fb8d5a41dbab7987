import Foundation

/// The outcome of a chi-squared test.
public struct ChiSquaredResult: Codable, Sendable, Equatable {
    /// Pearson's statistic Σ (observed − expected)² / expected.
    public var statistic: Double
    /// Degrees of freedom: number of categories − 1.
    public var degreesOfFreedom: Int
    /// P(χ² ≥ statistic).
    public var pValue: Double

    /// Creates a result from its parts.
    public init(statistic: Double, degreesOfFreedom: Int, pValue: Double) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = pValue
    }
}

/// Pearson's chi-squared test of homogeneity for category counts.
public enum ChiSquaredTest {
    /// Tests whether two samples of a categorical variable share one distribution, from their
    /// counts per category; equal to `scipy.stats.chi2_contingency(table, correction=False)` on
    /// the 2 × k table [reference counts; current counts].
    ///
    /// Categories with no count in either sample are dropped. With fewer than two categories
    /// left, or an empty sample, there is no distribution to compare: the result has statistic 0,
    /// 0 degrees of freedom and p-value 1.
    public static func homogeneity(reference: [String: Int], current: [String: Int]) -> ChiSquaredResult {
        let categories = Set(reference.keys).union(current.keys)
            .filter { reference[$0, default: 0] + current[$0, default: 0] > 0 }
            .sorted()
        let rows = [
            categories.map { Double(reference[$0, default: 0]) },
            categories.map { Double(current[$0, default: 0]) },
        ]
        let rowTotals = rows.map { $0.reduce(0, +) }
        let total = rowTotals[0] + rowTotals[1]
        guard categories.count >= 2, rowTotals[0] > 0, rowTotals[1] > 0 else {
            return ChiSquaredResult(statistic: 0, degreesOfFreedom: 0, pValue: 1)
        }
        var statistic = 0.0
        for column in categories.indices {
            let columnTotal = rows[0][column] + rows[1][column]
            for row in 0..<2 {
                let expected = rowTotals[row] * columnTotal / total
                let difference = rows[row][column] - expected
                statistic += difference * difference / expected
            }
        }
        let degreesOfFreedom = categories.count - 1
        return ChiSquaredResult(
            statistic: statistic,
            degreesOfFreedom: degreesOfFreedom,
            pValue: SpecialFunctions.chiSquaredSurvival(statistic, degreesOfFreedom: Double(degreesOfFreedom))
        )
    }
}
