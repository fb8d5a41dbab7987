import Foundation

/// Ordinary least squares with an intercept, solved by Householder QR.
///
/// Results equal statsmodels' `OLS(y, X).fit()` with a constant: coefficients, standard errors,
/// t tests, 95 % intervals, R², adjusted R² and the overall F test. The design matrix is held
/// column-major (n × p) and factorized in place, so memory and time grow linearly with the rows.
public enum OLS {
    /// A term's diagonal of R below this fraction of the term's column norm means the term is
    /// a linear combination of the terms before it.
    static let rankTolerance = 1e-10

    /// Fits `target ~ 1 + predictors`.
    ///
    /// Numeric predictors enter as they are. Categorical ones are one-hot encoded with their first
    /// level (sorted) dropped, giving terms named `predictor[level]`.
    /// - Throws: `RegressionError` when the inputs cannot give a unique, finite fit (no
    ///   predictors, mismatched lengths, non-finite values, too few rows, constant target,
    ///   constant or collinear predictors); the message names the culprit and what to do.
    public static func fit(target: [Double], targetName: String, predictors: [RegressionPredictor]) throws -> OLSModel {
        let n = target.count
        guard !predictors.isEmpty else { throw RegressionError.noPredictors }
        for (row, value) in target.enumerated() where !value.isFinite {
            throw RegressionError.nonFiniteValue(column: targetName, row: row)
        }
        var design = try DesignMatrix(rows: n, predictors: predictors)
        let p = design.columnCount
        guard n > p else { throw RegressionError.tooFewObservations(observations: n, terms: p) }
        let targetMean = Descriptive.mean(target)
        var totalSumOfSquares = 0.0
        for value in target {
            totalSumOfSquares += (value - targetMean) * (value - targetMean)
        }
        guard totalSumOfSquares > 0 else { throw RegressionError.constantTarget(target: targetName) }

        let factorization = try design.factorize(target: target)
        return model(
            targetName: targetName, termNames: design.termNames, encodings: design.encodings, observations: n,
            estimates: factorization.solve(), inverseDiagonal: factorization.inverseRowSquaredNorms(),
            residualSumOfSquares: factorization.residualSumOfSquares, totalSumOfSquares: totalSumOfSquares
        )
    }

    /// The model of a solved fit: its estimates, the diagonal of (XᵀX)⁻¹, the residual and the
    /// total (centered) sums of squares, with every test and criterion derived from them.
    static func model(
        targetName: String, termNames: [String], encodings: [PredictorEncoding], observations n: Int,
        estimates: [Double], inverseDiagonal: [Double], residualSumOfSquares rss: Double, totalSumOfSquares: Double
    ) -> OLSModel {
        let p = termNames.count
        let residualDegreesOfFreedom = n - p
        let modelDegreesOfFreedom = p - 1
        let scale = rss / Double(residualDegreesOfFreedom)
        let critical = SpecialFunctions.studentTQuantile(p: 0.975, degreesOfFreedom: Double(residualDegreesOfFreedom))
        var terms: [Coefficient] = []
        for (index, name) in termNames.enumerated() {
            let estimate = estimates[index]
            let standardError = (scale * inverseDiagonal[index]).squareRoot()
            let t = estimate / standardError
            terms.append(Coefficient(
                name: name,
                estimate: estimate,
                standardError: standardError,
                tStatistic: t,
                pValue: SpecialFunctions.studentTTwoSidedPValue(t, degreesOfFreedom: Double(residualDegreesOfFreedom)),
                lower95: estimate - critical * standardError,
                upper95: estimate + critical * standardError
            ))
        }
        let rSquared = 1 - rss / totalSumOfSquares
        let explained = totalSumOfSquares - rss
        let fStatistic = (explained / Double(modelDegreesOfFreedom)) / scale
        let observations = Double(n)
        let logLikelihood = -observations / 2 * (log(2 * Double.pi) + log(rss / observations) + 1)
        return OLSModel(
            targetName: targetName,
            terms: terms,
            predictorEncodings: encodings,
            rSquared: rSquared,
            adjustedRSquared: 1 - (observations - 1) / Double(residualDegreesOfFreedom) * (1 - rSquared),
            fStatistic: fStatistic,
            fPValue: SpecialFunctions.fSurvival(
                fStatistic,
                numeratorDegreesOfFreedom: Double(modelDegreesOfFreedom),
                denominatorDegreesOfFreedom: Double(residualDegreesOfFreedom)
            ),
            residualStandardError: scale.squareRoot(),
            residualDegreesOfFreedom: residualDegreesOfFreedom,
            modelDegreesOfFreedom: modelDegreesOfFreedom,
            observations: n,
            residualSumOfSquares: rss,
            trainingMeanSquaredError: rss / observations,
            logLikelihood: logLikelihood,
            aic: -2 * logLikelihood + 2 * Double(p),
            bic: -2 * logLikelihood + log(observations) * Double(p)
        )
    }

    /// Mean of the squared differences between predictions and actual values (0 for no rows).
    public static func meanSquaredError(predicted: [Double], actual: [Double]) -> Double {
        precondition(predicted.count == actual.count, "predicted and actual must have the same length")
        guard !actual.isEmpty else { return 0 }
        var sum = 0.0
        for index in actual.indices {
            let difference = predicted[index] - actual[index]
            sum += difference * difference
        }
        return sum / Double(actual.count)
    }
}

/// The column-major design matrix [1, predictor terms…] and the encodings that produced it.
struct DesignMatrix {
    let rows: Int
    private(set) var columns: [Double]
    private(set) var termNames: [String] = ["intercept"]
    /// For each column, the predictor it came from (the intercept's is "intercept").
    private(set) var termPredictors: [String] = ["intercept"]
    private(set) var encodings: [PredictorEncoding] = []

