/// Draws a chart's axes: grid lines, axis lines, tick marks, tick labels and axis titles.
public enum Axes {
    /// A numeric x axis and a numeric y axis over the frame's plot area.
    public static func linear(x: LinearScale, y: LinearScale, frame: ChartFrame, xTitle: String, yTitle: String,
                              xTickCount: Int = 6, yTickCount: Int = 5) -> String {
        var out = "<g class=\"axes\">"
        out += yAxis(y, frame: frame, title: yTitle, tickCount: yTickCount)
        let xStep = x.tickStep(count: xTickCount)
        for tick in x.ticks(count: xTickCount) {
            let px = x(tick)
            out += SVG.line(x1: px, y1: frame.plotTop, x2: px, y2: frame.plotBottom, stroke: "#eef0f3", className: "grid")
            out += SVG.line(x1: px, y1: frame.plotBottom, x2: px, y2: frame.plotBottom + 5, stroke: "#6b7280", className: "tick")
            out += SVG.text(LinearScale.label(tick, step: xStep), x: px, y: frame.plotBottom + 18, anchor: "middle", className: "tick-label")
        }
        out += xAxisLineAndTitle(frame: frame, title: xTitle)
        out += "</g>"
        return out
    }

    /// Category labels under the bands centred at `centers`, and a numeric y axis.
    public static func band(labels: [String], centers: [Double], y: LinearScale, frame: ChartFrame, xTitle: String, yTitle: String,
                            yTickCount: Int = 5) -> String {
        var out = "<g class=\"axes\">"
        out += yAxis(y, frame: frame, title: yTitle, tickCount: yTickCount)
        for (label, center) in zip(labels, centers) {
            out += SVG.text(label, x: center, y: frame.plotBottom + 18, anchor: "middle", className: "tick-label")
        }
        out += xAxisLineAndTitle(frame: frame, title: xTitle)
        out += "</g>"
        return out
    }

    private static func yAxis(_ y: LinearScale, frame: ChartFrame, title: String, tickCount: Int) -> String {
        var out = ""
        let step = y.tickStep(count: tickCount)
        for tick in y.ticks(count: tickCount) {
            let py = y(tick)
            out += SVG.line(x1: frame.plotLeft, y1: py, x2: frame.plotRight, y2: py, stroke: "#eef0f3", className: "grid")
            out += SVG.line(x1: frame.plotLeft - 5, y1: py, x2: frame.plotLeft, y2: py, stroke: "#6b7280", className: "tick")
            out += SVG.text(LinearScale.label(tick, step: step), x: frame.plotLeft - 8, y: py + 4, anchor: "end", className: "tick-label")
        }
        out += SVG.line(x1: frame.plotLeft, y1: frame.plotTop, x2: frame.plotLeft, y2: frame.plotBottom, stroke: "#6b7280", className: "axis")
        let middle = (frame.plotTop + frame.plotBottom) / 2
        out += SVG.text(title, x: 16, y: middle, anchor: "middle", className: "axis-title",
                        extra: " transform=\"rotate(-90 16 \(SVG.n(middle)))\"")
        return out
    }

    private static func xAxisLineAndTitle(frame: ChartFrame, title: String) -> String {
        SVG.line(x1: frame.plotLeft, y1: frame.plotBottom, x2: frame.plotRight, y2: frame.plotBottom, stroke: "#6b7280", className: "axis")
            + SVG.text(title, x: (frame.plotLeft + frame.plotRight) / 2, y: frame.height - 10, anchor: "middle", className: "axis-title")
    }
}

/// One entry of a legend.
public struct LegendItem: Sendable, Equatable {
    /// How the entry's swatch is drawn.
    public enum Swatch: Sendable, Equatable {
        case circle, square, line, dashedLine
    }

    /// The text of the entry.
    public var label: String
    /// The swatch colour (CSS colour).
    public var color: String
    /// How the swatch is drawn.
    public var swatch: Swatch

    /// Creates a legend entry.
    public init(_ label: String, color: String, swatch: Swatch = .square) {
        self.label = label
        self.color = color
        self.swatch = swatch
    }
}

/// A legend: one row of swatches and labels in the frame's top margin, under the title.
public enum Legend {
    /// Width reserved per character of a label (12 px system font, generous).
    static let characterWidth = 7.0

    /// The legend's SVG group (empty for no items).
    public static func render(_ items: [LegendItem], frame: ChartFrame) -> String {
        guard !items.isEmpty else { return "" }
        var out = "<g class=\"legend\">"
        var x = frame.plotLeft
        var y = 38.0
        for item in items {
            let width = 22 + Double(item.label.count) * characterWidth + 14
            if x + width > frame.width - frame.right && x > frame.plotLeft {
                x = frame.plotLeft
                y += 16
            }
            out += "<g class=\"legend-item\">" + SVG.title(item.label)
            switch item.swatch {
            case .circle:
                out += "<circle cx=\"\(SVG.n(x + 6))\" cy=\"\(SVG.n(y - 4))\" r=\"5\" fill=\"\(item.color)\"/>"
            case .square:
                out += "<rect x=\"\(SVG.n(x))\" y=\"\(SVG.n(y - 10))\" width=\"12\" height=\"12\" fill=\"\(item.color)\" fill-opacity=\"0.8\"/>"
            case .line:
                out += SVG.line(x1: x, y1: y - 4, x2: x + 14, y2: y - 4, stroke: item.color, extra: " stroke-width=\"2\"")
            case .dashedLine:
                out += SVG.line(x1: x, y1: y - 4, x2: x + 14, y2: y - 4, stroke: item.color, extra: " stroke-width=\"2\" stroke-dasharray=\"4 3\"")
            }
            out += SVG.text(item.label, x: x + 20, y: y, className: "legend-label") + "</g>"
            x += width
        }
        out += "</g>"
        return out
    }
}
