import Foundation

/// Streams one penguin CSV file as batches of cleaned rows.
///
/// Opening reads the header and detects the layout; each ``nextBatch(maxCount:)`` then reads
/// at most `maxCount` records. Only the current batch is held in memory, however large the file.
public struct PenguinFile {
    /// The file being read.
    public let url: URL
    /// The layout detected from the header.
    public var layout: PenguinLayout { parser.layout }
    /// The header's columns under their normalised names, in file order.
    public var columnNames: [String] { parser.columnNames }
    /// How the file is written, as detected (or overridden) when it was opened.
    public var dialect: CSVDialect { reader.dialect }
    /// Where its rows come from: the file's name and dialect (each penguin knows its line).
    public var provenance: Provenance { Provenance(file: url.lastPathComponent, dialect: reader.dialect) }
    /// Number of data records read so far (the header is not counted).
    public private(set) var recordsRead = 0

    private var reader: CSVReader
    private var parser: PenguinRowParser

    /// Opens `url`, detects its dialect, reads its header and detects the layout.
    /// - Parameter overrides: parts of the dialect to take as given instead of detecting them.
    /// - Throws: an ``IngestError``: the file is missing, unreadable or empty, or its header
    ///   matches no layout.
    public init(url: URL, overrides: CSVDialect.Overrides = .none) throws {
        var reader = try CSVReader(url: url, overrides: overrides)
        guard let header = try reader.next() else { throw IngestError.emptyFile(path: url.path) }
        self.parser = try PenguinRowParser(header: header, source: url.path, dialect: reader.dialect)
        self.reader = reader
        self.url = url
    }

    /// The outcomes of the next at most `maxCount` records, or nil at the end of the file.
    /// Accepted penguins carry their ``Penguin/sourceLine``.
    /// - Throws: ``IngestError/unterminatedQuote(path:line:)`` or ``IngestError/unreadable(path:reason:)``.
    public mutating func nextBatch(maxCount: Int) throws -> [RowOutcome]? {
        precondition(maxCount > 0, "a batch holds at least one row")
        var batch: [RowOutcome] = []
        batch.reserveCapacity(min(maxCount, 65_536))
        while batch.count < maxCount, let record = try reader.next() {
            batch.append(parser.parse(record))
        }
        recordsRead += batch.count
        return batch.isEmpty ? nil : batch
    }
}

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
