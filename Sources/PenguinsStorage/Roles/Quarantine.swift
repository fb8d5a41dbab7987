import Foundation

/// A source row that failed validation, kept with where it came from and why.
public struct QuarantinedRow: Hashable, Sendable, Codable {
    public var file: String
    /// 1-based line number of the row's first line in the file (the header is line 1).
    public var line: Int
    public var rawText: String
    public var reason: String
    public var quarantinedAt: Date
    public init(file: String, line: Int, rawText: String, reason: String, quarantinedAt: Date) {
        self.file = file
        self.line = line
        self.rawText = rawText
        self.reason = reason
        self.quarantinedAt = quarantinedAt
    }
}

/// Rows that ingestion refused. Re-ingesting a file replaces its earlier entry for the same
/// (file, line), and ``release(file:keepingLines:)`` then drops the lines that are now valid, so the
/// quarantine holds exactly the file's current bad rows.
public protocol Quarantine: Sendable {
    func append(_ rows: [QuarantinedRow]) async throws
    /// Removes the rows of `file` whose line is not in `lines` (the lines still bad after a new
    /// ingestion of the file); returns how many were removed.
    @discardableResult
    func release(file: String, keepingLines lines: Set<Int>) async throws -> Int
    /// Newest first, at most `limit`.
    func rows(limit: Int) async throws -> [QuarantinedRow]
    func count() async throws -> Int
}
