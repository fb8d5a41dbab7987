/// A heat map of a matrix (a confusion matrix: rows are the actual classes, columns the
/// predicted ones), each cell shaded by its value and labelled with it.
public struct HeatMapChart: Sendable, Equatable {
    /// The `data-chart` value of a heat map.
    public static let kind = "heatmap"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// Title of the rows (the y axis).
    public var rowTitle: String
    /// Title of the columns (the x axis).
    public var columnTitle: String
    /// Row labels, top to bottom.
    public var rowLabels: [String]
    /// Column labels, left to right.
    public var columnLabels: [String]
    /// `values[row][column]`; missing cells count as 0.
    public var values: [[Double]]
    /// Decimals of the printed values.
    public var decimals: Int
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, rowTitle: String, columnTitle: String, rowLabels: [String], columnLabels: [String],
                values: [[Double]], decimals: Int = 0, frame: ChartFrame = ChartFrame(height: 380, right: 40, left: 110)) {
        self.title = title
        self.rowTitle = rowTitle
        self.columnTitle = columnTitle
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.decimals = decimals
        self.frame = frame
    }

    /// A confusion matrix: `matrix[actual][predicted]` counts, labelled by `classes`.
    public init(confusionMatrix matrix: [[Int]], classes: [String], title: String = "Confusion matrix") {
        self.init(title: title, rowTitle: "actual", columnTitle: "predicted", rowLabels: classes, columnLabels: classes,
                  values: matrix.map { $0.map(Double.init) })
    }

    /// The chart as an SVG element: the same data always gives the same text, and a chart with nothing to draw shows a "no data yet" note.
    public func render() -> String {
        guard !rowLabels.isEmpty, !columnLabels.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        func value(_ row: Int, _ column: Int) -> Double {
            row < values.count && column < values[row].count && values[row][column].isFinite ? values[row][column] : 0
        }
        let cells = rowLabels.indices.flatMap { row in columnLabels.indices.map { value(row, $0) } }
        let largest = max(cells.max() ?? 0, 0)
        let cellWidth = frame.plotWidth / Double(columnLabels.count)
        let cellHeight = frame.plotHeight / Double(rowLabels.count)
        var content = "<g class=\"marks\">"
        for (row, rowLabel) in rowLabels.enumerated() {
            for (column, columnLabel) in columnLabels.enumerated() {
                let amount = value(row, column)
                let share = largest > 0 ? amount / largest : 0
                let left = frame.plotLeft + cellWidth * Double(column)
                let top = frame.plotTop + cellHeight * Double(row)
                let text = Format.fixed(amount, decimals)
                let hover = "\(rowTitle) \(rowLabel), \(columnTitle) \(columnLabel): \(text)"
                content += "<rect x=\"\(SVG.n(left))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(cellWidth))\" height=\"\(SVG.n(cellHeight))\" fill=\"\(Palette.sequential(share))\" stroke=\"#ffffff\" stroke-width=\"2\">\(SVG.title(hover))</rect>"
                content += SVG.text(text, x: left + cellWidth / 2, y: top + cellHeight / 2 + 5, anchor: "middle",
                                    className: share > 0.5 ? "cell-value on-dark" : "cell-value on-light")
            }
        }
        content += "</g><g class=\"axes\">"
        for (row, label) in rowLabels.enumerated() {
            content += SVG.text(label, x: frame.plotLeft - 8, y: frame.plotTop + cellHeight * (Double(row) + 0.5) + 4, anchor: "end", className: "tick-label")
        }
        for (column, label) in columnLabels.enumerated() {
            content += SVG.text(label, x: frame.plotLeft + cellWidth * (Double(column) + 0.5), y: frame.plotBottom + 18, anchor: "middle", className: "tick-label")
        }
        let middle = (frame.plotTop + frame.plotBottom) / 2
        content += SVG.text(rowTitle, x: 16, y: middle, anchor: "middle", className: "axis-title", extra: " transform=\"rotate(-90 16 \(SVG.n(middle)))\"")
        content += SVG.text(columnTitle, x: (frame.plotLeft + frame.plotRight) / 2, y: frame.height - 10, anchor: "middle", className: "axis-title")
        content += "</g>"
        let shades = [0.0, 0.25, 0.5, 0.75, 1.0]
        content += Legend.render(shades.map { LegendItem(Format.fixed($0 * largest, decimals), color: Palette.sequential($0)) }, frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, content: content)
    }
}
