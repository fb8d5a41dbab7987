import PenguinsCore
import PenguinsPipeline

/// The scatter plot a reader chooses: two numeric columns of any column table coloured by a
/// categorical one, picked in a form that submits `x`, `y` and `colour` to the page it is on.
struct ChosenScatter {
    var x: String
    var y: String
    var colour: String

    /// The choice of `x`, `y` and `colour`; each one not asked for, or not a column of
    /// `columns`, is its default (`defaults`, the dataset's default scatter plot, else the first
    /// two numeric columns and the first categorical one). Nil when the table has no numeric or no categorical column.
    init?(
        columns: some ColumnTable, x: String?, y: String?, colour: String?,
        defaults: ScatterDefault? = nil
    ) {
        let numeric = columns.numericNames
        let categorical = columns.categoricalNames
        guard !numeric.isEmpty, !categorical.isEmpty else { return nil }
        func pick(_ chosen: String?, _ preferred: String?, among names: [String], otherwise fallback: String) -> String {
            [chosen, preferred].compactMap { $0 }.first(where: names.contains) ?? fallback
        }
        self.x = pick(x, defaults?.x, among: numeric, otherwise: numeric[0])
        self.y = pick(y, defaults?.y, among: numeric, otherwise: numeric[min(1, numeric.count - 1)])
        self.colour = pick(colour, defaults?.colour, among: categorical, otherwise: categorical[0])
    }

    /// The form choosing the columns, submitted to `action` (with `extraFields`, hidden).
    func form(columns: some ColumnTable, action: String, extraFields: [String: String] = [:]) -> String {
        func select(_ field: String, _ options: [String], _ chosen: String) -> String {
            "<label>\(field) <select name=\"\(field)\">" + options.map {
                "<option\($0 == chosen ? " selected" : "")>\(HTML.escape($0))</option>"
            }.joined() + "</select></label>"
        }
        var out = "<form class=\"inline\" method=\"get\" action=\"\(HTML.escape(action))\">"
        for (name, value) in extraFields.sorted(by: { $0.key < $1.key }) {
            out += "<input type=\"hidden\" name=\"\(HTML.escape(name))\" value=\"\(HTML.escape(value))\">"
        }
        out += select("x", columns.numericNames, x) + select("y", columns.numericNames, y) + select("colour", columns.categoricalNames, colour)
        return out + "<button type=\"submit\">Plot</button></form>"
    }

    /// The chart, over at most ``Sampling/defaultLimit`` evenly spaced rows; a missing level is `missing`.
    func chart(columns: some ColumnTable) -> String {
        let xs = columns.numeric(x) ?? [], ys = columns.numeric(y) ?? [], levels = columns.categorical(colour) ?? []
        let rowCount = min(xs.count, ys.count, levels.count)
        var points: [ScatterChart.Point] = []
        for index in Sampling.evenIndices(count: rowCount) {
            guard let a = xs[index], let b = ys[index] else { continue }
            let level = levels[index] ?? "missing"
            points.append(ScatterChart.Point(x: a, y: b, category: level, label: "\(colour) \(level): \(x) \(Format.compact(a)), \(y) \(Format.compact(b))"))
        }
        let order = Set(levels.prefix(rowCount).map { $0 ?? "missing" }).sorted()
        return ScatterChart(title: "\(x) vs \(y), by \(colour)", xTitle: x, yTitle: y, points: points, categories: order, totalCount: columns.presentTogether(x, y)).render()
    }
}
