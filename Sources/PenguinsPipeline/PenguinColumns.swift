import Foundation
import PenguinsCore
import PenguinsStorage

/// Penguins as columns: the shape statistics and regression work on.
public struct PenguinColumns: Sendable {
    public var measurements: [Feature: [Double?]] = Dictionary(uniqueKeysWithValues: Feature.allCases.map { ($0, []) })
    public var year: [Double?] = []
    public var species: [String?] = []
    public var island: [String?] = []
    public var sex: [String?] = []
    public var count: Int { species.count }

    public init() {}

    public init(_ penguins: some Sequence<Penguin>) {
        for penguin in penguins { append(penguin) }
    }

    public mutating func append(_ penguin: Penguin) {
        for feature in Feature.allCases { measurements[feature]!.append(penguin.measurements[feature]) }
        year.append(Double(penguin.year))
        species.append(penguin.species.rawValue)
        island.append(penguin.island.rawValue)
        sex.append(penguin.sex?.rawValue)
    }

    /// Every warehouse row, read one page at a time.
    public static func load(from warehouse: any Warehouse) async throws -> PenguinColumns {
        var columns = PenguinColumns()
        try await warehouse.forEachBatch(batchSize: 50_000) { rows in
            for row in rows { columns.append(row.penguin) }
        }
        return columns
    }

    /// Every accepted row of a CSV file in either layout (rejected rows are left out).
    public static func load(file: URL) throws -> PenguinColumns {
        var reader = try PenguinFile(url: file)
        var columns = PenguinColumns()
        while let batch = try reader.nextBatch(maxCount: 50_000) {
            for case .accepted(let penguin) in batch { columns.append(penguin) }
        }
        return columns
    }

    /// The numeric variables, by name: the four measurements and the year.
    public static let numericNames: [String] = Feature.allCases.map(\.rawValue) + ["year"]
    /// The categorical variables, by name.
    public static let categoricalNames = ["species", "island", "sex"]

    /// A numeric column by name.
    public func numeric(_ name: String) -> [Double?]? {
        if name == "year" { return year }
        return Feature(name: name).flatMap { measurements[$0] }
    }

    /// A categorical column by name.
    public func categorical(_ name: String) -> [String?]? {
        switch name {
        case "species": species
        case "island": island
        case "sex": sex
        default: nil
        }
    }
}
