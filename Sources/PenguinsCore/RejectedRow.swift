/// A source row that failed validation.
public struct RejectedRow: Hashable, Sendable {
    /// 1-based line of the row's first line in the file (the header is line 1).
    public var line: Int
    /// The row's source text without its line terminator.
    public var rawText: String
    /// Why the row was refused, naming the column and the value,
    /// e.g. `body_mass_g: "abc" is not a number`.
    public var reason: String

    public init(line: Int, rawText: String, reason: String) {
        self.line = line
        self.rawText = rawText
        self.reason = reason
    }
}

extension RejectedRow: Codable {
    enum CodingKeys: String, CodingKey {
        case line, reason
        case rawText = "raw_text"
    }
}
