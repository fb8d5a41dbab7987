/// One column's drift over the windows of the prediction log: its test's p-value or its
/// distance in each window, joined by a line, the threshold dashed across. A window that drifted
/// is a red dot; one with too few rows for a verdict, a hollow one.
public struct TimelineChart: Sendable {
    public static let kind = "timeline"

    /// One window's value.
    public struct Point: Sendable, Equatable {
        /// The window's label on the x axis (its start).
        public var label: String
        public var value: Double
        public var drift: Bool
        /// False when the window has too few rows for a verdict.
        public var trusted: Bool
        public var rows: Int

        public init(label: String, value: Double, drift: Bool, trusted: Bool, rows: Int) {
            self.label = label
            self.value = value
            self.drift = drift
            self.trusted = trusted
            self.rows = rows
        }
    }

    public var title: String
    /// What the y axis shows: `p-value`, or the distance's name.
    public var yTitle: String
    public var points: [Point]
    public var threshold: Double
    /// Size and margins of the chart.
    public var frame: ChartFrame

    public init(title: String, yTitle: String, points: [Point], threshold: Double, frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.yTitle = yTitle
        self.points = points
        self.threshold = threshold
        self.frame = frame
    }

    /// The most x labels written; the others are left out, evenly.
    static let maximumLabels = 8

    /// The chart as an SVG element; with no window, a "no data yet" note.
    public func render() -> String {
        let values = points.map(\.value).filter(\.isFinite)
        guard !values.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        let step = frame.plotWidth / Double(points.count)
        let centers = points.indices.map { frame.plotLeft + step * (Double($0) + 0.5) }
        let y = LinearScale(covering: values + [threshold], range: (frame.plotBottom, frame.plotTop), includingZero: true).nice(count: 5)
        let every = max(1, (points.count + Self.maximumLabels - 1) / Self.maximumLabels)
        let labels = points.enumerated().map { $0.offset % every == 0 ? $0.element.label : "" }
        var content = Axes.band(labels: labels, centers: centers, y: y, frame: frame, xTitle: "window", yTitle: yTitle)
        content += "<g class=\"marks\">"
        let thresholdY = y(threshold)
        content += SVG.line(
            x1: frame.plotLeft, y1: thresholdY, x2: frame.plotRight, y2: thresholdY, stroke: Palette.guide, className: "threshold",
            extra: "stroke-width=\"1.5\" stroke-dasharray=\"5 4\"")
        let drawn = points.indices.filter { points[$0].value.isFinite }
        if drawn.count > 1 {
            let path = drawn.enumerated().map { order, index in "\(order == 0 ? "M" : "L")\(SVG.n(centers[index])),\(SVG.n(y(points[index].value)))" }.joined()
            content += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(Palette.primary)\" stroke-width=\"1.5\"/>"
        }
        for index in drawn {
            let point = points[index]
            let color = point.trusted && point.drift ? Palette.current : Palette.primary
            let fill = point.trusted ? color : "#ffffff"
            let verdict = !point.trusted ? "too few rows" : point.drift ? "drift" : "no drift"
            let hover = "\(point.label): \(yTitle) \(Format.compact(point.value)), \(Format.integer(point.rows)) rows, \(verdict)"
            content += "<circle cx=\"\(SVG.n(centers[index]))\" cy=\"\(SVG.n(y(point.value)))\" r=\"4\" fill=\"\(fill)\" stroke=\"\(color)\" stroke-width=\"1.5\">\(SVG.title(hover))</circle>"
        }
        content += "</g>"
        content += Legend.render([
            LegendItem("no drift", color: Palette.primary, swatch: .circle),
            LegendItem("drift", color: Palette.current, swatch: .circle),
            LegendItem("threshold \(Format.compact(threshold))", color: Palette.guide, swatch: .dashedLine),
        ], frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, content: content)
    }
}
