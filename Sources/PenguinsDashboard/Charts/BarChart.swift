/// A vertical bar chart: one bar per category, or one group of bars per category when there
/// are several series (with a legend of the series). Bars start at zero.
public struct BarChart: Sendable, Equatable {
    /// One series: a value per category.
    public struct Series: Sendable, Equatable {
        /// The series name, in the legend and the hover titles.
        public var name: String
        /// One value per category, in the chart's category order.
        public var values: [Double]
        /// Nil takes the palette's colour for the series name.
        public var color: String?

        /// Creates a series.
        public init(name: String, values: [Double], color: String? = nil) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    /// The `data-chart` value of a bar chart.
    public static let kind = "bar"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// The x axis title.
    public var xTitle: String
    /// The y axis title.
    public var yTitle: String
    /// One bar, or group of bars, per category, left to right.
    public var categories: [String]
    /// The series; more than one draws grouped bars and a legend.
    public var series: [Series]
    /// With one series, colour each bar by its category (species, islands) instead of one colour.
    public var colorByCategory: Bool
    /// Decimals of the value printed above each bar and in its hover title.
    public var decimals: Int
    /// Text after each value (` ms`, ` %`).
    public var unit: String
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, xTitle: String, yTitle: String, categories: [String], series: [Series],
                colorByCategory: Bool = false, decimals: Int = 0, unit: String = "", frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.categories = categories
        self.series = series
        self.colorByCategory = colorByCategory
        self.decimals = decimals
        self.unit = unit
        self.frame = frame
    }

    /// A chart of one series.
    public init(title: String, xTitle: String, yTitle: String, bars: [(label: String, value: Double)],
                colorByCategory: Bool = false, decimals: Int = 0, unit: String = "", frame: ChartFrame = ChartFrame()) {
        self.init(title: title, xTitle: xTitle, yTitle: yTitle, categories: bars.map(\.label),
                  series: [Series(name: yTitle, values: bars.map(\.value))], colorByCategory: colorByCategory,
                  decimals: decimals, unit: unit, frame: frame)
    }

    /// The chart as an SVG element: the same data always gives the same text, and a chart with nothing to draw shows a "no data yet" note.
    public func render() -> String {
        let usable = series.filter { !$0.values.isEmpty }
        guard !categories.isEmpty, !usable.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        func value(_ series: Series, _ index: Int) -> Double {
            index < series.values.count && series.values[index].isFinite ? series.values[index] : 0
        }
        let values = usable.flatMap { s in categories.indices.map { value(s, $0) } }
        let y = LinearScale(covering: values + [0], range: (frame.plotBottom, frame.plotTop), includingZero: true).nice(count: 5)
        let band = frame.plotWidth / Double(categories.count)
        let groupWidth = band * 0.72
        let barWidth = groupWidth / Double(usable.count)
        let centers = categories.indices.map { frame.plotLeft + band * (Double($0) + 0.5) }
        var content = Axes.band(labels: categories, centers: centers, y: y, frame: frame, xTitle: xTitle, yTitle: yTitle)
        let zero = y(0)
        let seriesColors = usable.enumerated().map { $0.element.color ?? Palette.color(for: $0.element.name, index: $0.offset) }
        content += "<g class=\"marks\">"
        for (categoryIndex, category) in categories.enumerated() {
            for (seriesIndex, series) in usable.enumerated() {
                let amount = value(series, categoryIndex)
                let left = centers[categoryIndex] - groupWidth / 2 + barWidth * Double(seriesIndex)
                let top = min(y(amount), zero)
                let height = abs(zero - y(amount))
                let color = colorByCategory && usable.count == 1 ? Palette.color(for: category, index: categoryIndex) : seriesColors[seriesIndex]
                let text = Format.fixed(amount, decimals) + unit
                let hover = usable.count == 1 ? "\(category): \(text)" : "\(category), \(series.name): \(text)"
                content += "<rect x=\"\(SVG.n(left + 1))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(max(1, barWidth - 2)))\" height=\"\(SVG.n(height))\" fill=\"\(color)\">\(SVG.title(hover))</rect>"
                if barWidth >= 26 {
                    content += SVG.text(text, x: left + barWidth / 2, y: amount >= 0 ? top - 4 : top + height + 12, anchor: "middle", className: "bar-value")
                }
            }
        }
        content += "</g>"
        if usable.count > 1 {
            content += Legend.render(usable.indices.map { LegendItem(usable[$0].name, color: seriesColors[$0]) }, frame: frame)
        }
        return SVG.chart(kind: Self.kind, title: title, frame: frame, content: content)
    }
}
