/// One record (logical row) of a CSV file.
public struct CSVRecord: Hashable, Sendable {
    /// The fields, with quotes removed and doubled quotes (`""`) turned into one quote.
    public var fields: [String]
    /// 1-based line number of the record's first physical line (the header is line 1).
    /// A record whose quoted field spans several lines is numbered by the line it starts on.
    public var line: Int
    /// The record's source text as it appears in the file, without its line terminator.
    public var rawText: String

    public init(fields: [String], line: Int, rawText: String) {
        self.fields = fields
        self.line = line
        self.rawText = rawText
    }
}
