import Foundation

/// The sums of products `Σ zᵢ zⱼ` of a set of rows `z` (a symmetric d × d matrix): what an OLS
/// fit needs of its rows (with `z₀ = 1`, the first row and column count the rows and sum each
/// variable). Sums of disjoint sets of rows add up, so they can be kept per part of the data and
/// combined, and brought up to date with new rows alone.
public struct CrossProducts: Sendable, Equatable {
    /// The variables of each row.
    public let size: Int
    /// The upper triangle, row-major in a `size × size` array (the lower one is unused).
    private var sums: [Double]

    /// The sums of no rows of `size` variables.
    public init(size: Int) {
        self.size = size
        sums = Array(repeating: 0, count: size * size)
    }

    /// `Σ zᵢ zⱼ`, in either order of the indices.
    public subscript(_ i: Int, _ j: Int) -> Double {
        i <= j ? sums[i * size + j] : sums[j * size + i]
    }

    /// Adds one row given by its non-zero entries: `indices` ascending, `values` beside them.
    public mutating func add(indices: [Int], values: [Double]) {
        indices.withUnsafeBufferPointer { indices in
            values.withUnsafeBufferPointer { values in add(indices: indices, values: values) }
        }
    }

    /// Adds one row given by its non-zero entries: `indices` ascending, `values` beside them
    /// (the first `indices.count`), its products times `weight` (-1 takes out a row added before).
    public mutating func add(indices: UnsafeBufferPointer<Int>, values: UnsafeBufferPointer<Double>, weight: Double = 1) {
        let size = self.size
        sums.withUnsafeMutableBufferPointer { sums in
            for a in 0..<indices.count {
                let (row, value) = (indices[a] * size, values[a] * weight)
                for b in a..<indices.count { sums[row + indices[b]] += value * values[b] }
            }
        }
    }

    /// Adds the sums of other rows of the same variables.
    public static func += (lhs: inout CrossProducts, rhs: CrossProducts) {
        precondition(lhs.size == rhs.size, "cross products of different variables cannot be added")
        for index in lhs.sums.indices { lhs.sums[index] += rhs.sums[index] }
    }

    /// The sums of the variables at `indices` alone, in that order.
    public func restricted(to indices: [Int]) -> CrossProducts {
        var restricted = CrossProducts(size: indices.count)
        for (a, i) in indices.enumerated() {
            for b in a..<indices.count { restricted.sums[a * indices.count + b] = self[i, indices[b]] }
        }
        return restricted
    }

    /// `Σ (w · z)²`: the sum of squares of a linear combination of the variables.
    public func quadraticForm(_ weights: [Double]) -> Double {
        precondition(weights.count == size, "one weight per variable")
        var total = 0.0
        for i in 0..<size where weights[i] != 0 {
            total += weights[i] * weights[i] * self[i, i]
            for j in (i + 1)..<size where weights[j] != 0 { total += 2 * weights[i] * weights[j] * self[i, j] }
        }
        return total
    }
}

extension CrossProducts: Codable {
    private enum CodingKeys: String, CodingKey { case size, sums }

    /// Sums saved by ``encode(to:)``; their number must be `size × size`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        size = try container.decode(Int.self, forKey: .size)
        sums = try container.decode([Double].self, forKey: .sums)
        guard size >= 0, sums.count == size * size else {
            throw DecodingError.dataCorruptedError(forKey: .sums, in: container, debugDescription: "\(sums.count) sums for \(size) variables")
        }
    }
}
