import Foundation
import PenguinsCore
import PenguinsStatistics

/// Descriptive statistics of every numeric variable, overall and per group, and the counts of
/// every categorical one (for the penguins also of island by sex).
public struct StatisticsReport: Codable, Sendable {
    /// One table: the summary of each numeric variable.
    public struct Table: Codable, Sendable {
        /// The group this table describes (`all`, or `species=Adelie`, ...).
        public var group: String
        public var rows: Int
        public var variables: [String: Summary]
    }

    public var tables: [Table]
    /// `categories[column][level]`: the rows of each level of each categorical column, missing values as `missing`.
    public var categories: [String: [String: Int]]
    /// `countsByIslandAndSex[island][sex]`, missing sex as `missing`; only for columns named island and sex.
    public var countsByIslandAndSex: [String: [String: Int]]?
    /// The two columns ``countsByIslandAndSex`` crosses, whose counts it gives.
    public static let crossedColumns: Set<String> = ["island", "sex"]

    /// Computes the report; `groupBy` (a categorical column) adds one table per level.
    public static func compute(_ columns: some ColumnTable, groupBy: String? = nil) throws -> StatisticsReport {
        var tables = [table(columns, group: "all", rows: Array(0..<columns.count))]
        if let groupBy {
            guard let key = columns.categorical(groupBy) else {
                throw PipelineError.unknownColumn(groupBy, expected: columns.categoricalNames)
            }
            var members: [String: [Int]] = [:]
            for (index, level) in key.enumerated() { members[level ?? "missing", default: []].append(index) }
            for level in members.keys.sorted() {
                tables.append(table(columns, group: "\(groupBy)=\(level)", rows: members[level]!))
            }
        }
        var categories: [String: [String: Int]] = [:]
        for name in columns.categoricalNames {
            var counts: [String: Int] = [:]
            for level in columns.categorical(name)! { counts[level ?? "missing", default: 0] += 1 }
            categories[name] = counts
        }
        var islandBySex: [String: [String: Int]]?
        if let islands = columns.categorical("island"), let sexes = columns.categorical("sex") {
            var counts: [String: [String: Int]] = [:]
            for index in 0..<columns.count {
                counts[islands[index] ?? "missing", default: [:]][sexes[index] ?? "missing", default: 0] += 1
            }
            islandBySex = counts
        }
        return StatisticsReport(tables: tables, categories: categories, countsByIslandAndSex: islandBySex)
    }

    private static func table(_ columns: some ColumnTable, group: String, rows: [Int]) -> Table {
        var variables: [String: Summary] = [:]
        let all = rows.count == columns.count
        for name in columns.numericNames {
            let column = columns.numeric(name)!
            variables[name] = Descriptive.summarize(all ? column : rows.map { column[$0] })
        }
        return Table(group: group, rows: rows.count, variables: variables)
    }
}
