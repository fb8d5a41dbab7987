import Foundation

/// Number formatting for people (tables, cards) and for SVG coordinates.
public enum Format {
    /// A fixed count of decimals, `-` for nil or a non-finite value.
    public static func fixed(_ value: Double?, _ decimals: Int = 3) -> String {
        guard let value, value.isFinite else { return value.map(nonFinite) ?? "-" }
        let text = String(format: "%.\(max(0, decimals))f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// A p-value: four decimals, or scientific notation (`1.234e-09`) when below 0.0001.
    public static func pValue(_ value: Double?) -> String {
        guard let value, value.isFinite else { return value.map(nonFinite) ?? "-" }
        if value != 0 && abs(value) < 1e-4 { return String(format: "%.3e", value) }
        return fixed(value, 4)
    }

    /// An integer with thousands separators: `1,234,567`.
    public static func integer(_ value: Int?) -> String {
        guard let value else { return "-" }
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// A share as a percentage with `decimals` decimals: `0.9712` → `97.1 %`.
    public static func percent(_ value: Double?, _ decimals: Int = 1) -> String {
        guard let value, value.isFinite else { return "-" }
        return fixed(value * 100, decimals) + " %"
    }

    /// `hits / (hits + misses)` as a percentage, `-` when there was no lookup.
    public static func hitRatio(hits: Int, misses: Int) -> String {
        let total = hits + misses
        guard total > 0, hits >= 0, misses >= 0 else { return "-" }
        return percent(Double(hits) / Double(total))
    }

    /// A number with about `significant` significant digits, without trailing zeros:
    /// axis labels and hover titles (`4200`, `0.25`, `17.3`, `1.5e-07`).
    public static func compact(_ value: Double, significant: Int = 4) -> String {
        guard value.isFinite else { return nonFinite(value) }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e9 || magnitude < 1e-4 { return String(format: "%.\(max(0, significant - 1))e", value) }
        let decimals = max(0, significant - 1 - Int(floor(log10(magnitude))))
        return svgNumber(value, decimals: min(decimals, 6))
    }

    /// A number for an SVG attribute: at most `decimals` decimals (default 2), no trailing
    /// zeros, no `-0`, `0` for a non-finite value. Pure integer arithmetic, so the same value
    /// always prints the same text.
    public static func svgNumber(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let decimals = min(max(decimals, 0), 9)
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(format: "%.0f", value) }
        let units = UInt64(scaled)
        let divisor = UInt64(scale)
        let whole = units / divisor
        var fraction = units % divisor
        let sign = value < 0 && units != 0 ? "-" : ""
        guard fraction != 0 else { return sign + String(whole) }
        var width = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: width - digits.count) + digits
    }

    private static func nonFinite(_ value: Double) -> String {
        value.isNaN ? "NaN" : (value > 0 ? "∞" : "-∞")
    }
}

extension Format {
    /// A date as `2025-01-31 14:05:09 UTC`.
    public static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String {
            let text = String(value ?? 0)
            return text.count < 2 ? "0" + text : text
        }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) UTC"
    }
}
