import Foundation

/// The data shipped with the platform: 344 Palmer penguins in two layouts and 150 iris flowers (see ``provenance``).
public enum BundledDataset {
    /// The raw LTER layout: `penguins-raw.csv`.
    public static var rawCSV: URL { resource("penguins-raw", withExtension: "csv") }
    /// The tidy layout: `penguins.csv`.
    public static var tidyCSV: URL { resource("penguins", withExtension: "csv") }
    /// Fisher's iris flowers, the second bundled dataset: `iris.csv`.
    public static var irisCSV: URL { resource("iris", withExtension: "csv") }
    /// Where the data comes from and its licence: `DATA-PROVENANCE.md`.
    public static var provenance: URL { resource("DATA-PROVENANCE", withExtension: "md") }

    static func resource(_ name: String, withExtension fileExtension: String) -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: fileExtension, subdirectory: "Resources") else {
            fatalError("The bundled resource \(name).\(fileExtension) is missing from the PenguinsCore bundle; rebuild the package.")
        }
        return url
    }
}
