import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsStatistics

struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Descriptive statistics of every numeric variable, overall and by group, and counts of every categorical one."
    )

    @Option(help: "Add one table per level of a categorical column (for the penguins species, island or sex).") var by: String?
    @Option(help: "Analyse this CSV file instead of the warehouse.") var file: String?
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let platform = try await global.platform()
            let warehouse = try await platform.recordWarehouse(of: platform.schema(ofDataset: dataset.name))
            let report: StatisticsReport?
            if let file {
                let columns = try DatasetColumns.load(file: URL(fileURLWithPath: file), schema: warehouse.schema, overrides: csv.overrides)
                report = try StatisticsReport.compute(columns, groupBy: by)
            } else {
                // The counts saved in the store, brought up to date with the rows inserted since.
                report = try await SavedAggregates.statistics(of: warehouse).report(groupBy: by)
            }
            guard let report else { throw PipelineError.emptyWarehouse(dataset: warehouse.schema.name) }
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(StatsCommand.render(report, numericNames: DatasetColumns.numericNames(of: warehouse.schema)))
            }
        }
    }

    static func render(_ report: StatisticsReport, numericNames: [String]) -> String {
        var out: [String] = []
        for table in report.tables {
            out.append("\(table.group) (\(table.rows) rows)")
            var text = TextTable("variable", "count", "missing", "mean", "std", "min", "25%", "median", "75%", "max")
            for name in numericNames {
                let s = table.variables[name]!
                text.add(name, "\(s.count)", "\(s.missing)", fixed(s.mean, 2), fixed(s.standardDeviation, 2), fixed(s.minimum, 2),
                         fixed(s.q1, 2), fixed(s.median, 2), fixed(s.q3, 2), fixed(s.maximum, 2))
            }
            out.append(text.rendered)
            out.append("")
        }
        var counted: Set<String> = []
        if let islandBySex = report.countsByIslandAndSex {
            let sexes = Set(islandBySex.values.flatMap(\.keys)).sorted()
            var counts = TextTable(headers: ["island"] + sexes + ["total"])
            for island in islandBySex.keys.sorted() {
                let row = islandBySex[island]!
                counts.add(cells: [island] + sexes.map { "\(row[$0] ?? 0)" } + ["\(row.values.reduce(0, +))"])
            }
            out.append("counts by island and sex")
            out.append(counts.rendered)
            counted = StatisticsReport.crossedColumns
        }
        for name in report.categories.keys.sorted() where !counted.contains(name) {
            let levels = report.categories[name]!
            var counts = TextTable(name, "rows")
            for level in levels.keys.sorted() { counts.add(level, "\(levels[level]!)") }
            if !out.isEmpty, out.last != "" { out.append("") }
            out.append("counts of \(name)")
            out.append(counts.rendered)
        }
        return out.joined(separator: "\n")
    }
}
