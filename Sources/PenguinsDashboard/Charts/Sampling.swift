/// Keeps charts small whatever the size of the data: at most a fixed number of marks,
/// chosen evenly (and deterministically) across the input.
public enum Sampling {
    /// The most marks a chart draws.
    public static let defaultLimit = 2_000

    /// `limit` indices of `0 ..< count` spread evenly, first included, in increasing order;
    /// every index when `count <= limit`.
    public static func evenIndices(count: Int, limit: Int = defaultLimit) -> [Int] {
        guard count > 0, limit > 0 else { return [] }
        guard count > limit else { return Array(0..<count) }
        return (0..<limit).map { Int((Double($0) * Double(count) / Double(limit)).rounded(.down)) }
    }

    /// At most `limit` elements of `values`, spread evenly, in their order.
    public static func evenly<Element>(_ values: [Element], limit: Int = defaultLimit) -> [Element] {
        guard values.count > limit else { return values }
        return evenIndices(count: values.count, limit: limit).map { values[$0] }
    }
}
