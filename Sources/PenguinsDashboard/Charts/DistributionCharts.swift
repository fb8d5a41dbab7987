/// Overlaid histograms of a reference and a current sample over shared bins, each bar the
/// share of its own sample (so samples of different sizes compare). Either sample may be
/// empty; the chart is empty only when both are.
public struct HistogramChart: Sendable, Equatable {
    /// The `data-chart` value of a histogram.
    public static let kind = "histogram"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// The x axis title.
    public var xTitle: String
    /// The reference sample (the training data).
    public var reference: [Double]
    /// The current sample (the production stream).
    public var current: [Double]
    /// Legend name of the reference sample.
    public var referenceName: String
    /// Legend name of the current sample.
    public var currentName: String
    /// About how many bins (the exact count follows from a nice bin width).
    public var binCount: Int
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, xTitle: String, reference: [Double], current: [Double], referenceName: String = "reference",
                currentName: String = "current", binCount: Int = 20, frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.xTitle = xTitle
        self.reference = reference
        self.current = current
        self.referenceName = referenceName
        self.currentName = currentName
        self.binCount = binCount
        self.frame = frame
    }

    /// Shared bins of both samples: edges (a nice width apart) and each sample's share per bin.
    public struct Bins: Sendable, Equatable {
        /// Bin edges: the first bin's lower edge up to the last bin's upper edge.
        public var edges: [Double]
        /// Share of the reference sample in each bin (empty for an empty sample).
        public var referenceShares: [Double]
        /// Share of the current sample in each bin (empty for an empty sample).
        public var currentShares: [Double]
    }

    /// The bins of the two samples (non-finite values left out); nil when both are empty.
    public func bins() -> Bins? {
        let a = reference.filter(\.isFinite)
        let b = current.filter(\.isFinite)
        guard !a.isEmpty || !b.isEmpty else { return nil }
        let scale = LinearScale(covering: a + b, range: (0, 1)).nice(count: max(1, binCount))
        let step = scale.tickStep(count: max(1, binCount))
        let count = max(1, Int(((scale.domainEnd - scale.domainStart) / step).rounded()))
        let edges = (0...count).map { LinearScale.clean(scale.domainStart + Double($0) * step, step: step) }
        func shares(_ values: [Double]) -> [Double] {
            guard !values.isEmpty else { return [] }
            var counts = [Int](repeating: 0, count: count)
            for value in values {
                let index = Int(((value - scale.domainStart) / step).rounded(.down))
                counts[min(max(index, 0), count - 1)] += 1
            }
            return counts.map { Double($0) / Double(values.count) }
        }
        return Bins(edges: edges, referenceShares: shares(a), currentShares: shares(b))
    }

    /// The chart as an SVG element: the same data always gives the same text, and a chart with nothing to draw shows a "no data yet" note.
    public func render() -> String {
        guard let bins = bins() else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        let x = LinearScale(domain: (bins.edges.first!, bins.edges.last!), range: (frame.plotLeft, frame.plotRight))
        let peak = (bins.referenceShares + bins.currentShares).max() ?? 0
        let y = LinearScale(domain: (0, max(peak * 100, 1)), range: (frame.plotBottom, frame.plotTop)).nice(count: 5)
        var content = Axes.linear(x: x, y: y, frame: frame, xTitle: xTitle, yTitle: "share of sample (%)")
        var legend: [LegendItem] = []
        let samples = [
            (name: referenceName, shares: bins.referenceShares, size: reference.count, color: Palette.reference),
            (name: currentName, shares: bins.currentShares, size: current.count, color: Palette.current),
        ]
        let step = bins.edges.count > 1 ? bins.edges[1] - bins.edges[0] : 1
        content += "<g class=\"marks\">"
        for sample in samples where !sample.shares.isEmpty {
            legend.append(LegendItem("\(sample.name) (n = \(Format.integer(sample.size)))", color: sample.color))
            for (index, share) in sample.shares.enumerated() where share > 0 {
                let left = x(bins.edges[index])
                let right = x(bins.edges[index + 1])
                let top = y(share * 100)
                let range = "[\(LinearScale.label(bins.edges[index], step: step)), \(LinearScale.label(bins.edges[index + 1], step: step)))"
                let hover = "\(sample.name): \(Format.fixed(share * 100, 1)) % in \(range)"
                content += "<rect x=\"\(SVG.n(left + 0.5))\" y=\"\(SVG.n(top))\" width=\"\(SVG.n(max(0.5, right - left - 1)))\" height=\"\(SVG.n(y(0) - top))\" fill=\"\(sample.color)\" fill-opacity=\"0.5\">\(SVG.title(hover))</rect>"
            }
        }
        content += "</g>"
        content += Legend.render(legend, frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, content: content)
    }
}

