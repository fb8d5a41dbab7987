import Foundation
import PenguinsCore
import PenguinsStorage

/// Penguins as columns: the shape statistics and regression work on.
public struct PenguinColumns: Sendable {
    /// One column per feature, in ``Feature/allCases`` order.
    public internal(set) var featureColumns: [[Double?]] = Feature.allCases.map { _ in [] }
    public var year: [Double?] = []
    public var species: [String?] = []
    public var island: [String?] = []
    public var sex: [String?] = []
    public var count: Int { species.count }

    public init() {}

    public init(_ penguins: [Penguin]) {
        append(contentsOf: penguins)
    }

    /// Each feature's column, by feature.
    public var measurements: [Feature: [Double?]] {
        Dictionary(uniqueKeysWithValues: zip(Feature.allCases, featureColumns))
    }

    /// Reserves room for `count` rows in every column.
    public mutating func reserveCapacity(_ count: Int) {
        for index in featureColumns.indices { featureColumns[index].reserveCapacity(count) }
        year.reserveCapacity(count)
        species.reserveCapacity(count)
        island.reserveCapacity(count)
        sex.reserveCapacity(count)
    }

    /// Appends penguins, in one pass.
    public mutating func append(contentsOf penguins: some Sequence<Penguin>) {
        for penguin in penguins {
            for (index, feature) in Feature.allCases.enumerated() {
                featureColumns[index].append(penguin.measurements[feature])
            }
            year.append(Double(penguin.year))
            species.append(penguin.species.rawValue)
            island.append(penguin.island.rawValue)
            sex.append(penguin.sex?.rawValue)
        }
    }

    /// Every warehouse row, read one page at a time.
    public static func load(from warehouse: any Warehouse) async throws -> PenguinColumns {
        let coding = PenguinRecords(schema: warehouse.recordWarehouse.schema)
        let read = try await warehouse.recordWarehouse.columns(
            featureIndices: coding.measurementIndices + [coding.islandIndex, coding.sexIndex, coding.yearIndex])
        var columns = PenguinColumns()
        columns.reserveCapacity(read.count)
        for (index, values) in read.features.prefix(4).enumerated() {
            columns.featureColumns[index] = values.map { $0.isNaN ? nil : $0 }
        }
        columns.island = read.features[4].map { coding.island(level: $0)?.rawValue }
        columns.sex = read.features[5].map { coding.sex(level: $0)?.rawValue }
        columns.year = read.features[6].map { $0.isNaN ? nil : $0 }
        columns.species = read.targetClasses.map { coding.species(ofClass: $0)?.rawValue }
        return columns
    }

    /// Every accepted row of a CSV file in either layout (rejected rows are left out).
    /// - Parameter overrides: parts of the file's dialect to take as given instead of detecting them.
    public static func load(file: URL, overrides: CSVDialect.Overrides = .none) throws -> PenguinColumns {
        var reader = try PenguinFile(url: file, overrides: overrides)
        var columns = PenguinColumns()
        while let batch = try reader.nextBatch(maxCount: 50_000) {
            columns.append(contentsOf: batch.compactMap(\.penguin))
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
        return Feature(name: name).map { featureColumns[Feature.allCases.firstIndex(of: $0)!] }
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
