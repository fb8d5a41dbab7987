/// Predicted against actual values of a regression, with the line y = x where a perfect
/// model's points would lie. Both axes share one scale.
public struct PredictedActualChart: Sendable, Equatable {
    /// The `data-chart` value of a predicted-vs-actual plot.
    public static let kind = "predicted-actual"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// What is predicted (the axis titles say "actual …" and "predicted …").
    public var variable: String
    /// Actual values of the target.
    public var actual: [Double]
    /// Predicted values, one per actual value.
    public var predicted: [Double]
    /// The most marks drawn; more data is sampled evenly (see ``Sampling``).
    public var maxMarks: Int
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, variable: String, actual: [Double], predicted: [Double],
                maxMarks: Int = Sampling.defaultLimit, frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.variable = variable
        self.actual = actual
        self.predicted = predicted
        self.maxMarks = maxMarks
        self.frame = frame
    }

    /// The chart as an SVG element: the same data always gives the same text, and a chart with nothing to draw shows a "no data yet" note.
    public func render() -> String {
        let pairs = zip(actual, predicted).filter { $0.0.isFinite && $0.1.isFinite }
        guard !pairs.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        let shown = Sampling.evenly(pairs, limit: maxMarks)
        let values = shown.flatMap { [$0.0, $0.1] }
        let base = LinearScale(covering: values, range: (0, 1)).nice(count: 6)
        let x = LinearScale(domain: (base.domainStart, base.domainEnd), range: (frame.plotLeft, frame.plotRight))
        let y = LinearScale(domain: (base.domainStart, base.domainEnd), range: (frame.plotBottom, frame.plotTop))
        var content = Axes.linear(x: x, y: y, frame: frame, xTitle: "actual \(variable)", yTitle: "predicted \(variable)")
        content += "<line class=\"identity\" x1=\"\(SVG.n(x(base.domainStart)))\" y1=\"\(SVG.n(y(base.domainStart)))\" x2=\"\(SVG.n(x(base.domainEnd)))\" y2=\"\(SVG.n(y(base.domainEnd)))\" stroke=\"\(Palette.guide)\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\">\(SVG.title("y = x: predicted equals actual"))</line>"
        content += "<g class=\"marks\" fill-opacity=\"0.7\">"
        for (a, p) in shown {
            let hover = "actual \(Format.compact(a)), predicted \(Format.compact(p)), residual \(Format.compact(a - p))"
            content += "<circle cx=\"\(SVG.n(x(a)))\" cy=\"\(SVG.n(y(p)))\" r=\"3.2\" fill=\"\(Palette.primary)\">\(SVG.title(hover))</circle>"
        }
        content += "</g>"
        content += Legend.render([LegendItem("rows", color: Palette.primary, swatch: .circle), LegendItem("y = x", color: Palette.guide, swatch: .dashedLine)], frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, note: ChartNote.sampled(shown: shown.count, total: pairs.count), content: content)
    }
}

/// Residuals (actual − predicted) against predicted values, around the zero line: a shape in
/// the cloud shows what the linear model misses.
public struct ResidualChart: Sendable, Equatable {
    /// The `data-chart` value of a residual plot.
    public static let kind = "residuals"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// What is predicted (named in the axis titles).
    public var variable: String
    /// Actual values of the target.
    public var actual: [Double]
    /// Predicted values, one per actual value.
    public var predicted: [Double]
    /// The most marks drawn; more data is sampled evenly (see ``Sampling``).
    public var maxMarks: Int
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, variable: String, actual: [Double], predicted: [Double],
                maxMarks: Int = Sampling.defaultLimit, frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.variable = variable
        self.actual = actual
        self.predicted = predicted
        self.maxMarks = maxMarks
        self.frame = frame
    }

    /// The chart as an SVG element: the same data always gives the same text, and a chart with nothing to draw shows a "no data yet" note.
    public func render() -> String {
        let pairs = zip(actual, predicted).filter { $0.0.isFinite && $0.1.isFinite }
        guard !pairs.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        let shown = Sampling.evenly(pairs, limit: maxMarks)
        let residuals = shown.map { $0.0 - $0.1 }
        let largest = residuals.map(abs).max() ?? 0
        let x = LinearScale(covering: shown.map(\.1), range: (frame.plotLeft, frame.plotRight)).nice(count: 6)
        let y = LinearScale(domain: (-largest, largest), range: (frame.plotBottom, frame.plotTop)).nice(count: 5)
        var content = Axes.linear(x: x, y: y, frame: frame, xTitle: "predicted \(variable)", yTitle: "residual (actual − predicted)")
        content += "<line class=\"zero\" x1=\"\(SVG.n(frame.plotLeft))\" y1=\"\(SVG.n(y(0)))\" x2=\"\(SVG.n(frame.plotRight))\" y2=\"\(SVG.n(y(0)))\" stroke=\"\(Palette.guide)\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\">\(SVG.title("zero residual"))</line>"
        content += "<g class=\"marks\" fill-opacity=\"0.7\">"
        for ((a, p), residual) in zip(shown, residuals) {
            let hover = "predicted \(Format.compact(p)), actual \(Format.compact(a)), residual \(Format.compact(residual))"
            content += "<circle cx=\"\(SVG.n(x(p)))\" cy=\"\(SVG.n(y(residual)))\" r=\"3.2\" fill=\"\(Palette.cycle[1])\">\(SVG.title(hover))</circle>"
        }
        content += "</g>"
        content += Legend.render([LegendItem("residuals", color: Palette.cycle[1], swatch: .circle), LegendItem("zero", color: Palette.guide, swatch: .dashedLine)], frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, note: ChartNote.sampled(shown: shown.count, total: pairs.count), content: content)
    }
}
