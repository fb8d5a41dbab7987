import Foundation

/// Streams the records of a CSV file: RFC 4180 and the dialects spreadsheets write.
///
/// The file is read in large chunks (1 MiB by default) and parsed as bytes, so memory stays
/// flat whatever the file size: only the current chunk and the record being read are held.
/// Supported: quoted fields containing separators, doubled quotes (`""`) and line breaks;
/// LF or CRLF line endings; a last line without a terminator; a UTF-8 byte order mark.
/// Blank lines are skipped (they still count for line numbers). The reader is lenient
/// where RFC 4180 is silent: a quote inside an unquoted field and text after a closing
/// quote are kept literally.
///
/// Opening reads the first chunk and detects the ``dialect`` (separator, decimal mark,
/// encoding; see ``CSVDialect/detect(in:isWholeFile:overrides:)``). In a UTF-8 file, a
/// record with bytes that are not UTF-8 is read as Windows-1252 and flagged
/// (``CSVRecord/hasInvalidUTF8``) rather than silently repaired.
///
/// A copy of a reader shares the open file with the original: read from one copy only.
public struct CSVReader {
    /// The chunk size used unless another is given: 1 MiB.
    public static let defaultChunkSize = 1 << 20

    /// The file being read.
    public let url: URL
    /// Number of records returned so far (the header counts as a record).
    public private(set) var recordsRead = 0
    /// How the file is written, detected when it was opened (or as overridden).
    public private(set) var dialect: CSVDialect

    private let file: FileHandle
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    /// Offset in `buffer` of the first byte not yet consumed.
    private var position = 0
    /// Line number of the next record's first line.
    private var nextLine = 1
    private var reachedEndOfFile = false
    private var fieldCountHint = 16

    /// Opens `url`, reads its first chunk and detects its dialect.
    /// - Parameter overrides: parts of the dialect to take as given instead of detecting them.
    /// - Throws: ``IngestError/fileNotFound(path:)`` or ``IngestError/unreadable(path:reason:)``.
    public init(url: URL, chunkSize: Int = CSVReader.defaultChunkSize, overrides: CSVDialect.Overrides = .none) throws {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw IngestError.fileNotFound(path: path)
        }
        guard !isDirectory.boolValue else {
            throw IngestError.unreadable(path: path, reason: "it is a directory")
        }
        do {
            file = try FileHandle(forReadingFrom: url)
        } catch {
            throw IngestError.unreadable(path: path, reason: error.localizedDescription)
        }
        self.url = url
        self.chunkSize = max(chunkSize, 4)
        buffer.reserveCapacity(self.chunkSize * 2)
        // Read at least the byte order mark and the header line, or the whole file if shorter.
        dialect = .standard
        repeat {
            try refill()
        } while !reachedEndOfFile && (buffer.count < 3 || !buffer.contains(CSVReader.lineFeed))
        let atEnd = reachedEndOfFile
        dialect = buffer.withUnsafeBufferPointer { CSVDialect.detect(in: $0, isWholeFile: atEnd, overrides: overrides) }
        if dialect.hasByteOrderMark { position = 3 }
    }

    /// The next record, or nil at the end of the file.
    /// - Throws: ``IngestError/unterminatedQuote(path:line:)`` when a quoted field is never closed,
    ///   ``IngestError/unreadable(path:reason:)`` on an I/O error.
    public mutating func next() throws -> CSVRecord? {
        while true {
            let atEnd = reachedEndOfFile
            let start = position
            let hint = fieldCountHint
            let delimiter = dialect.delimiter.byte
            let encoding = dialect.encoding
            let result = buffer.withUnsafeBufferPointer {
                CSVReader.scanRecord(in: $0, from: start, atEndOfFile: atEnd, fieldCountHint: hint, delimiter: delimiter, encoding: encoding)
            }
            switch result {
            case .record(let fields, let rawEnd, let next, let lineBreaksInside, let hasInvalidUTF8):
                let rawText = buffer.withUnsafeBufferPointer {
                    var ignored = false
                    return CSVReader.decode(UnsafeBufferPointer(rebasing: $0[start..<rawEnd]), encoding, invalidUTF8: &ignored)
                }
                let record = CSVRecord(fields: fields, line: nextLine, rawText: rawText, hasInvalidUTF8: hasInvalidUTF8)
                nextLine += 1 + lineBreaksInside
                position = next
                fieldCountHint = fields.count
                recordsRead += 1
                return record
            case .blankLine(let next):
                nextLine += 1
                position = next
            case .needMoreData:
                try refill()
            case .endOfFile:
                return nil
            case .unterminatedQuote:
                throw IngestError.unterminatedQuote(path: url.path, line: nextLine)
            }
        }
    }

    /// Drops the consumed bytes and appends the next chunk of the file.
    private mutating func refill() throws {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        let chunk: Data?
        do {
            chunk = try file.read(upToCount: chunkSize)
        } catch {
            throw IngestError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        if let chunk, !chunk.isEmpty {
            buffer.append(contentsOf: chunk)
        } else {
            reachedEndOfFile = true
        }
    }
}

