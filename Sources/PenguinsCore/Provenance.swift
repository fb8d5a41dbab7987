/// Where a batch of rows was read from: the file and how it was read.
///
/// Each penguin read from a file knows its line (``Penguin/sourceLine``); the file is the
/// same for a whole batch, so it travels once with the batch rather than in every penguin.
/// The lake keeps the file, the line and the encoding with each document under
/// `_provenance`, so a stored value can always be traced back to the bytes it was read from;
/// the separator and decimal mark, the same for every row of a file, are in the ingest report.
public struct Provenance: Hashable, Sendable {
    /// The source file's name (without its folder).
    public var file: String
    /// How the file was read.
    public var dialect: CSVDialect
    /// Per feature of the schema the file was read with, whether the file has its column
    /// (``SchemaRowParser/featureColumns``); nil when not known. A lake that writes a document
    /// member only for the columns of its source (the penguins') reads it.
    public var featureColumns: [Bool]?

    public init(file: String, dialect: CSVDialect, featureColumns: [Bool]? = nil) {
        self.file = file
        self.dialect = dialect
        self.featureColumns = featureColumns
    }

    /// The key of the provenance in a lake document.
    public static let documentKey = "_provenance"

    /// `{"encoding", "file", "line"}` of the row on `line`.
    public func document(line: Int) -> JSONValue {
        Provenance.document(file: file, line: line, encoding: dialect.encoding.rawValue)
    }

    /// The lake document's provenance of a row read from `file`, `line`, in `encoding`: how a
    /// store that keeps the three apart from the document puts them back.
    public static func document(file: String, line: Int, encoding: String) -> JSONValue {
        .object(["file": .string(file), "line": .number(Double(line)), "encoding": .string(encoding)])
    }
}
