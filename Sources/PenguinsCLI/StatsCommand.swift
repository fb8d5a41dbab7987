import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsStatistics

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Descriptive statistics of every numeric variable, overall and by group, and counts by island and sex."
    )

    @Option(help: "Add one table per level of species, island or sex.") var by: String?
    @Option(help: "Analyse this CSV file instead of the warehouse.") var file: String?
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let by, !PenguinColumns.categoricalNames.contains(by) {
            throw ValidationError("--by must be one of \(PenguinColumns.categoricalNames.joined(separator: ", ")), got \(by)")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let columns = try await loadColumns(file: file, csv: csv, global: global)
            let report = try StatisticsReport.compute(columns, groupBy: by)
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(StatsCommand.render(report))
            }
        }
    }

    static func render(_ report: StatisticsReport) -> String {
        var out: [String] = []
        for table in report.tables {
            out.append("\(table.group) (\(table.rows) rows)")
            var text = TextTable("variable", "count", "missing", "mean", "std", "min", "25%", "median", "75%", "max")
            for name in PenguinColumns.numericNames {
                let s = table.variables[name]!
                text.add(name, "\(s.count)", "\(s.missing)", fixed(s.mean, 2), fixed(s.standardDeviation, 2), fixed(s.minimum, 2),
                         fixed(s.q1, 2), fixed(s.median, 2), fixed(s.q3, 2), fixed(s.maximum, 2))
            }
            out.append(text.rendered)
            out.append("")
        }
        let sexes = Set(report.countsByIslandAndSex.values.flatMap(\.keys)).sorted()
        var counts = TextTable(headers: ["island"] + sexes + ["total"])
        for island in report.countsByIslandAndSex.keys.sorted() {
            let row = report.countsByIslandAndSex[island]!
            counts.add(cells: [island] + sexes.map { "\(row[$0] ?? 0)" } + ["\(row.values.reduce(0, +))"])
        }
        out.append("counts by island and sex")
        out.append(counts.rendered)
        return out.joined(separator: "\n")
    }
}

/// The penguins of a file when given, else of the warehouse (which must not be empty).
func loadColumns(file: String?, csv: CSVOptions, global: GlobalOptions) async throws -> PenguinColumns {
    if let file { return try PenguinColumns.load(file: URL(fileURLWithPath: file), overrides: csv.overrides) }
    let columns = try await PenguinColumns.load(from: global.platform().warehouse)
    guard columns.count > 0 else { throw PipelineError.emptyWarehouse }
    return columns
}
