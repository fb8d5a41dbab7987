import Foundation

/// Why a source file could not be read as penguin data. Each description says what to do.
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
    /// The header matches neither supported layout.
    /// `missingByLayout` lists, for each layout, the expected columns the header lacks.
    case unknownHeader(source: String, found: [String], missingByLayout: [PenguinLayout: [String]])
    /// Two header columns normalise to the same name, so their values cannot be told apart.
    case duplicateColumn(source: String, name: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "No file at \(path). Check the path, or pass the bundled data set instead."
        case .unreadable(let path, let reason):
            return "Cannot read \(path): \(reason). Check that it is a regular file you are allowed to read."
        case .emptyFile(let path):
            return "\(path) is empty: a penguin CSV needs a header line followed by one line per penguin."
        case .unterminatedQuote(let path, let line):
            return "\(path): the quoted field that starts on line \(line) is never closed. "
                + "Close the quote, or double any quote character inside the field (\"\")."
        case .unknownHeader(let source, let found, let missingByLayout):
            var text = "\(source): the header (\(found.joined(separator: ", "))) matches no known layout."
            for layout in PenguinLayout.allCases {
                let expected = layout.requiredColumns.joined(separator: ", ")
                let missing = (missingByLayout[layout] ?? []).joined(separator: ", ")
                text += " The \(layout.displayName) layout expects \(expected); missing: \(missing)."
            }
            text += " Rename the columns to one of these layouts (order does not matter, extra columns are kept)."
            return text
        case .duplicateColumn(let source, let name):
            return "\(source): two header columns both mean \"\(name)\". Rename or remove one of them."
        }
    }

    public var errorDescription: String? { description }
}
