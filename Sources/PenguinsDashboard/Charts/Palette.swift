/// The colours of the charts: fixed ones for the platform's known categories (so a species
/// has the same colour on every page) and a cycle of distinct ones for anything else.
public enum Palette {
    /// Distinct colours for categories without a fixed one, in order of use.
    public static let cycle = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#eeca3b", "#9d755d", "#bab0ac", "#ff9da6"]
    /// The reference sample of a comparison (the training data).
    public static let reference = "#4c78a8"
    /// The current sample of a comparison (the production stream).
    public static let current = "#e45756"
    /// Marks of a single series.
    public static let primary = "#4c78a8"
    /// Lines drawn for reference (y = x, zero residual).
    public static let guide = "#6b7280"

    private static let fixed: [String: String] = [
        "Adelie": "#f28e2b",
        "Chinstrap": "#9c4fb0",
        "Gentoo": "#1f8a8a",
        "female": "#d6568c",
        "male": "#3b75af",
        "missing": "#9ca3af",
        "Biscoe": "#4e79a7",
        "Dream": "#59a14f",
        "Torgersen": "#edc948",
    ]

    /// The colour of `category`, the `index`-th of its chart: fixed for known names,
    /// otherwise taken from ``cycle``.
    public static func color(for category: String, index: Int) -> String {
        fixed[category] ?? cycle[((index % cycle.count) + cycle.count) % cycle.count]
    }

    /// A colour between a pale and a dark blue, for a share `t` in 0 ... 1 (heat maps).
    public static func sequential(_ t: Double) -> String {
        let share = t.isFinite ? min(max(t, 0), 1) : 0
        let low = (r: 239.0, g: 245.0, b: 251.0)
        let high = (r: 8.0, g: 48.0, b: 107.0)
        func channel(_ a: Double, _ b: Double) -> String {
            let value = Int((a + (b - a) * share).rounded())
            let hex = String(value, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }
        return "#" + channel(low.r, high.r) + channel(low.g, high.g) + channel(low.b, high.b)
    }
}
