/// The size of a chart and the margins around its plot area (room for the title, the legend,
/// the tick labels and the axis titles), in SVG user units.
public struct ChartFrame: Sendable, Equatable {
    /// Total width.
    public var width: Double
    /// Total height.
    public var height: Double
    /// Margin above the plot area (title and legend).
    public var top: Double
    /// Margin right of the plot area.
    public var right: Double
    /// Margin below the plot area (tick labels, x axis title).
    public var bottom: Double
    /// Margin left of the plot area (tick labels, y axis title).
    public var left: Double

    /// A frame of the given size and margins (the defaults suit a chart in a two-column grid).
    public init(width: Double = 560, height: Double = 340, top: Double = 56, right: Double = 20, bottom: Double = 52, left: Double = 68) {
        self.width = width
        self.height = height
        self.top = top
        self.right = right
        self.bottom = bottom
        self.left = left
    }

    /// The plot area's edges.
    public var plotLeft: Double { left }
    /// Right edge of the plot area.
    public var plotRight: Double { max(left + 1, width - right) }
    /// Top edge of the plot area.
    public var plotTop: Double { top }
    /// Bottom edge of the plot area.
    public var plotBottom: Double { max(top + 1, height - bottom) }
    /// Width of the plot area.
    public var plotWidth: Double { plotRight - plotLeft }
    /// Height of the plot area.
    public var plotHeight: Double { plotBottom - plotTop }
}

/// Writes the SVG elements shared by every chart.
enum SVG {
    /// A formatted coordinate.
    static func n(_ value: Double) -> String { Format.svgNumber(value) }

    /// The root element of a chart of `kind` with its title and `content`.
    /// `note` (for example "2,000 of 10,000 points shown") is printed under the title.
    static func chart(kind: String, title: String, frame: ChartFrame, note: String? = nil, content: String) -> String {
        var label = title
        if let note { label += " (\(note))" }
        var out = root(kind: kind, dataAttribute: "data-chart", label: label, frame: frame)
        out += heading(title, note: note, frame: frame)
        out += content
        out += "</svg>"
        return out
    }

    /// The placeholder of a chart with nothing to draw: a frame and a "no data yet" note.
    /// It carries `data-chart-empty` (not `data-chart`), so counting charts counts real ones.
    static func empty(kind: String, title: String, frame: ChartFrame, message: String = "No data yet") -> String {
        var out = root(kind: kind, dataAttribute: "data-chart-empty", label: "\(title): \(message)", frame: frame)
        out += heading(title, note: nil, frame: frame)
        out += "<rect class=\"empty-frame\" x=\"\(n(frame.plotLeft))\" y=\"\(n(frame.plotTop))\" width=\"\(n(frame.plotWidth))\" height=\"\(n(frame.plotHeight))\" fill=\"none\" stroke=\"#d1d5db\" stroke-dasharray=\"4 4\"/>"
        out += "<text class=\"empty-note\" x=\"\(n((frame.plotLeft + frame.plotRight) / 2))\" y=\"\(n((frame.plotTop + frame.plotBottom) / 2))\" text-anchor=\"middle\" dominant-baseline=\"middle\">\(HTML.escape(message))</text>"
        out += "</svg>"
        return out
    }

    private static func root(kind: String, dataAttribute: String, label: String, frame: ChartFrame) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(label))\" \(dataAttribute)=\"\(HTML.escape(kind))\" viewBox=\"0 0 \(n(frame.width)) \(n(frame.height))\" width=\"\(n(frame.width))\" height=\"\(n(frame.height))\">"
    }

    private static func heading(_ title: String, note: String?, frame: ChartFrame) -> String {
        var out = "<text class=\"chart-title\" x=\"\(n(frame.plotLeft))\" y=\"18\">\(HTML.escape(title))</text>"
        if let note {
            out += "<text class=\"chart-note\" x=\"\(n(frame.width - frame.right))\" y=\"18\" text-anchor=\"end\">\(HTML.escape(note))</text>"
        }
        return out
    }

    /// A text element; `text` is escaped.
    static func text(_ text: String, x: Double, y: Double, anchor: String = "start", className: String? = nil, extra: String = "") -> String {
        let classAttribute = className.map { " class=\"\($0)\"" } ?? ""
        let anchorAttribute = anchor == "start" ? "" : " text-anchor=\"\(anchor)\""
        return "<text\(classAttribute) x=\"\(n(x))\" y=\"\(n(y))\"\(anchorAttribute)\(extra)>\(HTML.escape(text))</text>"
    }

    /// A line.
    static func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, className: String? = nil, extra: String = "") -> String {
        let classAttribute = className.map { " class=\"\($0)\"" } ?? ""
        return "<line\(classAttribute) x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\"\(extra)/>"
    }

    /// A `<title>` child: the hover text of a mark.
    static func title(_ text: String) -> String { "<title>\(HTML.escape(text))</title>" }
}
