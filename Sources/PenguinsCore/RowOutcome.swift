/// What became of one source row: a clean penguin, or a rejection with its reason.
public enum RowOutcome: Hashable, Sendable {
    case accepted(Penguin)
    case rejected(RejectedRow)

    /// The penguin of an accepted row.
    public var penguin: Penguin? {
        if case .accepted(let penguin) = self { return penguin }
        return nil
    }

    /// The rejection of a refused row.
    public var rejection: RejectedRow? {
        if case .rejected(let row) = self { return row }
        return nil
    }
}

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