/// Empirical cumulative distribution functions of a reference and a current sample as step
/// lines, with an optional marker where they are furthest apart (the KS statistic).
public struct ECDFChart: Sendable, Equatable {
    /// The `data-chart` value of an ECDF plot.
    public static let kind = "ecdf"

    /// The chart's title, printed above the plot and used as its accessible name.
    public var title: String
    /// The x axis title.
    public var xTitle: String
    /// The reference sample (the training data).
    public var reference: [Double]
    /// The current sample (the production stream).
    public var current: [Double]
    /// Legend name of the reference sample.
    public var referenceName: String
    /// Legend name of the current sample.
    public var currentName: String
    /// A vertical marker line and its hover text.
    public struct Marker: Sendable, Equatable {
        /// Where the marker stands, in data units.
        public var x: Double
        /// The marker's hover text.
        public var label: String
        /// Creates a marker.
        public init(x: Double, label: String) {
            self.x = x
            self.label = label
        }
    }

    /// Where to draw the marker of the largest gap.
    public var marker: Marker?
    /// The most steps drawn per sample (larger samples are read at evenly spaced ranks).
    public var maxSteps: Int
    /// Size and margins of the chart.
    public var frame: ChartFrame

    /// Creates the chart; nothing is computed until ``render()``.
    public init(title: String, xTitle: String, reference: [Double], current: [Double], referenceName: String = "reference",
                currentName: String = "current", marker: Marker? = nil, maxSteps: Int = 400,
                frame: ChartFrame = ChartFrame()) {
        self.title = title
        self.xTitle = xTitle
        self.reference = reference
        self.current = current
        self.referenceName = referenceName
        self.currentName = currentName
        self.marker = marker
        self.maxSteps = maxSteps
        self.frame = frame
    }

    /// The steps of a sample's ECDF: (value, share of the sample at or below it), at most
    /// `maxSteps` of them, the last one always at share 1.
    public static func steps(_ values: [Double], maxSteps: Int) -> [(x: Double, share: Double)] {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return [] }
        var ranks = Sampling.evenIndices(count: sorted.count, limit: max(1, maxSteps - 1))
        if ranks.last != sorted.count - 1 { ranks.append(sorted.count - 1) }
        return ranks.map { (sorted[$0], Double($0 + 1) / Double(sorted.count)) }
    }

    /// The chart as an SVG element: the same data always gives the same text, and a chart with nothing to draw shows a "no data yet" note.
    public func render() -> String {
        let a = Self.steps(reference, maxSteps: maxSteps)
        let b = Self.steps(current, maxSteps: maxSteps)
        guard !a.isEmpty || !b.isEmpty else { return SVG.empty(kind: Self.kind, title: title, frame: frame) }
        let x = LinearScale(covering: a.map(\.x) + b.map(\.x), range: (frame.plotLeft, frame.plotRight)).nice(count: 6)
        let y = LinearScale(domain: (0, 1), range: (frame.plotBottom, frame.plotTop))
        var content = Axes.linear(x: x, y: y, frame: frame, xTitle: xTitle, yTitle: "share at or below")
        var legend: [LegendItem] = []
        content += "<g class=\"marks\">"
        for (name, steps, size, color) in [(referenceName, a, reference.count, Palette.reference), (currentName, b, current.count, Palette.current)] where !steps.isEmpty {
            var path = "M\(SVG.n(frame.plotLeft)),\(SVG.n(y(0)))"
            for step in steps {
                path += "H\(SVG.n(x(step.x)))V\(SVG.n(y(step.share)))"
            }
            path += "H\(SVG.n(frame.plotRight))"
            let hover = "\(name): empirical CDF of \(Format.integer(size)) values, median \(Format.compact(median(steps)))"
            content += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\">\(SVG.title(hover))</path>"
            legend.append(LegendItem("\(name) (n = \(Format.integer(size)))", color: color, swatch: .line))
        }
        if let marker, marker.x.isFinite, !a.isEmpty, !b.isEmpty {
            let px = x(marker.x)
            content += "<line class=\"ks-marker\" x1=\"\(SVG.n(px))\" y1=\"\(SVG.n(frame.plotTop))\" x2=\"\(SVG.n(px))\" y2=\"\(SVG.n(frame.plotBottom))\" stroke=\"#111827\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\">\(SVG.title(marker.label))</line>"
            legend.append(LegendItem("largest gap", color: "#111827", swatch: .dashedLine))
        }
        content += "</g>"
        content += Legend.render(legend, frame: frame)
        return SVG.chart(kind: Self.kind, title: title, frame: frame, content: content)
    }

    private func median(_ steps: [(x: Double, share: Double)]) -> Double {
        steps.first(where: { $0.share >= 0.5 })?.x ?? steps.last!.x
    }
}
