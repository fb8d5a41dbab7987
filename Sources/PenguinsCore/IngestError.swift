import Foundation

/// Why a source file could not be read as a dataset's data. Each description says what to do.
///
/// These errors concern a whole file. A single bad row is not an error: it becomes a
/// ``RejectedRow`` and the rest of the file is still read.
public enum IngestError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No file exists at the path.
    case fileNotFound(path: String)
    /// The path exists but could not be opened or read (a directory, missing permission, I/O error).
    case unreadable(path: String, reason: String)
    /// The file has no header line at all.
    case emptyFile(path: String)
    /// A quoted field opened on `line` is never closed before the end of the file.
    case unterminatedQuote(path: String, line: Int)
    /// The header lacks columns the dataset's schema requires: `missing` names each, with the
    /// other spellings the schema accepts for it. `found` are the columns read from the header
    /// with `dialect`'s separator.
    case missingColumns(source: String, dataset: String, missing: [String], found: [String], dialect: CSVDialect)
    /// Two header columns normalise to the same name, so their values cannot be told apart.
    case duplicateColumn(source: String, name: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "No file at \(path). Check the path, or pass the bundled data set instead."
        case .unreadable(let path, let reason):
            return "Cannot read \(path): \(reason). Check that it is a regular file you are allowed to read."
        case .emptyFile(let path):
            return "\(path) is empty: a CSV needs a header line followed by one line per row."
        case .unterminatedQuote(let path, let line):
            return "\(path): the quoted field that starts on line \(line) is never closed. "
                + "Close the quote, or double any quote character inside the field (\"\")."
        case .missingColumns(let source, let dataset, let missing, let found, let dialect):
            let separator = dialect.delimiter == .tab ? "tab" : "\"\(dialect.delimiter.rawValue)\""
            var text = "\(source): the header lacks the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) "
                + "that dataset \(dataset) requires. Read with the separator \(separator), it has \(found.count) column\(found.count == 1 ? "" : "s"): "
                + found.map { "\"\($0)\"" }.joined(separator: ", ") + "."
            text += found.count == 1
                ? " A single column usually means another separator: pass --delimiter comma, semicolon, tab or pipe."
                : " Rename the columns, or list their spellings under `headers` in the schema (`penguins datasets show \(dataset)`)."
            return text
        case .duplicateColumn(let source, let name):
            return "\(source): two header columns both mean \"\(name)\". Rename or remove one of them."
        }
    }

    public var errorDescription: String? { description }
}
