/// One record (logical row) of a CSV file.
public struct CSVRecord: Hashable, Sendable {
    /// The fields, with quotes removed and doubled quotes (`""`) turned into one quote.
    public var fields: [String]
    /// 1-based line number of the record's first physical line (the header is line 1).
    /// A record whose quoted field spans several lines is numbered by the line it starts on.
    public var line: Int
    /// The record's source text as it appears in the file, without its line terminator.
    public var rawText: String
    /// The file is UTF-8 but this record's bytes are not: its fields and ``rawText`` were read
    /// as Windows-1252 (so no byte is lost), and the record should not be trusted as it is.
    public var hasInvalidUTF8: Bool

    public init(fields: [String], line: Int, rawText: String, hasInvalidUTF8: Bool = false) {
        self.fields = fields
        self.line = line
        self.rawText = rawText
        self.hasInvalidUTF8 = hasInvalidUTF8
    }
}
