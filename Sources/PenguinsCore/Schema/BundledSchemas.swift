import Foundation

/// The datasets shipped with the platform: their schemas and data files.
public enum BundledSchemas {
    /// The Palmer penguins, the default dataset: reads both bundled layouts.
    public static let penguins = load("penguins")
    /// Fisher's iris flowers.
    public static let iris = load("iris")
    /// Every bundled schema, the default first.
    public static let all = [penguins, iris]

    /// The name of the dataset commands use unless told otherwise.
    public static let defaultName = "penguins"

    /// The bundled data file of a bundled dataset, or nil for another name.
    public static func dataFile(of name: String) -> URL? {
        switch name {
        case penguins.name: BundledDataset.rawCSV
        case iris.name: BundledDataset.irisCSV
        default: nil
        }
    }

    private static func load(_ name: String) -> DatasetSchema {
        let url = BundledDataset.resource("\(name).schema", withExtension: "yaml")
        do {
            return try DatasetSchema(yaml: String(contentsOf: url, encoding: .utf8), source: url.lastPathComponent)
        } catch {
            fatalError("The bundled schema \(url.lastPathComponent) is invalid: \(error)")
        }
    }
}
