/// A scatter plot of points coloured by a category, with a legend of the categories.
public struct ScatterChart: Sendable, Equatable {
    /// One point: its position, its category and, optionally, its own hover text.
    public struct Point: Sendable, Equatable {
        /// Horizontal position, in data units.
        public var x: Double
        /// Vertical position, in data units.
        public var y: Double
        /// The category that colours the point.
        public var category: String
        /// Hover text; nil builds one from the axis titles and the values.
        public var label: String?

        /// Creates a point.
        public init(x: Double, y: Double, category: String, label: String? = nil) {
            self.x = x
            self.y = y
            self.category = category
            self.label = label
        }
    }

    /// The `data-chart` value of a scatter plot.
    public static let kind = "scatter"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// The x axis title.
    public var xTitle: String
    /// The y axis title.
    public var yTitle: String
    /// The points; beyond `maxMarks` they are sampled evenly.
    public var points: [Point]
    /// Legend order of the categories; nil lists them sorted.
    public var categories: [String]?
    /// How many points the data had before any sampling (nil: `points.count`).
    public var totalCount: Int?
    /// The most marks drawn; more data is sampled evenly (see ``Sampling``).
    public var maxMarks: Int
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, xTitle: String, yTitle: String, points: [Point], categories: [String]? = nil,
                totalCount: Int? = nil, maxMarks: Int = Sampling.defaultLimit, frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.points = points
        self.categories = categories
        self.totalCount = totalCount
        self.maxMarks = maxMarks
        self.frame = frame
    }

    /// The chart as an SVG element.
    public func render() -> String {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard !finite.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        let shown = Sampling.evenly(finite, limit: maxMarks)
        let order = categories ?? Array(Set(finite.map(\.category))).sorted()
        var colors: [String: String] = [:]
        for (index, category) in order.enumerated() { colors[category] = Palette.color(for: category, index: index) }
        let extra = Array(Set(finite.map(\.category)).subtracting(order)).sorted()
        for (index, category) in extra.enumerated() { colors[category] = Palette.color(for: category, index: order.count + index) }

        let x = LinearScale(covering: shown.map(\.x), range: (frame.plotLeft, frame.plotRight)).nice(count: 6)
        let y = LinearScale(covering: shown.map(\.y), range: (frame.plotBottom, frame.plotTop)).nice(count: 5)
        var content = Axes.linear(x: x, y: y, frame: frame, xTitle: xTitle, yTitle: yTitle)
        content += "<g class=\"marks\" fill-opacity=\"0.75\">"
        for point in shown {
            let hover = point.label ?? "\(point.category): \(xTitle) \(Format.compact(point.x)), \(yTitle) \(Format.compact(point.y))"
            content += "<circle cx=\"\(SVG.n(x(point.x)))\" cy=\"\(SVG.n(y(point.y)))\" r=\"3.2\" fill=\"\(colors[point.category]!)\">\(SVG.title(hover))</circle>"
        }
        content += "</g>"
        let present = Set(finite.map(\.category))
        content += Legend.render((order + extra).filter(present.contains).map { LegendItem($0, color: colors[$0]!, swatch: .circle) }, frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, note: ChartNote.sampled(shown: shown.count, total: max(totalCount ?? finite.count, finite.count)), content: content)
    }
}

/// Notes printed next to a chart's title.
enum ChartNote {
    /// "2,000 of 10,000 points shown" when the points were sampled, nil otherwise.
    static func sampled(shown: Int, total: Int) -> String? {
        shown < total ? "\(Format.integer(shown)) of \(Format.integer(total)) points shown" : nil
    }
}
