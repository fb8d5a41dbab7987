import Foundation
import PenguinsCore
import PenguinsStorage

/// Named columns of a dataset: what statistics and the regression lab read, whatever the dataset.
public protocol ColumnTable: Sendable {
    /// The numeric columns, in the dataset's order.
    var numericNames: [String] { get }
    /// The categorical columns (the target first), in the dataset's order.
    var categoricalNames: [String] { get }
    var count: Int { get }
    /// A numeric column by name, nil when there is none of that name.
    func numeric(_ name: String) -> [Double?]?
    /// A categorical column by name, nil when there is none of that name.
    func categorical(_ name: String) -> [String?]?
    /// The rows that have both numeric columns `x` and `y`: of the whole table when this one is
    /// a sample of it (what a scatter plot of the sample says it was drawn from).
    func presentTogether(_ x: String, _ y: String) -> Int
}

extension ColumnTable {
    public func presentTogether(_ x: String, _ y: String) -> Int { rowsWithBoth(x, y) }

    /// The rows of this table that have both numeric columns `x` and `y`.
    func rowsWithBoth(_ x: String, _ y: String) -> Int {
        guard let xs = numeric(x), let ys = numeric(y) else { return 0 }
        return zip(xs, ys).reduce(0) { $0 + ($1.0 != nil && $1.1 != nil ? 1 : 0) }
    }
}

/// The columns of any dataset, from its warehouse or from a file: each numeric feature, and
/// the target and each categorical feature as their class and level names.
public struct DatasetColumns: ColumnTable {
    public let schema: DatasetSchema
    public let records: RecordColumns
    /// For a sample of a larger table, the rows of that table that have both of two numeric
    /// features, by `[feature][feature]` schema index; nil when `records` are the whole table.
    public let populationPresentTogether: [[Int]]?

    public init(schema: DatasetSchema, records: RecordColumns, populationPresentTogether: [[Int]]? = nil) {
        self.schema = schema
        self.records = records
        self.populationPresentTogether = populationPresentTogether
    }

    public var numericNames: [String] { DatasetColumns.numericNames(of: schema) }
    public var categoricalNames: [String] { DatasetColumns.categoricalNames(of: schema) }

    /// The numeric features of `schema`, in its order.
    public static func numericNames(of schema: DatasetSchema) -> [String] {
        schema.features.filter { $0.kind == .numeric }.map(\.name)
    }

    /// The target and the categorical features of `schema`, in its order.
    public static func categoricalNames(of schema: DatasetSchema) -> [String] {
        [schema.target.name] + schema.features.filter { $0.kind == .categorical }.map(\.name)
    }
    public var count: Int { records.count }

    public func numeric(_ name: String) -> [Double?]? {
        guard let index = schema.features.firstIndex(where: { $0.name == name && $0.kind == .numeric }) else { return nil }
        return records.features[index].map { $0.isNaN ? nil : $0 }
    }

    public func presentTogether(_ x: String, _ y: String) -> Int {
        guard let population = populationPresentTogether,
              let a = schema.features.firstIndex(where: { $0.name == x && $0.kind == .numeric }),
              let b = schema.features.firstIndex(where: { $0.name == y && $0.kind == .numeric })
        else { return rowsWithBoth(x, y) }
        return population[a][b]
    }

    public func categorical(_ name: String) -> [String?]? {
        if name == schema.target.name { return records.targetClasses.map { schema.target.classes[$0] } }
        guard let index = schema.features.firstIndex(where: { $0.name == name && $0.kind == .categorical }) else { return nil }
        let levels = schema.features[index].levels
        return records.features[index].map { $0.isNaN ? nil : levels[Int($0)] }
    }

    /// Every stored row of the dataset.
    public static func load(from warehouse: any RecordWarehouse) async throws -> DatasetColumns {
        let schema = warehouse.schema
        return DatasetColumns(schema: schema, records: try await warehouse.columns(featureIndices: Array(schema.features.indices)))
    }

    /// Every accepted row of a CSV file of the dataset (rejected rows are left out).
    public static func load(file: URL, schema: DatasetSchema, overrides: CSVDialect.Overrides = .none) throws -> DatasetColumns {
        var reader = try DatasetFile(url: file, schema: schema, overrides: overrides)
        var records = RecordColumns(features: Array(repeating: [], count: schema.features.count))
        let all = Array(schema.features.indices)
        while let batch = try reader.nextBatch(maxCount: 50_000) {
            for case .accepted(let record) in batch { records.append(record, featureIndices: all) }
        }
        return DatasetColumns(schema: schema, records: records)
    }
}
