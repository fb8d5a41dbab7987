import Foundation

/// Maps a data interval (the domain) linearly onto a pixel interval (the range), and finds
/// "nice" ticks: multiples of 1, 2 or 5 times a power of ten.
public struct LinearScale: Sendable, Equatable {
    /// The data value mapped to ``rangeStart``.
    public var domainStart: Double
    /// The data value mapped to ``rangeEnd``.
    public var domainEnd: Double
    /// The pixel position of ``domainStart``.
    public var rangeStart: Double
    /// The pixel position of ``domainEnd``.
    public var rangeEnd: Double

    /// A scale from `domain` onto `range`. The range may run backwards (a y axis runs from the
    /// bottom pixel to the top one). An empty domain (start = end) is widened so it maps.
    public init(domain: (Double, Double), range: (Double, Double)) {
        var (low, high) = domain
        if !low.isFinite || !high.isFinite {
            (low, high) = (0, 1)
        }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        self.domainStart = low
        self.domainEnd = high
        self.rangeStart = range.0
        self.rangeEnd = range.1
    }

    /// The scale covering `values` (with an empty domain widened), onto `range`.
    public init(covering values: some Sequence<Double>, range: (Double, Double), includingZero: Bool = false) {
        var low = Double.infinity
        var high = -Double.infinity
        for value in values where value.isFinite {
            low = min(low, value)
            high = max(high, value)
        }
        if low > high { (low, high) = (0, 1) }
        if includingZero {
            low = min(low, 0)
            high = max(high, 0)
        }
        self.init(domain: (low, high), range: range)
    }

    /// The pixel position of `value`.
    public func callAsFunction(_ value: Double) -> Double {
        rangeStart + (value - domainStart) / (domainEnd - domainStart) * (rangeEnd - rangeStart)
    }

    /// The nice step for about `count` intervals across the domain.
    public func tickStep(count: Int = 5) -> Double {
        LinearScale.niceStep(span: abs(domainEnd - domainStart), count: count)
    }

    /// About `count` nice ticks inside the domain, in increasing order.
    public func ticks(count: Int = 5) -> [Double] {
        let step = tickStep(count: count)
        guard step > 0, step.isFinite else { return [] }
        let low = min(domainStart, domainEnd)
        let high = max(domainStart, domainEnd)
        // A little slack, so 0.7 / 0.1 = 6.999… still counts 7 steps.
        let first = (low / step - 1e-9).rounded(.up)
        let last = (high / step + 1e-9).rounded(.down)
        guard first <= last, last - first < 1_000 else { return [] }
        return stride(from: first, through: last, by: 1).map { LinearScale.clean($0 * step, step: step) }
    }

    /// The same scale with its domain widened outwards to whole nice steps, so the first and
    /// last ticks sit on the ends of the axis.
    public func nice(count: Int = 5) -> LinearScale {
        var scale = self
        // Twice: widening can change the step (as d3 does).
        for _ in 0..<2 {
            let step = scale.tickStep(count: count)
            guard step > 0, step.isFinite else { return scale }
            let reversed = scale.domainStart > scale.domainEnd
            let low = min(scale.domainStart, scale.domainEnd)
            let high = max(scale.domainStart, scale.domainEnd)
            let niceLow = LinearScale.clean((low / step + 1e-9).rounded(.down) * step, step: step)
            let niceHigh = LinearScale.clean((high / step - 1e-9).rounded(.up) * step, step: step)
            (scale.domainStart, scale.domainEnd) = reversed ? (niceHigh, niceLow) : (niceLow, niceHigh)
        }
        return scale
    }

    /// Decimals a tick label needs for ticks `step` apart: those of the step itself (0 for whole steps).
    public static func decimals(forStep step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        var scaled = step
        for decimals in 0...12 {
            if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, scaled) { return decimals }
            scaled *= 10
        }
        return 12
    }

    /// The tick label of `value` on an axis with ticks `step` apart.
    public static func label(_ value: Double, step: Double) -> String {
        let decimals = decimals(forStep: step)
        if step >= 1e9 || (step > 0 && step < 1e-6) { return Format.compact(value) }
        return Format.svgNumber(value, decimals: decimals)
    }

    /// 1, 2 or 5 times a power of ten, close to `span / count`.
    public static func niceStep(span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite, count > 0 else { return 0 }
        let raw = span / Double(count)
        let power = pow(10, floor(log10(raw)))
        let error = raw / power
        let factor: Double = error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
        return factor * power
    }

    /// Removes the floating-point noise of `value` (a multiple of `step`): 0.30000000000000004 → 0.3.
    static func clean(_ value: Double, step: Double) -> Double {
        let decimals = decimals(forStep: step)
        guard decimals > 0 else { return value }
        let scale = pow(10, Double(min(decimals, 15)))
        let cleaned = (value * scale).rounded() / scale
        return cleaned == 0 ? 0 : cleaned
    }
}
