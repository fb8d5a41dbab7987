import Foundation

extension OLS {
    /// A centered sum of squares at most this fraction of the uncentered one (of values taken
    /// from an origin near them) is rounding: the variable is constant.
    static let constantTolerance = 1e-12
    /// A term whose variance left after the terms before it is at most this fraction of its own
    /// is a linear combination of them.
    static let collinearTolerance = 1e-9

    /// Fits `target ~ 1 + predictors` from the cross products of its rows instead of the rows:
    /// the same model as ``fit(target:targetName:predictors:)`` up to rounding (the centered
    /// normal equations solved by Cholesky, exact for the well-conditioned designs of measured
    /// data; coefficients agree with the QR fit to about 1e-10).
    ///
    /// - Parameters:
    ///   - products: sums over the rows of `z = [1, t₁ − o₁, …, t_q − o_q, y − o_y]`, where
    ///     `t` are the terms of `encodings` in order (a numeric predictor's value, a categorical
    ///     one's indicator of each level after the first) and `o` their `origins`: any value
    ///     near the data, which keeps the sums from losing digits (0 for indicators).
    ///   - origins: one per term, then the target's.
    ///   - encodings: the predictors, with each categorical one's levels as seen in the rows.
    /// - Throws: `RegressionError` as ``fit(target:targetName:predictors:)`` does.
    public static func fit(
        products: CrossProducts, origins: [Double], targetName: String, encodings: [PredictorEncoding]
    ) throws -> OLSModel {
        guard !encodings.isEmpty else { throw RegressionError.noPredictors }
        var termNames = ["intercept"]
        var termPredictors = ["intercept"]
        for encoding in encodings {
            termNames += encoding.termNames
            termPredictors += encoding.termNames.map { _ in encoding.name }
        }
        let q = termNames.count - 1
        precondition(products.size == q + 2 && origins.count == q + 1, "one product row per term and the target")
        let rows = products[0, 0]
        let n = Int(rows.rounded())
        // Centered sums of products of the terms and the target (indices 0..<q terms, q target).
        var centered = [Double](repeating: 0, count: (q + 1) * (q + 1))
        for i in 0...q {
            for j in i...q {
                let value = products[i + 1, j + 1] - products[0, i + 1] * products[0, j + 1] / rows
                centered[i * (q + 1) + j] = value
                centered[j * (q + 1) + i] = value
            }
        }
        func isConstant(_ index: Int) -> Bool {
            centered[index * (q + 1) + index] <= constantTolerance * products[index + 1, index + 1]
        }
        var term = 0
        for encoding in encodings {
            if encoding.kind == .numeric, isConstant(term) { throw RegressionError.constantPredictor(predictor: encoding.name) }
            term += encoding.termNames.count
        }
        guard n > q + 1 else { throw RegressionError.tooFewObservations(observations: n, terms: q + 1) }
        let totalSumOfSquares = centered[q * (q + 1) + q]
        guard totalSumOfSquares > 0, !isConstant(q) else { throw RegressionError.constantTarget(target: targetName) }

        // Cholesky factor L of the terms' centered products (row-major, lower triangle).
        var l = [Double](repeating: 0, count: q * q)
        for j in 0..<q {
            var pivot = centered[j * (q + 1) + j]
            for k in 0..<j { pivot -= l[j * q + k] * l[j * q + k] }
            guard pivot > collinearTolerance * centered[j * (q + 1) + j] else {
                throw RegressionError.collinear(
                    term: termNames[j + 1], predictor: termPredictors[j + 1], earlierTerms: Array(termNames[...j])
                )
            }
            let diagonal = pivot.squareRoot()
            l[j * q + j] = diagonal
            for i in (j + 1)..<q {
                var sum = centered[i * (q + 1) + j]
                for k in 0..<j { sum -= l[i * q + k] * l[j * q + k] }
                l[i * q + j] = sum / diagonal
            }
        }
        /// Solves L x = b.
        func forward(_ b: [Double]) -> [Double] {
            var x = b
            for i in 0..<q {
                for k in 0..<i { x[i] -= l[i * q + k] * x[k] }
                x[i] /= l[i * q + i]
            }
            return x
        }
        let cross = (0..<q).map { centered[$0 * (q + 1) + q] }
        let projected = forward(cross)
        var slopes = projected
        for i in stride(from: q - 1, through: 0, by: -1) {
            for k in (i + 1)..<q { slopes[i] -= l[k * q + i] * slopes[k] }
            slopes[i] /= l[i * q + i]
        }
        let residualSumOfSquares = totalSumOfSquares - projected.reduce(0) { $0 + $1 * $1 }
        // The terms' means in their own units, and the intercept from them.
        let means = (0...q).map { products[0, $0 + 1] / rows + origins[$0] }
        var intercept = means[q]
        for k in 0..<q { intercept -= slopes[k] * means[k] }
        // diag (XᵀX)⁻¹: a slope's is that of the inverse centered products, the squared norm of
        // a column of L⁻¹; the intercept's 1/n + m̄ᵀ C⁻¹ m̄ with m̄ the terms' means.
        var inverseDiagonal = [Double](repeating: 0, count: q + 1)
        for j in 0..<q {
            var unit = [Double](repeating: 0, count: q)
            unit[j] = 1
            inverseDiagonal[j + 1] = forward(unit).reduce(0) { $0 + $1 * $1 }
        }
        inverseDiagonal[0] = 1 / rows + forward(Array(means[..<q])).reduce(0) { $0 + $1 * $1 }
        return model(
            targetName: targetName, termNames: termNames, encodings: encodings, observations: n,
            estimates: [intercept] + slopes, inverseDiagonal: inverseDiagonal,
            residualSumOfSquares: residualSumOfSquares, totalSumOfSquares: totalSumOfSquares
        )
    }

    /// The residual sum of squares of `model` over rows given by their cross products, laid out
    /// as for ``fit(products:origins:targetName:encodings:)`` with the model's terms.
    public static func residualSumOfSquares(of model: OLSModel, products: CrossProducts, origins: [Double]) -> Double {
        // The residual y − a − Σ bₖ tₖ as a combination of z = [1, t − o, y − o_y].
        let q = model.terms.count - 1
        var weights = [Double](repeating: 0, count: q + 2)
        weights[0] = origins[q] - model.terms[0].estimate
        for k in 0..<q {
            weights[0] -= model.terms[k + 1].estimate * origins[k]
            weights[k + 1] = -model.terms[k + 1].estimate
        }
        weights[q + 1] = 1
        return max(0, products.quadraticForm(weights))
    }
}
