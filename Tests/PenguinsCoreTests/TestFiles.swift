import Foundation
import PenguinsCore
import PenguinsTestSupport
import Testing

/// Scratch files for tests, each in its own new temporary directory.
enum TestFiles {
    /// A new empty directory under the system's temporary directory.
    static func makeDirectory() throws -> URL {
        let directory = Scratch.directory.appendingPathComponent("penguins-core-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes `text` byte for byte to a new file and returns its URL.
    static func write(_ text: String, name: String = "data.csv") throws -> URL {
        let url = try makeDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Writes `bytes` to a new file and returns its URL.
    static func write(bytes: [UInt8], name: String = "data.csv") throws -> URL {
        let url = try makeDirectory().appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// `text` encoded as Windows-1252 (every character must have a byte in that code page).
    static func windows1252(_ text: String) -> [UInt8] {
        guard let data = text.data(using: .windowsCP1252) else { fatalError("\(text) has characters Windows-1252 lacks") }
        return Array(data)
    }

    /// A committed fixture of this target.
    static func fixture(_ name: String, _ fileExtension: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: fileExtension, subdirectory: "Fixtures"))
    }

    /// Every record of `url`.
    static func records(
        of url: URL, chunkSize: Int = CSVReader.defaultChunkSize, overrides: CSVDialect.Overrides = .none
    ) throws -> [CSVRecord] {
        var reader = try CSVReader(url: url, chunkSize: chunkSize, overrides: overrides)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// Every outcome of a penguin file, read in small batches as the platform reads it (with
    /// the penguins' schema), each accepted row seen as its penguin.
    static func outcomes(of url: URL, overrides: CSVDialect.Overrides = .none) throws -> [PenguinOutcome] {
        var file = try DatasetFile(url: url, schema: BundledSchemas.penguins, overrides: overrides)
        let fileColumns = file.parser.featureColumns
        var outcomes: [PenguinOutcome] = []
        while let batch = try file.nextBatch(maxCount: 50) {
            outcomes += batch.map { PenguinOutcome($0, fileColumns: fileColumns) }
        }
        return outcomes
    }
}

/// A row of a penguin file as the platform reads it: the penguin its lake document describes,
/// or the rejection.
enum PenguinOutcome: Hashable {
    case accepted(Penguin)
    case rejected(RejectedRow)

    init(_ outcome: DatasetRowOutcome, fileColumns: [Bool]) {
        switch outcome {
        case .accepted(let record):
            guard let penguin = PenguinRecords.bundled.penguin(read: record, fileColumns: fileColumns) else {
                preconditionFailure("the bundled schema reads only penguins, not \(record)")
            }
            self = .accepted(penguin)
        case .rejected(let row): self = .rejected(row)
        }
    }

    var penguin: Penguin? {
        if case .accepted(let penguin) = self { return penguin }
        return nil
    }

    var rejection: RejectedRow? {
        if case .rejected(let row) = self { return row }
        return nil
    }
}

/// Reads the rows of a penguin file one by one with the penguins' schema, as the platform does.
struct PenguinRowReader {
    let parser: SchemaRowParser
    let fileColumns: [Bool]
    var occurrences = SchemaRowParser.Occurrences()

    init(header: CSVRecord, source: String, dialect: CSVDialect = .standard) throws {
        parser = try SchemaRowParser(schema: BundledSchemas.penguins, header: header, source: source, dialect: dialect)
        fileColumns = parser.featureColumns
    }

    mutating func parse(_ record: CSVRecord) -> PenguinOutcome {
        PenguinOutcome(parser.parse(record, occurrences: &occurrences), fileColumns: fileColumns)
    }
}
