/// Standardises features to zero mean and unit variance: `(x - mean) / standardDeviation`.
///
/// The standard deviation is the sample one (divisor n - 1), as Spark's `StandardScaler`
/// uses. A column whose standard deviation is zero (constant, or fewer than two rows)
/// maps to 0, as in Spark.
public struct StandardScaler: Codable, Sendable, Equatable {
    /// Per-column mean of the fitted data.
    public var means: [Double]
    /// Per-column sample standard deviation (divisor n - 1) of the fitted data.
    public var standardDeviations: [Double]

    /// Creates a scaler from known statistics.
    public init(means: [Double], standardDeviations: [Double]) {
        precondition(means.count == standardDeviations.count, "a scaler needs one mean and one standard deviation per column")
        self.means = means
        self.standardDeviations = standardDeviations
    }

    /// Learns the column means and sample standard deviations of `x`
    /// (two passes over the data, for numerical accuracy).
    public static func fit(_ x: FeatureMatrix) -> StandardScaler {
        let columns = x.columnCount
        var sums = [Double](repeating: 0, count: columns)
        for row in 0..<x.rowCount {
            for column in 0..<columns { sums[column] += x.values[row * columns + column] }
        }
        let means = sums.map { x.rowCount > 0 ? $0 / Double(x.rowCount) : 0 }
        var squares = [Double](repeating: 0, count: columns)
        for row in 0..<x.rowCount {
            for column in 0..<columns {
                let deviation = x.values[row * columns + column] - means[column]
                squares[column] += deviation * deviation
            }
        }
        let deviations = squares.map { x.rowCount > 1 ? ($0 / Double(x.rowCount - 1)).squareRoot() : 0 }
        return StandardScaler(means: means, standardDeviations: deviations)
    }

    /// Standardises every row of `x`, which must have as many columns as the fitted data. A
    /// matrix handed over (`consume`) is scaled in place, without a copy.
    public func transform(_ x: consuming FeatureMatrix) -> FeatureMatrix {
        precondition(x.columnCount == means.count, "the scaler was fitted on \(means.count) columns, not \(x.columnCount)")
        let (rowCount, columnCount) = (x.rowCount, x.columnCount)
        var values = (consume x).values
        for index in values.indices {
            values[index] = scale(values[index], column: index % means.count)
        }
        return FeatureMatrix(columnCount: columnCount, values: values, rowCount: rowCount)
    }

    /// Standardises one row, which must have as many values as the fitted data has columns.
    public func transform(row: [Double]) -> [Double] {
        precondition(row.count == means.count, "the scaler was fitted on \(means.count) columns, not \(row.count)")
        return row.indices.map { scale(row[$0], column: $0) }
    }

    private func scale(_ value: Double, column: Int) -> Double {
        let deviation = standardDeviations[column]
        return deviation > 0 ? (value - means[column]) / deviation : 0
    }
}
