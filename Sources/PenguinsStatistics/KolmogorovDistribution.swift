import Foundation

/// The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic Dₙ, used for the
/// asymptotic two-sample p-value (as `scipy.stats.kstwo`).
///
/// The method depends on n and x, after Simard & L'Ecuyer (2011), "Computing the Two-Sided
/// Kolmogorov-Smirnov Distribution", with the same switch points as scipy:
/// - exact closed forms near the ends of the support (Ruben & Gambino),
/// - x ≥ 0.5, or a small tail: twice the exact one-sided Smirnov tail (Birnbaum & Tingey sum),
/// - small n or small n·x^1.5: the Durbin matrix (Marsaglia, Tsang & Wang 2003),
/// - otherwise the Pelz-Good (1976) asymptotic expansion.
public enum KolmogorovDistribution {
    /// P(Dₙ ≥ x) for a sample of size n ≥ 1.
    public static func survival(_ x: Double, sampleSize n: Int) -> Double {
        precondition(n >= 1, "the sample size must be positive")
        if x.isNaN { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }
        let size = Double(n)
        let t = size * x
        if t <= 1 {
            if t <= 0.5 { return 1 }
            // P(Dₙ ≤ x) = n!/nⁿ (2t − 1)ⁿ for 1/(2n) ≤ x ≤ 1/n.
            let cdf = exp(lgamma(size + 1) - size * log(size) + size * log(2 * t - 1))
            return clamp(1 - cdf)
        }
        if t >= size - 1 { return clamp(2 * pow(1 - x, size)) }
        if x >= 0.5 { return clamp(2 * smirnovSurvival(x, sampleSize: n)) }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 4 { return clamp(1 - durbinMatrixCDF(x, sampleSize: n)) }
            return clamp(2 * smirnovSurvival(x, sampleSize: n))
        }
        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 { return clamp(2 * smirnovSurvival(x, sampleSize: n)) }
        if n <= 100_000 && size * pow(x, 1.5) <= 1.4 {
            return clamp(1 - durbinMatrixCDF(x, sampleSize: n))
        }
        return clamp(1 - pelzGoodCDF(x, sampleSize: n))
    }

    private static func clamp(_ p: Double) -> Double { min(max(p, 0), 1) }

    /// The one-sided tail P(Dₙ⁺ ≥ x), exactly, by the Birnbaum & Tingey sum
    /// Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) x (x + v/n)^{v−1} (1 − x − v/n)^{n−v},
    /// whose terms are all positive; summed in logarithms relative to the largest term.
    static func smirnovSurvival(_ x: Double, sampleSize n: Int) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }
        let size = Double(n)
        let lastTerm = Int((size * (1 - x)).rounded(.down))
        guard lastTerm >= 0 else { return 0 }
        var logTerms = [Double](repeating: -.infinity, count: lastTerm + 1)
        var logBinomial = 0.0  // log C(n, v), updated incrementally.
        let logX = log(x)
        var largest = -Double.infinity
        for v in 0...lastTerm {
            if v > 0 { logBinomial += log(Double(n - v + 1) / Double(v)) }
            let vValue = Double(v)
            let remaining = (size - size * x - vValue) / size
            var logTerm = logBinomial + logX + (vValue - 1) * log(x + vValue / size)
            if v < n {
                logTerm += remaining > 0 ? (size - vValue) * log(remaining) : -.infinity
            }
            logTerms[v] = logTerm
            largest = max(largest, logTerm)
        }
        guard largest > -.infinity else { return 0 }
        var sum = 0.0
        for logTerm in logTerms { sum += exp(logTerm - largest) }
        return min(exp(largest + log(sum)), 1)
    }

    /// P(Dₙ ≤ d) exactly, by Durbin's matrix: with k = ⌈nd⌉, h = k − nd and m = 2k − 1,
    /// P = n!/nⁿ (Hⁿ)ₖₖ for an m × m matrix H of reciprocal factorials corrected in its first
    /// column and last row. Powers are taken by repeated squaring, rescaling by 2¹²⁸ as needed.
    static func durbinMatrixCDF(_ d: Double, sampleSize n: Int) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        // reciprocalFactorial[i] = 1 / i!
        var reciprocalFactorial = [Double](repeating: 1, count: m + 1)
        for i in 1...m { reciprocalFactorial[i] = reciprocalFactorial[i - 1] / Double(i) }
        var matrix = SquareMatrix(size: m)
        for i in 0..<m {
            for j in 0..<m where i - j + 1 >= 0 {
                matrix[i, j] = reciprocalFactorial[i - j + 1]
            }
        }
        for i in 0..<m {
            matrix[i, 0] -= pow(h, Double(i + 1)) * reciprocalFactorial[i + 1]
            matrix[m - 1, i] -= pow(h, Double(m - i)) * reciprocalFactorial[m - i]
        }
        // The corner was corrected twice; add back (2h − 1)^m / m! when positive.
        matrix[m - 1, 0] += pow(max(2 * h - 1, 0), Double(m)) * reciprocalFactorial[m]

        let scale = 0x1p128
        var power = SquareMatrix.identity(size: m)
        var powerExponent = 0
        var base = matrix
        var baseExponent = 0
        var remaining = n
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = power * base
                powerExponent += baseExponent
            }
            base = base * base
            baseExponent *= 2
            if abs(base[k - 1, k - 1]) > scale {
                base.scale(by: 1 / scale)
                baseExponent += 128
            }
            remaining /= 2
        }
        var p = power[k - 1, k - 1]
        // Multiply by n!/nⁿ one factor at a time, rescaling to avoid underflow.
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < 1 / scale {
                p *= scale
                powerExponent -= 128
            }
        }
        return clamp(scalbn(p, powerExponent))
    }

    /// The Pelz-Good approximation of P(Dₙ ≤ x): Li-Chien and Korolyuk's expansion
    /// K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^1.5 at z = x√n, each Kᵢ rewritten through Jacobi
    /// theta functions as sums over odd integers of powers of q = exp(−π²/(8z²)).
    static func pelzGoodCDF(_ x: Double, sampleSize n: Int) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let size = Double(n)
        let z = size.squareRoot() * x
        let z2 = z * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let pi2 = Double.pi * Double.pi
        let pi4 = pi2 * pi2
        let pi6 = pi4 * pi2
        let logQ = -pi2 / 8 / z2
        if logQ < -708 { return 0 }
        let q = exp(logQ)

        // Sums over odd m = 2k − 1 of c(m) q^(m²), evaluated by Horner in q^8k.
        var sums = [0.0, 0.0, 0.0, 0.0]
        let lastK = Int((16 * z / Double.pi).rounded(.up))
        for k in stride(from: lastK, through: 1, by: -1) {
            let m = Double(2 * k - 1)
            let m2 = m * m
            let m4 = m2 * m2
            let m6 = m4 * m2
            let step = pow(q, Double(8 * k))
            let coefficients = [
                1.0,
                -z2 + pi2 / 4 * m2,
                (6 * z6 + 2 * z4) + (2 * z4 - 5 * z2) * pi2 / 4 * m2 + pi4 * (1 - 2 * z2) / 16 * m4,
                (-30 * z6 - 90 * z4 * z4) + pi2 * (135 * z4 - 96 * z6) / 4 * m2
                    + pi4 * (-60 * z2 + 212 * z4) / 16 * m4 + pi6 * (5 - 30 * z2) / 64 * m6,
            ]
            for i in 0..<4 { sums[i] = sums[i] * step + coefficients[i] }
        }
        let root2Pi = (2 * Double.pi).squareRoot()
        let denominators = [z, 6 * z4, 72 * z6 * z, 6480 * z4 * z6]
        for i in 0..<4 { sums[i] = sums[i] * q * root2Pi / denominators[i] }

        // The extra sums over all integers k of K₂ and K₃, in powers of exp(−π²/(2z²)).
        let r = exp(-pi2 / 2 / z2)
        let root3z = 3.0.squareRoot() * z
        var extra2 = 0.0
        var extra3 = 0.0
        for k in stride(from: lastK, through: 1, by: -1) {
            let kValue = Double(k)
            let k2 = kValue * kValue
            let weight = k2 * pow(r, k2)
            extra2 += weight
            let kPi = Double.pi * kValue
            extra3 += (root3z + kPi) * (root3z - kPi) * weight
        }
        sums[2] += extra2 * pi2 * root2Pi / (-36 * z2 * z)
        sums[3] += extra3 * pi2 * root2Pi / (216 * z6)

        var cdf = 0.0
        for i in 0..<4 { cdf += sums[i] / pow(size, Double(i) / 2) }
        return cdf
    }
}

/// A small dense row-major square matrix for the Durbin matrix power.
struct SquareMatrix {
    let size: Int
    private var entries: [Double]

    init(size: Int) {
        self.size = size
        entries = [Double](repeating: 0, count: size * size)
    }

    static func identity(size: Int) -> SquareMatrix {
        var matrix = SquareMatrix(size: size)
        for i in 0..<size { matrix[i, i] = 1 }
        return matrix
    }

    subscript(row: Int, column: Int) -> Double {
        get { entries[row * size + column] }
        set { entries[row * size + column] = newValue }
    }

    mutating func scale(by factor: Double) {
        for index in entries.indices { entries[index] *= factor }
    }

    static func * (left: SquareMatrix, right: SquareMatrix) -> SquareMatrix {
        let n = left.size
        var product = SquareMatrix(size: n)
        left.entries.withUnsafeBufferPointer { a in
            right.entries.withUnsafeBufferPointer { b in
                product.entries.withUnsafeMutableBufferPointer { c in
                    for i in 0..<n {
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            if aik == 0 { continue }
                            for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
                        }
                    }
                }
            }
        }
        return product
    }
}
