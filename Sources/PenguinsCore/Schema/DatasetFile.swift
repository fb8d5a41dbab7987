import Foundation

/// Streams one CSV file of a dataset as batches of clean records, read with its schema.
///
/// Opening detects the dialect and matches the header to the schema; each
/// ``nextBatch(maxCount:)`` then reads at most `maxCount` records, so memory stays flat.
public struct DatasetFile {
    public let url: URL
    /// How the file is written, as detected (or overridden).
    public var dialect: CSVDialect { reader.dialect }
    /// The parser built from the schema and the header.
    public let parser: SchemaRowParser
    /// Data records read so far (the header is not counted).
    public private(set) var recordsRead = 0

    private var reader: CSVReader
    /// The ids made so far from rows' contents.
    private var occurrences = SchemaRowParser.Occurrences()

    /// Opens `url` and matches its header to `schema`.
    /// - Throws: an ``IngestError``: the file is missing, unreadable or empty, or lacks a
    ///   column the schema requires.
    /// - Parameter requiringTarget: false for a file to predict, read with ``nextFeatureBatch(maxCount:)``.
    public init(url: URL, schema: DatasetSchema, overrides: CSVDialect.Overrides = .none, requiringTarget: Bool = true) throws {
        var reader = try CSVReader(url: url, overrides: overrides)
        guard let header = try reader.next() else { throw IngestError.emptyFile(path: url.path) }
        parser = try SchemaRowParser(
            schema: schema, header: header, source: url.path, dialect: reader.dialect, requiringTarget: requiringTarget)
        self.reader = reader
        self.url = url
    }

    /// The outcomes of the next at most `maxCount` records, or nil at the end of the file.
    public mutating func nextBatch(maxCount: Int) throws -> [DatasetRowOutcome]? {
        precondition(maxCount > 0, "a batch holds at least one row")
        var batch: [DatasetRowOutcome] = []
        batch.reserveCapacity(min(maxCount, 65_536))
        while batch.count < maxCount, let record = try reader.next() {
            batch.append(parser.parse(record, occurrences: &occurrences))
        }
        recordsRead += batch.count
        return batch.isEmpty ? nil : batch
    }

    /// The features of the next at most `maxCount` records of a file to predict, or nil at the end of the file.
    public mutating func nextFeatureBatch(maxCount: Int) throws -> [FeatureRowOutcome]? {
        precondition(maxCount > 0, "a batch holds at least one row")
        var batch: [FeatureRowOutcome] = []
        batch.reserveCapacity(min(maxCount, 65_536))
        while batch.count < maxCount, let record = try reader.next() {
            batch.append(parser.parseFeatures(record))
        }
        recordsRead += batch.count
        return batch.isEmpty ? nil : batch
    }
}
