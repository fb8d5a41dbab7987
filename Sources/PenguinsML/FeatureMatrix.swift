/// A dense matrix of numeric features: one row per observation, one column per feature,
/// stored row-major in a single contiguous array.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of observations.
    public let rowCount: Int
    /// Number of features per observation.
    public let columnCount: Int
    /// All values, row after row: the value of column `j` in row `i` is at `i * columnCount + j`.
    public let values: [Double]

    /// Builds a matrix from rows of equal length. An empty array gives a 0 × 0 matrix.
    public init(rows: [[Double]]) {
        let columnCount = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columnCount }, "every row of a feature matrix needs \(columnCount) values")
        self.rowCount = rows.count
        self.columnCount = columnCount
        self.values = rows.flatMap { $0 }
    }

    /// Wraps row-major values; `values.count` must be a multiple of `columnCount`.
    /// A `columnCount` of zero gives a matrix without rows.
    public init(columnCount: Int, values: [Double]) {
        precondition(columnCount >= 0, "a feature matrix cannot have a negative column count")
        precondition(columnCount == 0 ? values.isEmpty : values.count % columnCount == 0,
                     "\(values.count) values do not fill rows of \(columnCount) columns")
        self.init(columnCount: columnCount, values: values, rowCount: columnCount == 0 ? 0 : values.count / columnCount)
    }

    /// Keeps an explicit row count, which matters only when there are no columns.
    init(columnCount: Int, values: [Double], rowCount: Int) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// The values of row `index` as a slice of ``values`` (the slice keeps the indices of ``values``).
    public subscript(row index: Int) -> ArraySlice<Double> {
        values[index * columnCount ..< (index + 1) * columnCount]
    }

    /// The values of row `index` as a fresh array.
    public func row(_ index: Int) -> [Double] {
        Array(self[row: index])
    }

    /// The values of column `index`, one per row.
    public func column(_ index: Int) -> [Double] {
        precondition(index >= 0 && index < columnCount, "column \(index) is outside 0..<\(columnCount)")
        return (0..<rowCount).map { values[$0 * columnCount + index] }
    }

    /// A matrix made of the given rows, in the given order (rows may repeat).
    public func selecting(rows indices: [Int]) -> FeatureMatrix {
        var selected: [Double] = []
        selected.reserveCapacity(indices.count * columnCount)
        for index in indices {
            selected.append(contentsOf: self[row: index])
        }
        return FeatureMatrix(columnCount: columnCount, values: selected, rowCount: indices.count)
    }

    /// The rows at `indices` (ascending) of `matrix`, moved to the front of its own storage:
    /// no second matrix is allocated, which matters when the rows fill most of memory.
    public init(keeping indices: [Int], of matrix: consuming FeatureMatrix) {
        precondition(zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 }, "the rows kept must ascend")
        precondition(indices.last.map { $0 < matrix.rowCount } ?? true, "row \(indices.last ?? 0) is outside 0..<\(matrix.rowCount)")
        let columnCount = matrix.columnCount
        var values = (consume matrix).values
        values.withUnsafeMutableBufferPointer { buffer in
            // Each row moves down (or stays), over rows already moved or dropped.
            for (position, row) in indices.enumerated() where position != row {
                for column in 0..<columnCount { buffer[position * columnCount + column] = buffer[row * columnCount + column] }
            }
        }
        values.removeLast(values.count - indices.count * columnCount)
        self.init(columnCount: columnCount, values: values, rowCount: indices.count)
    }
}