    var columnCount: Int { termNames.count }

    init(rows: Int, predictors: [RegressionPredictor]) throws {
        self.rows = rows
        columns = Array(repeating: 1, count: rows)
        for predictor in predictors {
            guard predictor.count == rows else {
                throw RegressionError.lengthMismatch(predictor: predictor.name, expected: rows, actual: predictor.count)
            }
            switch predictor.values {
            case .numeric(let values):
                for (row, value) in values.enumerated() where !value.isFinite {
                    throw RegressionError.nonFiniteValue(column: predictor.name, row: row)
                }
                if let first = values.first, values.allSatisfy({ $0 == first }) {
                    throw RegressionError.constantPredictor(predictor: predictor.name)
                }
                columns.append(contentsOf: values)
                append(PredictorEncoding(name: predictor.name, kind: .numeric))
            case .categorical(let labels):
                let levels = Set(labels).sorted()
                guard levels.count >= 2 else {
                    throw RegressionError.singleLevel(predictor: predictor.name, level: levels.first ?? "")
                }
                var levelIndex = [String: Int]()
                for (index, level) in levels.enumerated() { levelIndex[level] = index }
                let start = columns.count
                columns.append(contentsOf: repeatElement(0, count: rows * (levels.count - 1)))
                for (row, label) in labels.enumerated() {
                    let index = levelIndex[label]!
                    if index > 0 { columns[start + (index - 1) * rows + row] = 1 }
                }
                append(PredictorEncoding(name: predictor.name, kind: .categorical(levels: levels)))
            }
        }
    }

    private mutating func append(_ encoding: PredictorEncoding) {
        encodings.append(encoding)
        for name in encoding.termNames {
            termNames.append(name)
            termPredictors.append(encoding.name)
        }
    }

    /// Householder QR of the design matrix, applied to the target on the way.
    ///
    /// Consumes the matrix's storage (the reflectors overwrite it).
    mutating func factorize(target: [Double]) throws -> QRFactorization {
        let n = rows
        let p = columnCount
        var r = [Double](repeating: 0, count: p * p)
        var qtY = target
        var failure: RegressionError?
        columns.withUnsafeMutableBufferPointer { a in
            qtY.withUnsafeMutableBufferPointer { y in
                for j in 0..<p {
                    let column = j * n
                    var originalNormSquared = 0.0
                    for i in 0..<n { originalNormSquared += a[column + i] * a[column + i] }
                    var normSquared = 0.0
                    for i in j..<n { normSquared += a[column + i] * a[column + i] }
                    let norm = normSquared.squareRoot()
                    if norm <= OLS.rankTolerance * originalNormSquared.squareRoot() {
                        failure = .collinear(
                            term: termNames[j], predictor: termPredictors[j],
                            earlierTerms: Array(termNames[..<j])
                        )
                        return
                    }
                    let head = a[column + j]
                    let alpha = head > 0 ? -norm : norm
                    // Reflector v = x - alpha e1, stored in place of x; v·v = 2 (norm² - alpha·head).
                    a[column + j] = head - alpha
                    let vDotV = 2 * (normSquared - alpha * head)
                    for k in (j + 1)..<p {
                        let other = k * n
                        var dot = 0.0
                        for i in j..<n { dot += a[column + i] * a[other + i] }
                        let factor = 2 * dot / vDotV
                        for i in j..<n { a[other + i] -= factor * a[column + i] }
                        r[k * p + j] = a[other + j]
                    }
                    var dot = 0.0
                    for i in j..<n { dot += a[column + i] * y[i] }
                    let factor = 2 * dot / vDotV
                    for i in j..<n { y[i] -= factor * a[column + i] }
                    r[j * p + j] = alpha
                }
            }
        }
        if let failure { throw failure }
        var residualSumOfSquares = 0.0
        for i in p..<n { residualSumOfSquares += qtY[i] * qtY[i] }
        return QRFactorization(size: p, r: r, qtY: Array(qtY[..<p]), residualSumOfSquares: residualSumOfSquares)
    }
}

/// The p × p upper-triangular factor R (column-major), Qᵀy's first p entries and the RSS.
struct QRFactorization {
    let size: Int
    let r: [Double]
    let qtY: [Double]
    let residualSumOfSquares: Double

    private func rEntry(_ row: Int, _ column: Int) -> Double { r[column * size + row] }

    /// Solves R b = Qᵀy by back substitution.
    func solve() -> [Double] {
        var b = qtY
        for i in stride(from: size - 1, through: 0, by: -1) {
            var sum = b[i]
            for k in (i + 1)..<size { sum -= rEntry(i, k) * b[k] }
            b[i] = sum / rEntry(i, i)
        }
        return b
    }

    /// The diagonal of (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ: the squared norms of the rows of R⁻¹.
    func inverseRowSquaredNorms() -> [Double] {
        // Column j of R⁻¹ solves R x = e_j (upper triangular, zero below j).
        var inverse = [Double](repeating: 0, count: size * size)
        for j in 0..<size {
            inverse[j * size + j] = 1 / rEntry(j, j)
            for i in stride(from: j - 1, through: 0, by: -1) {
                var sum = 0.0
                for k in (i + 1)...j { sum -= rEntry(i, k) * inverse[j * size + k] }
                inverse[j * size + i] = sum / rEntry(i, i)
            }
        }
        return (0..<size).map { row in
            var sum = 0.0
            for column in row..<size { sum += inverse[column * size + row] * inverse[column * size + row] }
            return sum
        }
    }
}
