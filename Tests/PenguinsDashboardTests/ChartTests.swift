import Testing
@testable import PenguinsDashboard

@Suite struct ChartTests {
    let points = [
        ScatterChart.Point(x: 39.1, y: 18.7, category: "Adelie"),
        ScatterChart.Point(x: 46.5, y: 17.9, category: "Chinstrap"),
        ScatterChart.Point(x: 50.0, y: 15.2, category: "Gentoo"),
        ScatterChart.Point(x: 38.6, y: 21.2, category: "Adelie"),
    ]

    @Test func scatterDrawsOneTitledMarkPerPointAxesAndALegend() {
        let svg = ScatterChart(title: "Bills", xTitle: "bill length (mm)", yTitle: "bill depth (mm)", points: points).render()
        let root = rootTag(svg)
        #expect(root.contains("role=\"img\""))
        #expect(root.contains("aria-label=\"Bills\""))
        #expect(root.contains("data-chart=\"scatter\""))
        #expect(occurrences(of: "<circle", in: svg) == 4 + 3) // points and legend swatches
        #expect(svg.contains("<title>Adelie: bill length (mm) 39.1, bill depth (mm) 18.7</title>"))
        #expect(svg.contains(">bill length (mm)</text>"))
        #expect(svg.contains(">bill depth (mm)</text>"))
        #expect(svg.contains("class=\"legend\""))
        for species in ["Adelie", "Chinstrap", "Gentoo"] { #expect(svg.contains(">\(species)</text>")) }
        #expect(svg.contains(">40</text>") && svg.contains(">50</text>")) // x tick labels
        #expect(svg.contains("fill=\"\(Palette.color(for: "Gentoo", index: 2))\""))
    }

    @Test func chartsAreDeterministic() {
        let a = ScatterChart(title: "Bills", xTitle: "x", yTitle: "y", points: points).render()
        let b = ScatterChart(title: "Bills", xTitle: "x", yTitle: "y", points: points).render()
        #expect(a == b)
        let legendOrder = ScatterChart(title: "Bills", xTitle: "x", yTitle: "y", points: points.reversed()).render()
        #expect(legendOrder.range(of: ">Adelie</text>")!.lowerBound < legendOrder.range(of: ">Gentoo</text>")!.lowerBound)
    }

    @Test func scatterCapsItsMarksAndSaysSo() {
        let many = (0..<10_000).map { ScatterChart.Point(x: Double($0), y: Double($0 % 97), category: "a") }
        let svg = ScatterChart(title: "Many", xTitle: "x", yTitle: "y", points: many).render()
        #expect(occurrences(of: "<circle", in: svg) == Sampling.defaultLimit + 1)
        #expect(svg.contains("2,000 of 10,000 points shown"))
        #expect(svg.utf8.count < 400_000)
    }

    @Test func timelineDrawsAWindowADotTheThresholdDashed() {
        let points = (0..<20).map { i in
            TimelineChart.Point(label: "11-\(10 + i)", value: i < 10 ? 0.6 : 0.001, drift: i >= 10, trusted: i != 19, rows: i == 19 ? 12 : 300)
        }
        let svg = TimelineChart(title: "body_mass_g over time", yTitle: "p-value", points: points, threshold: 0.05).render()
        #expect(chartCount(svg) == 1)
        #expect(svg.contains("data-chart=\"timeline\""))
        #expect(occurrences(of: "\" r=\"4\"", in: svg) == 20, "a dot per window")
        #expect(occurrences(of: "fill=\"\(Palette.current)\" stroke=\"\(Palette.current)\"", in: svg) == 9, "nine trusted drifted windows in red")
        #expect(svg.contains("<title>11-29: p-value 0.001, 12 rows, too few rows</title>"))
        #expect(svg.contains("<title>11-10: p-value 0.6, 300 rows, no drift</title>"))
        #expect(svg.contains("class=\"threshold\"") && svg.contains("stroke-dasharray=\"5 4\""))
        // Twenty windows, at most eight labels.
        #expect(svg.contains(">11-10</text>") && !svg.contains(">11-11</text>") && svg.contains(">11-13</text>"))
    }

    @Test func everyChartShowsANoteInsteadOfAnEmptyChart() {
        let empties = [
            ScatterChart(title: "S", xTitle: "x", yTitle: "y", points: []).render(),
            BarChart(title: "B", xTitle: "x", yTitle: "y", categories: [], series: []).render(),
            HistogramChart(title: "H", xTitle: "x", reference: [], current: []).render(),
            ECDFChart(title: "E", xTitle: "x", reference: [], current: [.nan]).render(),
            HeatMapChart(confusionMatrix: [], classes: []).render(),
            PredictedActualChart(title: "P", variable: "y", actual: [], predicted: []).render(),
            ResidualChart(title: "R", variable: "y", actual: [], predicted: []).render(),
            TimelineChart(title: "T", yTitle: "p-value", points: [], threshold: 0.05).render(),
        ]
        for svg in empties {
            #expect(svg.contains("No data yet"))
            #expect(chartCount(svg) == 0)
            #expect(svg.contains("data-chart-empty=\""))
            #expect(rootTag(svg).contains("role=\"img\""))
            #expect(!svg.contains("<circle") && !svg.contains("<path"))
        }
    }

    @Test func barChartDrawsGroupedBarsWithValuesAndALegendOfSeries() {
        let svg = BarChart(
            title: "By island", xTitle: "island", yTitle: "penguins", categories: ["Biscoe", "Dream"],
            series: [.init(name: "female", values: [80, 61]), .init(name: "male", values: [83, 62])]
        ).render()
        #expect(rootTag(svg).contains("data-chart=\"bar\""))
        #expect(occurrences(of: "<rect", in: svg) == 4 + 2) // bars and legend swatches
        #expect(svg.contains("<title>Dream, male: 62</title>"))
        #expect(svg.contains(">Biscoe</text>") && svg.contains(">Dream</text>"))
        #expect(svg.contains(">female</text>") && svg.contains(">male</text>"))
        #expect(svg.contains(">83</text>"))
        #expect(svg.contains(">penguins</text>"))
    }

    @Test func singleSeriesBarChartHasNoLegendAndStartsAtZero() {
        let svg = BarChart(title: "Importances", xTitle: "feature", yTitle: "importance", bars: [("a", 0.25), ("b", 0.75)], decimals: 2).render()
        #expect(!svg.contains("class=\"legend\""))
        #expect(svg.contains("<title>b: 0.75</title>"))
        #expect(svg.contains(">0</text>"))
    }

    @Test func histogramBinsBothSamplesOverSharedNiceEdges() throws {
        let chart = HistogramChart(title: "H", xTitle: "x", reference: [1, 2, 2, 3, 9], current: [5, 6, 7, 7], binCount: 5)
        let bins = try #require(chart.bins())
        #expect(bins.edges == [0, 2, 4, 6, 8, 10])
        #expect(bins.referenceShares == [0.2, 0.6, 0, 0, 0.2])
        #expect(bins.currentShares == [0, 0, 0.25, 0.75, 0])
        let svg = chart.render()
        #expect(rootTag(svg).contains("data-chart=\"histogram\""))
        #expect(svg.contains("<title>reference: 60.0 % in [2, 4)</title>"))
        #expect(svg.contains("<title>current: 75.0 % in [6, 8)</title>"))
        #expect(svg.contains("reference (n = 5)") && svg.contains("current (n = 4)"))
        #expect(occurrences(of: "<rect", in: svg) == 3 + 2 + 2)
    }

    @Test func histogramOfOneSampleDrawsOnlyThatSample() {
        let svg = HistogramChart(title: "H", xTitle: "x", reference: [1, 2, 3], current: []).render()
        #expect(chartCount(svg) == 1)
        #expect(svg.contains("reference (n = 3)"))
        #expect(!svg.contains("current (n"))
    }

    @Test func ecdfStepsEndAtOneAndAreCapped() {
        let steps = ECDFChart.steps([3, 1, 2, 2], maxSteps: 400)
        #expect(steps.map(\.x) == [1, 2, 2, 3])
        #expect(steps.map(\.share) == [0.25, 0.5, 0.75, 1])
        let many = ECDFChart.steps((0..<100_000).map(Double.init), maxSteps: 400)
        #expect(many.count <= 400)
        #expect(many.last!.share == 1)
        let svg = ECDFChart(title: "E", xTitle: "x", reference: [1, 2, 3], current: [2, 3, 4],
                            marker: .init(x: 1.5, label: "largest gap D = 0.3333 at 1.5")).render()
        #expect(rootTag(svg).contains("data-chart=\"ecdf\""))
        #expect(occurrences(of: "<path", in: svg) == 2)
        #expect(svg.contains("<title>largest gap D = 0.3333 at 1.5</title>"))
        #expect(svg.contains(">share at or below</text>"))
    }

    @Test func heatMapPrintsEveryCountInItsCell() {
        let svg = HeatMapChart(confusionMatrix: [[30, 1, 0], [2, 12, 0], [0, 0, 24]], classes: ["Adelie", "Chinstrap", "Gentoo"]).render()
        #expect(rootTag(svg).contains("data-chart=\"heatmap\""))
        // White text on the two cells darker than half the largest (30 and 24), dark text on the
        // other seven, by class (pages carry no inline style).
        #expect(occurrences(of: "class=\"cell-value on-dark\"", in: svg) == 2)
        #expect(occurrences(of: "class=\"cell-value on-light\"", in: svg) == 7)
        #expect(!svg.contains("style="))
        #expect(svg.contains("<title>actual Chinstrap, predicted Adelie: 2</title>"))
        #expect(svg.contains(">30</text>") && svg.contains(">24</text>"))
        #expect(svg.contains(">actual</text>") && svg.contains(">predicted</text>"))
        #expect(svg.contains("fill=\"\(Palette.sequential(1))\"")) // the largest cell is the darkest
        #expect(svg.contains("class=\"legend\""))
    }

    @Test func predictedActualDrawsTheIdentityLineOnSharedAxes() {
        let svg = PredictedActualChart(title: "Fit", variable: "body_mass_g", actual: [3000, 4000, 5000], predicted: [3100, 3900, 5200]).render()
        #expect(rootTag(svg).contains("data-chart=\"predicted-actual\""))
        #expect(svg.contains("class=\"identity\""))
        #expect(svg.contains("<title>actual 4000, predicted 3900, residual 100</title>"))
        #expect(svg.contains(">actual body_mass_g</text>") && svg.contains(">predicted body_mass_g</text>"))
        #expect(occurrences(of: "<circle", in: svg) == 3 + 1)
    }

    @Test func residualPlotCentresOnZero() {
        let svg = ResidualChart(title: "Residuals", variable: "y", actual: [1, 2, 3], predicted: [1.5, 2, 2]).render()
        #expect(rootTag(svg).contains("data-chart=\"residuals\""))
        #expect(svg.contains("class=\"zero\""))
        #expect(svg.contains("<title>predicted 2, actual 3, residual 1</title>"))
        #expect(svg.contains(">-1</text>") && svg.contains(">1</text>"))
    }

    @Test func chartTextIsEscaped() {
        let svg = ScatterChart(title: "<b>t</b>", xTitle: "x&y", yTitle: "y", points: [.init(x: 1, y: 1, category: "<script>alert(1)</script>")]).render()
        #expect(!svg.contains("<script>"))
        #expect(!svg.contains("<b>"))
        #expect(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(svg.contains("x&amp;y"))
    }
}