// MARK: - Byte scanner

extension CSVReader {
    private static let quote = UInt8(ascii: "\"")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let carriageReturn = UInt8(ascii: "\r")

    enum ScanResult {
        /// A complete record; its text ends at `rawEnd` (exclusive) and the next record starts at `next`.
        /// `hasInvalidUTF8`: the encoding is UTF-8 but a field is not, so it was read as Windows-1252.
        case record(fields: [String], rawEnd: Int, next: Int, lineBreaksInside: Int, hasInvalidUTF8: Bool)
        case blankLine(next: Int)
        /// The record may continue past the bytes read so far.
        case needMoreData
        case endOfFile
        case unterminatedQuote
    }

    /// Where a field ends and what follows it.
    private enum FieldEnd {
        case separator(Int)
        /// The line terminator starts at the first offset and the next record at the second.
        case lineEnd(Int, next: Int)
        case endOfFile(Int)
        case needMoreData

        /// Offset where the field's text ends, or nil when more data is needed.
        var fieldEndOffset: Int? {
            switch self {
            case .separator(let offset), .lineEnd(let offset, _), .endOfFile(let offset): offset
            case .needMoreData: nil
            }
        }
    }

    /// The text of a field's bytes in `encoding`. Bytes that should be UTF-8 but are not are
    /// read as Windows-1252 (every byte kept) and `invalidUTF8` is set.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ encoding: CSVDialect.Encoding, invalidUTF8: inout Bool) -> String {
        // ASCII is the same in both encodings and always valid: the common case, decoded fastest.
        if Windows1252.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        switch encoding {
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            invalidUTF8 = true
            return Windows1252.decode(bytes)
        case .windows1252:
            return Windows1252.decode(bytes)
        }
    }

    /// Scans one record starting at `start`, fields separated by `delimiter`. Pure: the caller
    /// applies the result.
    static func scanRecord(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, atEndOfFile: Bool, fieldCountHint: Int,
        delimiter: UInt8, encoding: CSVDialect.Encoding
    ) -> ScanResult {
        let end = bytes.count
        if start == end { return atEndOfFile ? .endOfFile : .needMoreData }
        if bytes[start] == lineFeed { return .blankLine(next: start + 1) }
        if bytes[start] == carriageReturn {
            if start + 1 < end {
                if bytes[start + 1] == lineFeed { return .blankLine(next: start + 2) }
            } else if !atEndOfFile {
                return .needMoreData
            } else {
                return .blankLine(next: start + 1)
            }
        }

        var fields: [String] = []
        fields.reserveCapacity(fieldCountHint)
        var lineBreaks = 0
        var invalidUTF8 = false
        var fieldStart = start
        while true {
            let field: String
            let fieldEnd: FieldEnd
            if fieldStart < end, bytes[fieldStart] == quote {
                // Quoted field: find the closing quote, skipping doubled quotes.
                var index = fieldStart + 1
                var hasDoubledQuotes = false
                while true {
                    guard index < end else { return atEndOfFile ? .unterminatedQuote : .needMoreData }
                    let byte = bytes[index]
                    if byte == quote {
                        if index + 1 < end {
                            if bytes[index + 1] == quote {
                                hasDoubledQuotes = true
                                index += 2
                                continue
                            }
                        } else if !atEndOfFile {
                            return .needMoreData  // cannot yet tell a closing quote from a doubled one
                        }
                        break
                    }
                    if byte == lineFeed { lineBreaks += 1 }
                    index += 1
                }
                let content = UnsafeBufferPointer(rebasing: bytes[(fieldStart + 1)..<index])
                fieldEnd = scanUnquoted(bytes, from: index + 1, atEndOfFile: atEndOfFile, delimiter: delimiter)
                guard let trailingEnd = fieldEnd.fieldEndOffset else { return .needMoreData }
                if !hasDoubledQuotes && trailingEnd == index + 1 {
                    field = decode(content, encoding, invalidUTF8: &invalidUTF8)
                } else {
                    var unescaped: [UInt8] = []
                    unescaped.reserveCapacity(content.count + trailingEnd - index)
                    var previousWasQuote = false
                    for byte in content {
                        if byte == quote && previousWasQuote {
                            previousWasQuote = false
                            continue
                        }
                        previousWasQuote = byte == quote
                        unescaped.append(byte)
                    }
                    unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<trailingEnd]))
                    field = unescaped.withUnsafeBufferPointer { decode($0, encoding, invalidUTF8: &invalidUTF8) }
                }
            } else {
                fieldEnd = scanUnquoted(bytes, from: fieldStart, atEndOfFile: atEndOfFile, delimiter: delimiter)
                guard let fieldEndOffset = fieldEnd.fieldEndOffset else { return .needMoreData }
                field = decode(UnsafeBufferPointer(rebasing: bytes[fieldStart..<fieldEndOffset]), encoding, invalidUTF8: &invalidUTF8)
            }
            fields.append(field)
            switch fieldEnd {
            case .separator(let offset):
                fieldStart = offset + 1
            case .lineEnd(let offset, let next):
                return .record(fields: fields, rawEnd: offset, next: next, lineBreaksInside: lineBreaks, hasInvalidUTF8: invalidUTF8)
            case .endOfFile(let offset):
                return .record(fields: fields, rawEnd: offset, next: offset, lineBreaksInside: lineBreaks, hasInvalidUTF8: invalidUTF8)
            case .needMoreData:
                return .needMoreData
            }
        }
    }

    /// Scans unquoted text from `start` to the next separator, line terminator or end of file.
    @inline(__always)
    private static func scanUnquoted(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, atEndOfFile: Bool, delimiter: UInt8) -> FieldEnd {
        let end = bytes.count
        // Fast path: a byte above both the separator and CR (the larger of LF and CR) ends nothing.
        let highestSpecial = max(delimiter, carriageReturn)
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte > highestSpecial {
                index += 1
                continue
            }
            if byte == delimiter { return .separator(index) }
            if byte == lineFeed { return .lineEnd(index, next: index + 1) }
            if byte == carriageReturn {
                // A terminator only when followed by a line feed (or at the end of the file).
                if index + 1 < end {
                    if bytes[index + 1] == lineFeed { return .lineEnd(index, next: index + 2) }
                } else if !atEndOfFile {
                    return .needMoreData
                } else {
                    return .lineEnd(index, next: index + 1)
                }
            }
            index += 1
        }
        return atEndOfFile ? .endOfFile(end) : .needMoreData
    }
}
