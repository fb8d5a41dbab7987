import Foundation
import PenguinsCore
import PostgresNIO

extension PostgresRecordWarehouse {
    /// The records counted by PostgreSQL (``RecordCounts``): one `GROUP BY` per partition and
    /// numeric feature (class, categorical levels, the feature's value), and one per partition of
    /// which numeric features are present, joined by `UNION ALL` so that PostgreSQL's parallel
    /// workers take the branches side by side; within a partition its own level is written as a
    /// constant rather than grouped. The sample is drawn beside it (``sampleQuery(size:percent:)``)
    /// on another connection; both are of one data version (``atOneVersion(_:)``). Only the counts
    /// travel: a few tens of thousands of rows for measured data, whatever the table holds.
    public func countRecords(sampleSize: Int, cellLimit: Int) async throws -> RecordCounts? {
        let numeric = schema.numericFeatureIndices
        guard numeric.count < 64 else { return nil }
        let counting = PostgresQuery(unsafeSQL: countsQuery())
        let (store, schema, coding, table) = (store, schema, coding, tables.warehouse)
        let sampleQuery = sampleQuery(size:percent:)
        let counted = try await atOneVersion { () -> RecordCounts? in
            async let sample = store.run(.warehouse, bulk: true) { client in
                func draw(percent: Double?) async throws -> RecordColumns {
                    var sample = RecordColumns(features: Array(repeating: [], count: schema.features.count))
                    for try await row in try await client.query(PostgresQuery(unsafeSQL: sampleQuery(sampleSize, percent))) {
                        try Self.append(row.makeRandomAccess(), to: &sample, schema: schema, coding: coding,
                                        featureIndices: Array(schema.features.indices), predictions: false)
                    }
                    return sample
                }
                // Rows kept with a chance of three times the sample's share, then drawn among;
                // every row when too few were kept.
                let rows = try await PostgresStore.count(client, "SELECT count(*) FROM \(unescaped: table)")
                let percent = 100 * Double(3 * sampleSize) / Double(max(rows, 1))
                let sample = try await draw(percent: percent < 100 ? percent : nil)
                return sample.count >= min(sampleSize, rows) ? sample : try await draw(percent: nil)
            }
            let cells = try await store.run(.warehouse, bulk: true) { client in
                try await Self.cells(of: client.query(counting), schema: schema, coding: coding, limit: cellLimit)
            }
            guard let cells else { return nil }
            return RecordCounts(version: 0, values: cells.values, presence: cells.presence, sample: try await sample)
        }
        guard let (version, counts) = counted else { return nil }
        var versioned = counts
        versioned.version = version
        return versioned
    }

    /// The counting query: columns `k` (the numeric feature's position among the numeric
    /// features, -1 for presence), the target, each categorical feature, `v` (the feature's
    /// value), `p` (the bits of the numeric features present) and the count.
    func countsQuery() -> String {
        let numeric = schema.numericFeatureIndices
        let categorical = schema.categoricalFeatureIndices
        let present = numeric.isEmpty ? "0::int8"
            : "(" + numeric.enumerated().map { "((\(tables.featureColumns[$1]) IS NOT NULL)::int::int8 << \($0))" }.joined(separator: " | ") + ")"
        // Each partition table with the level it holds (nil for the default partition, which groups the column).
        let partitions = tables.partitionLevels.indices.map { (tables.partition(level: $0), Optional(tables.partitionLevels[$0])) }
            + [(tables.defaultPartition, nil)]
        var branches: [String] = []
        for (table, level) in partitions {
            // The grouped columns, with the partition's own column as a constant.
            let grouped = [tables.targetColumn] + categorical.map { tables.featureColumns[$0] }
            let selected = grouped.map { column in
                guard let level, column == tables.partitionColumn else { return column }
                return "\(DatasetTables.literal(level))::text"
            }
            let keys = grouped.filter { level == nil || $0 != tables.partitionColumn }
            func branch(_ k: Int, value: String, present: String, by key: String?) -> String {
                let groupBy = (keys + [key].compactMap { $0 }).joined(separator: ", ")
                return "SELECT \(k), \(selected.joined(separator: ", ")), \(value), \(present), count(*) FROM \(table)"
                    + (groupBy.isEmpty ? "" : " GROUP BY \(groupBy)")
            }
            for (position, feature) in numeric.enumerated() {
                let column = tables.featureColumns[feature]
                branches.append(branch(position, value: "\(column)::float8", present: "NULL::int8", by: column))
            }
            branches.append(branch(-1, value: "NULL::float8", present: present, by: numeric.isEmpty ? nil : present))
        }
        return branches.joined(separator: "\nUNION ALL\n")
    }

    /// `size` records drawn uniformly, with every feature: of all records, or of those a
    /// Bernoulli sample keeps with a chance of `percent`. Each record kept independently,
    /// then `size` of them drawn, is a uniform draw from all whenever `size` were kept.
    func sampleQuery(size: Int, percent: Double?) -> String {
        let selected = [tables.idColumn, tables.targetColumn] + tables.featureColumns
        let sampled = percent.map { " TABLESAMPLE BERNOULLI (\($0))" } ?? ""
        return "SELECT \(selected.joined(separator: ", ")) FROM \(tables.warehouse)\(sampled) ORDER BY random() LIMIT \(max(0, size))"
    }

    /// The rows of ``countsQuery()`` as cells; nil when there are more than `limit`.
    private static func cells(
        of rows: PostgresRowSequence, schema: DatasetSchema, coding: RecordCoding, limit: Int
    ) async throws -> (values: [Int: [RecordCounts.Cell<Double>]], presence: [RecordCounts.Cell<UInt64>])? {
        let numeric = schema.numericFeatureIndices
        let categorical = schema.categoricalFeatureIndices
        var values: [Int: [RecordCounts.Cell<Double>]] = [:]
        var presence: [RecordCounts.Cell<UInt64>] = []
        var read = 0
        for try await row in rows {
            read += 1
            guard read <= limit else { return nil }
            let cells = row.makeRandomAccess()
            let k = try cells[0].decode(Int.self)
            let stored = try cells[1].decode(String.self)
            let targetClass = try coding.targetClass(stored, id: "a record")
            let levels = try categorical.enumerated().map { column, feature in
                try cells[2 + column].decode(String?.self).map { Int(try coding.level($0, feature: feature, id: "a record")) }
                    ?? schema.features[feature].levels.count
            }
            let after = 2 + categorical.count
            let count = try cells[after + 2].decode(Int.self)
            guard count > 0 else { continue }
            if k >= 0 {
                let value = try cells[after].decode(Double?.self) ?? .nan
                values[numeric[k], default: []].append(.init(targetClass: targetClass, levels: levels, key: value, count: count))
            } else {
                let present = UInt64(bitPattern: try cells[after + 1].decode(Int64.self))
                presence.append(.init(targetClass: targetClass, levels: levels, key: present, count: count))
            }
        }
        return (values, presence)
    }
}
