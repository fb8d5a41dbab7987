/// Occurrences of `needle` in `text`.
func occurrences(of needle: String, in text: String) -> Int {
    guard !needle.isEmpty else { return 0 }
    var count = 0
    var rest = text[...]
    while let range = rest.range(of: needle) {
        count += 1
        rest = rest[range.upperBound...]
    }
    return count
}

/// Number of charts with data on a page (empty chart placeholders carry `data-chart-empty`).
func chartCount(_ html: String) -> Int { occurrences(of: "data-chart=\"", in: html) }

/// The root `<svg …>` tag of a chart.
func rootTag(_ svg: String) -> String {
    guard let end = svg.firstIndex(of: ">") else { return "" }
    return String(svg[...end])
}
