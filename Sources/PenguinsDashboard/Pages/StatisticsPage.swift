import PenguinsCore
import PenguinsPipeline
import PenguinsStatistics

/// Descriptive statistics, counts by island and by sex and of every other categorical column,
/// and the two scatter plots.
enum StatisticsPage {
    /// `choice` is the reader's own scatter plot (`x`, `y`, `colour` of the query), shown after the two seed plots.
    static func render(
        report: StatisticsReport?, columns: DatasetColumns, choice: (x: String?, y: String?, colour: String?) = (nil, nil, nil),
        defaults: ScatterDefault? = nil
    ) -> String {
        document(content: content(report: report, columns: columns, choice: choice, defaults: defaults))
    }

    /// The page around `content`: the part of it that depends on who reads it.
    static func document(content: String) -> String {
        Layout.document(title: "Statistics", current: .statistics, body: content)
    }

    /// The page's content, the same for every reader: what a server may keep while the data is unchanged.
    static func content(
        report: StatisticsReport?, columns: DatasetColumns, choice: (x: String?, y: String?, colour: String?) = (nil, nil, nil),
        defaults: ScatterDefault? = nil
    ) -> String {
        var body = "<h1>Statistics</h1><p class=\"lead\">Descriptive statistics of every numeric variable in the warehouse, the counts by island and sex and of every other categorical column, and how the measurements separate the species and the sexes.</p>"
        let report = report ?? (columns.count > 0 ? try? StatisticsReport.compute(columns) : nil)
        guard let report, (report.tables.first?.rows ?? 0) > 0 || columns.count > 0 else {
            body += HTML.noDataYet
            return body
        }

        body += "<h2>Descriptive statistics</h2>"
        for table in report.tables {
            body += descriptiveTable(table, names: columns.numericNames)
        }

        body += "<h2>Counts</h2>"
        let counts = report.countsByIslandAndSex ?? [:]
        let islands = counts.keys.sorted()
        let sexes = Set(counts.values.flatMap(\.keys)).sorted()
        var bySex: [String: Int] = [:]
        for island in islands { for (sex, count) in counts[island]! { bySex[sex, default: 0] += count } }
        body += Layout.grid([
            Layout.figure(BarChart(
                title: "Penguins by island", xTitle: "island", yTitle: "penguins", categories: islands,
                series: sexes.map { sex in BarChart.Series(name: sex, values: islands.map { Double(counts[$0]?[sex] ?? 0) }) }
            ).render(), caption: "Bars split by sex; \"missing\" counts penguins whose sex was not recorded."),
            Layout.figure(BarChart(
                title: "Penguins by sex", xTitle: "sex", yTitle: "penguins",
                bars: sexes.map { ($0, Double(bySex[$0] ?? 0)) }, colorByCategory: true
            ).render()),
        ] + report.categories.keys.sorted().filter { !StatisticsReport.crossedColumns.contains($0) }.map { name in
            // Every other categorical column: the species, and any feature an edited schema adds.
            let levels = report.categories[name]!
            return Layout.figure(BarChart(
                title: "Penguins by \(name)", xTitle: name, yTitle: "penguins",
                bars: levels.keys.sorted().map { ($0, Double(levels[$0]!)) }, colorByCategory: true
            ).render())
        })

        body += "<h2>Measurements</h2>"
        body += Layout.grid([
            Layout.figure(scatter(columns, x: .billLength, y: .billDepth, by: "species",
                                  title: "Bill length vs bill depth, by species", xTitle: "bill length (mm)", yTitle: "bill depth (mm)",
                                  categories: Species.allCases.map(\.rawValue))),
            Layout.figure(scatter(columns, x: .flipperLength, y: .bodyMass, by: "sex",
                                  title: "Flipper length vs body mass, by sex", xTitle: "flipper length (mm)", yTitle: "body mass (g)",
                                  categories: Sex.allCases.map(\.rawValue) + ["missing"])),
        ])
        if let scatter = ChosenScatter(
            columns: columns, x: choice.x, y: choice.y, colour: choice.colour, defaults: defaults) {
            body += "<h2 id=\"scatter\">Any two measurements</h2>"
            body += "<p>Choose the axes among the numeric columns and the colour among the categorical ones.</p>"
            body += scatter.form(columns: columns, action: "/statistics") + Layout.grid([Layout.figure(scatter.chart(columns: columns))])
        }
        return body
    }

    /// The scatter plot of two measurements over at most ``Sampling/defaultLimit`` rows, coloured by the categorical column `byName`.
    static func scatter(_ columns: DatasetColumns, x: Feature, y: Feature, by byName: String,
                        title: String, xTitle: String, yTitle: String, categories: [String]) -> String {
        let xs = columns.numeric(x.rawValue) ?? []
        let ys = columns.numeric(y.rawValue) ?? []
        let levels = columns.categorical(byName) ?? []
        let rowCount = min(xs.count, ys.count, levels.count)
        var points: [ScatterChart.Point] = []
        for index in Sampling.evenIndices(count: rowCount) {
            guard let a = xs[index], let b = ys[index] else { continue }
            let level = levels[index] ?? "missing"
            points.append(ScatterChart.Point(x: a, y: b, category: level,
                                             label: "\(byName) \(level): \(xTitle) \(Format.compact(a)), \(yTitle) \(Format.compact(b))"))
        }
        return ScatterChart(title: title, xTitle: xTitle, yTitle: yTitle, points: points, categories: categories, totalCount: columns.presentTogether(x.rawValue, y.rawValue)).render()
    }

    /// One table of the report, a row per numeric variable in `names` order.
    static func descriptiveTable(_ table: StatisticsReport.Table, names: [String], rowsName: String = "All penguins") -> String {
        let headers = ["variable", "count", "missing", "mean", "std", "min", "25 %", "median", "75 %", "max"]
        let rows: [[HTML.Cell]] = names.compactMap { name in
            guard let summary = table.variables[name] else { return nil }
            let decimals = name == "year" ? 0 : 2
            return [.header(name), .number(Format.integer(summary.count)), .number(Format.integer(summary.missing)),
                    .number(Format.fixed(summary.mean, 2)), .number(Format.fixed(summary.standardDeviation, 2)),
                    .number(Format.fixed(summary.minimum, decimals)), .number(Format.fixed(summary.q1, 2)),
                    .number(Format.fixed(summary.median, 2)), .number(Format.fixed(summary.q3, 2)),
                    .number(Format.fixed(summary.maximum, decimals))]
        }
        let caption = table.group == "all" ? "\(rowsName) (\(Format.integer(table.rows)) rows)" : "\(table.group) (\(Format.integer(table.rows)) rows)"
        return HTML.table(headers: headers, rows: rows, caption: caption)
    }
}
