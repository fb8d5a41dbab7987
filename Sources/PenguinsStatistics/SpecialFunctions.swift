import Foundation

/// The special functions behind the platform's p-values and confidence intervals.
///
/// Everything is computed in `Double` with series and continued fractions (modified Lentz),
/// accurate to about 1e-12 relative over the ranges the platform uses (degrees of freedom up to
/// millions, p-values down to the smallest representable numbers). Logarithms of the gamma
/// function come from the C library's `lgamma`.
public enum SpecialFunctions {
    /// Relative accuracy the series and continued fractions iterate to.
    static let epsilon = 1e-16
    /// A number close to the smallest normal `Double`, used to keep Lentz's algorithm away from 0.
    static let tiny = 1e-300
    /// Iteration cap of the series and continued fractions (never reached in practice).
    static let maximumIterations = 100_000

    // MARK: - Incomplete beta

    /// The regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 <= x <= 1.
    public static func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
        regularizedIncompleteBeta(a: a, b: b, x: x, complement: 1 - x)
    }

    /// I_x(a, b) given both x and y = 1 - x, so callers that know y without cancellation
    /// (e.g. t / F tails) keep full precision when x is close to 1.
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, complement y: Double) -> Double {
        guard a > 0, b > 0, x >= 0, y >= 0, !x.isNaN, !y.isNaN else { return .nan }
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        func direct() -> Double {
            betaFrontFactor(a: a, b: b, x: x, y: y) * betaContinuedFraction(a: a, b: b, x: x, y: y) / a
        }
        func mirrored() -> Double {
            1 - betaFrontFactor(a: b, b: a, x: y, y: x) * betaContinuedFraction(a: b, b: a, x: y, y: x) / b
        }
        // The continued fraction converges fast when x < (a + 1) / (a + b + 2); otherwise use
        // the symmetry I_x(a, b) = 1 - I_y(b, a). The fraction's first denominator is
        // 1 − r with r = (a + b)x / (a + 1) (r = (a + b)y / (b + 1) mirrored), which cancels
        // when r ≈ 1 — as happens for one huge parameter (t and F tails with ~10⁶ degrees of
        // freedom). Then the other side, which converges more slowly but without that loss, is
        // used when it is better conditioned.
        let directRatio = abs(1 - (a + b) * x / (a + 1))
        let mirroredRatio = abs(1 - (a + b) * y / (b + 1))
        let cancellationRisk = 1e-3
        if x * (a + b + 2) < a + 1 {
            if directRatio < cancellationRisk && mirroredRatio > directRatio {
                // 1 − I_y loses about a factor 1/result of relative accuracy, the direct fraction
                // about 1/directRatio: keep whichever loses less.
                let alternative = mirrored()
                if alternative > 10 * directRatio && alternative <= 1 { return alternative }
            }
            return direct()
        } else {
            if mirroredRatio < cancellationRisk && directRatio > mirroredRatio {
                let alternative = direct()
                if alternative >= 0 && alternative <= 1 { return alternative }
            }
            return mirrored()
        }
    }

    /// x^a y^b / B(a, b), computed in logarithms.
    ///
    /// When a or b is large, log B(a, b) is a difference of huge log-gamma values that would lose
    /// digits; Stirling's series is then combined with the powers analytically so that only
    /// moderate terms are added (the approach of DiDonato & Morris, TOMS 708).
    private static func betaFrontFactor(a: Double, b: Double, x: Double, y: Double) -> Double {
        let logX = x > 0.5 ? log1p(-y) : log(x)
        let logY = y > 0.5 ? log1p(-x) : log(y)
        let threshold = 10.0
        if min(a, b) >= threshold {
            // a ln(x(a+b)/a) + b ln(y(a+b)/b) + ½ ln(ab / (2π(a+b))) + Stirling corrections.
            let shift = x * b - y * a
            let logTerm = a * log1p(shift / a) + b * log1p(-shift / b)
            let logScale = 0.5 * log(a * b / (a + b)) - 0.5 * log(2 * Double.pi)
            return exp(logTerm + logScale + stirlingCorrection(a + b) - stirlingCorrection(a) - stirlingCorrection(b))
        }
        if max(a, b) >= threshold {
            // ln Γ(big + small) − ln Γ(big) by Stirling, ln Γ(small) directly.
            let (big, small) = a >= b ? (a, b) : (b, a)
            var logGammaRatio: Double = (big - 0.5) * log1p(small / big) + small * log(big + small) - small
            logGammaRatio += stirlingCorrection(big + small) - stirlingCorrection(big)
            return exp(a * logX + b * logY - lgamma(small) + logGammaRatio)
        }
        let logBeta = lgamma(a) + lgamma(b) - lgamma(a + b)
        return exp(a * logX + b * logY - logBeta)
    }

    /// Stirling's correction δ(z) = ln Γ(z) − ((z − ½) ln z − z + ½ ln 2π), for z >= 10.
    private static func stirlingCorrection(_ z: Double) -> Double {
        let inverse = 1 / z
        let inverseSquared = inverse * inverse
        // Series in 1/z²: 1/12 − 1/(360 z²) + 1/(1260 z⁴) − 1/(1680 z⁶) + 1/(1188 z⁸) − 691/(360360 z¹⁰) + 1/(156 z¹²)
        var series = 1.0 / 156
        series = series * inverseSquared - 691.0 / 360_360
        series = series * inverseSquared + 1.0 / 1188
        series = series * inverseSquared - 1.0 / 1680
        series = series * inverseSquared + 1.0 / 1260
        series = series * inverseSquared - 1.0 / 360
        series = series * inverseSquared + 1.0 / 12
        return series * inverse
    }

    /// The continued fraction of the incomplete beta function (modified Lentz).
    private static func betaContinuedFraction(a: Double, b: Double, x: Double, y: Double) -> Double {
        var c = 1.0
        // 1 − (a + b)x / (a + 1), written with y = 1 − x so it does not cancel when x ≈ 1.
        var d = (a * y + 1 - b * x) / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...maximumIterations {
            let m = Double(m)
            let twoM = 2 * m
            // Even step.
            var numerator = m * (b - m) * x / ((a + twoM - 1) * (a + twoM))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            // Odd step.
            numerator = -(a + m) * (a + b + m) * x / ((a + twoM) * (a + twoM + 1))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return result
    }

    // MARK: - Incomplete gamma

    /// The regularized lower incomplete gamma function P(a, x) for a > 0, x >= 0.
    public static func regularizedLowerIncompleteGamma(a: Double, x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 0 }
        if x.isInfinite { return 1 }
        if x < a + 1 { return gammaSeries(a: a, x: x) }
        return 1 - gammaContinuedFraction(a: a, x: x)
    }

    /// The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x) for a > 0, x >= 0.
    public static func regularizedUpperIncompleteGamma(a: Double, x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a: a, x: x) }
        return gammaContinuedFraction(a: a, x: x)
    }

    /// P(a, x) by its power series (converges well for x < a + 1).
    private static func gammaSeries(a: Double, x: Double) -> Double {
        var term = 1 / a
        var sum = term
        var denominator = a
        for _ in 0..<maximumIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * epsilon { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    /// Q(a, x) by its continued fraction (modified Lentz; converges well for x >= a + 1).
    private static func gammaContinuedFraction(a: Double, x: Double) -> Double {
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var result = d
        for i in 1...maximumIterations {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < epsilon { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * result
    }

    // MARK: - Distributions

    /// The standard normal cumulative distribution function Φ(x).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The cumulative distribution function of Student's t with `degreesOfFreedom` > 0.
    public static func studentTCDF(_ t: Double, degreesOfFreedom: Double) -> Double {
        guard !t.isNaN else { return .nan }
        let tail = 0.5 * studentTTwoSidedPValue(t, degreesOfFreedom: degreesOfFreedom)
        return t > 0 ? 1 - tail : tail
    }

    /// The two-sided p-value P(|T| >= |t|) of Student's t with `degreesOfFreedom` > 0.
    public static func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom: Double) -> Double {
        guard !t.isNaN, degreesOfFreedom > 0 else { return .nan }
        if t.isInfinite { return 0 }
        let tSquared = t * t
        let x = degreesOfFreedom / (degreesOfFreedom + tSquared)
        let y = tSquared / (degreesOfFreedom + tSquared)
        return regularizedIncompleteBeta(a: degreesOfFreedom / 2, b: 0.5, x: x, complement: y)
    }

    /// The density of Student's t with `degreesOfFreedom` > 0.
    public static func studentTDensity(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let logNormalization: Double = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
        let logKernel: Double = -(nu + 1) / 2 * log1p(t * t / nu)
        return exp(logNormalization + logKernel)
    }

    /// The quantile (inverse CDF) of Student's t: the t with `studentTCDF(t) == p`, for 0 < p < 1.
    ///
    /// Used for 95 % confidence intervals as `studentTQuantile(p: 0.975, degreesOfFreedom: df)`.
    /// Solved by a bracketed Newton iteration on the two-sided tail, to full double precision.
    public static func studentTQuantile(p: Double, degreesOfFreedom nu: Double) -> Double {
        guard p > 0, p < 1, nu > 0 else {
            if p == 0 { return -.infinity }
            if p == 1 { return .infinity }
            return .nan
        }
        if p == 0.5 { return 0 }
        // Solve for the positive quantile q with P(|T| >= q) = target, then apply the sign.
        let target = p > 0.5 ? 2 * (1 - p) : 2 * p
        var low = 0.0
        var high = 1.0
        while studentTTwoSidedPValue(high, degreesOfFreedom: nu) > target {
            low = high
            high *= 2
            if high > 1e300 { break }
        }
        var q = (low + high) / 2
        for _ in 0..<200 {
            let difference = studentTTwoSidedPValue(q, degreesOfFreedom: nu) - target
            if difference == 0 { break }
            // The tail decreases with q: shrink the bracket.
            if difference > 0 { low = q } else { high = q }
            let slope = -2 * studentTDensity(q, degreesOfFreedom: nu)
            var next = q - difference / slope
            if !(next > low && next < high) || !next.isFinite { next = (low + high) / 2 }
            if abs(next - q) <= 1e-15 * abs(next) || high - low <= 1e-15 * high {
                q = next
                break
            }
            q = next
        }
        return p > 0.5 ? q : -q
    }

    /// The survival function P(F > f) of the F distribution with the given degrees of freedom.
    public static func fSurvival(_ f: Double, numeratorDegreesOfFreedom d1: Double, denominatorDegreesOfFreedom d2: Double) -> Double {
        guard !f.isNaN, d1 > 0, d2 > 0 else { return .nan }
        if f <= 0 { return 1 }
        if f.isInfinite { return 0 }
        let x = d2 / (d2 + d1 * f)
        let y = d1 * f / (d2 + d1 * f)
        return regularizedIncompleteBeta(a: d2 / 2, b: d1 / 2, x: x, complement: y)
    }

    /// The survival function P(X > x) of the chi-squared distribution with `degreesOfFreedom` > 0.
    public static func chiSquaredSurvival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        guard !x.isNaN, k > 0 else { return .nan }
        if x <= 0 { return 1 }
        return regularizedUpperIncompleteGamma(a: k / 2, x: x / 2)
    }
}
