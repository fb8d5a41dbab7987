import Foundation
import PenguinsCore
import PenguinsStatistics

/// Descriptive statistics of every numeric variable, overall and per group, and the counts
/// of island by sex.
public struct StatisticsReport: Codable, Sendable {
    /// One table: the summary of each numeric variable.
    public struct Table: Codable, Sendable {
        /// The group this table describes (`all`, or `species=Adelie`, ...).
        public var group: String
        public var rows: Int
        public var variables: [String: Summary]
    }

    public var tables: [Table]
    /// `countsByIslandAndSex[island][sex]`, missing sex as `missing`.
    public var countsByIslandAndSex: [String: [String: Int]]

    /// Computes the report; `groupBy` (species, island or sex) adds one table per level.
    public static func compute(_ columns: PenguinColumns, groupBy: String? = nil) throws -> StatisticsReport {
        var tables = [table(columns, group: "all", rows: Array(0..<columns.count))]
        if let groupBy {
            guard let key = columns.categorical(groupBy) else {
                throw PipelineError.unknownColumn(groupBy, expected: PenguinColumns.categoricalNames)
            }
            var members: [String: [Int]] = [:]
            for (index, level) in key.enumerated() { members[level ?? "missing", default: []].append(index) }
            for level in members.keys.sorted() {
                tables.append(table(columns, group: "\(groupBy)=\(level)", rows: members[level]!))
            }
        }
        var counts: [String: [String: Int]] = [:]
        for index in 0..<columns.count {
            counts[columns.island[index] ?? "missing", default: [:]][columns.sex[index] ?? "missing", default: 0] += 1
        }
        return StatisticsReport(tables: tables, countsByIslandAndSex: counts)
    }

    private static func table(_ columns: PenguinColumns, group: String, rows: [Int]) -> Table {
        var variables: [String: Summary] = [:]
        let all = rows.count == columns.count
        for name in PenguinColumns.numericNames {
            let column = columns.numeric(name)!
            variables[name] = Descriptive.summarize(all ? column : rows.map { column[$0] })
        }
        return Table(group: group, rows: rows.count, variables: variables)
    }
}
