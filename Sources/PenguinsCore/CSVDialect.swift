/// How a CSV file is written: its field separator, decimal mark and text encoding.
///
/// Spreadsheet exports differ by locale: an English one separates fields with `,` and writes
/// `39.1`; a French, German or Spanish Excel "CSV" separates with `;`, writes `39,1` and is
/// often Windows-1252 rather than UTF-8. ``CSVReader`` detects the dialect from the start of
/// the file (see ``detect(in:isWholeFile:overrides:)``); ``Overrides`` fix any part of it.
public struct CSVDialect: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The byte that separates fields.
    public enum Delimiter: String, CaseIterable, Hashable, Sendable, Codable {
        case comma = ","
        case semicolon = ";"
        case tab = "\t"
        case pipe = "|"

        /// The separator as one ASCII byte.
        public var byte: UInt8 { rawValue.utf8.first! }
        /// The separator's name, as the command line spells it.
        public var name: String {
            switch self {
            case .comma: "comma"
            case .semicolon: "semicolon"
            case .tab: "tab"
            case .pipe: "pipe"
            }
        }

        /// A separator by its name (`comma`, `semicolon`, `tab`, `pipe`) or its character.
        public init?(name: String) {
            let lowered = name.lowercased()
            guard let match = Delimiter.allCases.first(where: { $0.name == lowered || $0.rawValue == name || (lowered == "\\t" && $0 == .tab) })
            else { return nil }
            self = match
        }
    }

    /// The character between the whole and the fractional part of a number.
    public enum DecimalMark: String, CaseIterable, Hashable, Sendable, Codable {
        case point = "."
        case comma = ","

        /// The mark's name, as the command line spells it.
        public var name: String { self == .point ? "point" : "comma" }

        /// A mark by its name (`point`, `comma`) or its character.
        public init?(name: String) {
            let lowered = name.lowercased()
            guard let match = DecimalMark.allCases.first(where: { $0.name == lowered || $0.rawValue == name }) else { return nil }
            self = match
        }
    }

    /// The text encoding of the file's bytes.
    public enum Encoding: String, CaseIterable, Hashable, Sendable, Codable {
        /// UTF-8, with or without a byte order mark.
        case utf8 = "utf-8"
        /// Windows-1252 (the Western European "ANSI" code page of Windows), a superset of ISO-8859-1's printable characters.
        case windows1252 = "windows-1252"

        /// An encoding by its name, as the command line or a charset label spells it
        /// (`utf-8`, `utf8`, `windows-1252`, `cp1252`, `latin1`, `iso-8859-1`).
        public init?(name: String) {
            switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
            case "utf-8", "utf8": self = .utf8
            case "windows-1252", "cp1252", "win1252", "latin1", "latin-1", "iso-8859-1", "iso8859-1": self = .windows1252
            default: return nil
            }
        }
    }

    /// Parts of a dialect fixed by the user; nil parts are detected.
    public struct Overrides: Hashable, Sendable {
        public var delimiter: Delimiter?
        public var decimalMark: DecimalMark?
        public var encoding: Encoding?

        public init(delimiter: Delimiter? = nil, decimalMark: DecimalMark? = nil, encoding: Encoding? = nil) {
            self.delimiter = delimiter
            self.decimalMark = decimalMark
            self.encoding = encoding
        }

        /// Nothing fixed: detect everything.
        public static let none = Overrides()
    }

    public var delimiter: Delimiter
    public var decimalMark: DecimalMark
    public var encoding: Encoding
    /// The file starts with a UTF-8 byte order mark (which is not part of the first field).
    public var hasByteOrderMark: Bool

    public init(delimiter: Delimiter = .comma, decimalMark: DecimalMark = .point, encoding: Encoding = .utf8, hasByteOrderMark: Bool = false) {
        self.delimiter = delimiter
        self.decimalMark = decimalMark
        self.encoding = encoding
        self.hasByteOrderMark = hasByteOrderMark
    }

    /// Comma-separated UTF-8 with decimal points: RFC 4180 and most exports in English.
    public static let standard = CSVDialect()

    /// Spelled in snake_case, so reports read the same with or without a key strategy.
    enum CodingKeys: String, CodingKey {
        case delimiter, encoding
        case decimalMark = "decimal_mark"
        case hasByteOrderMark = "has_byte_order_mark"
    }

    /// For messages: `separator ";", decimal comma, windows-1252`.
    public var description: String {
        let separator = delimiter == .tab ? "tab" : "\"\(delimiter.rawValue)\""
        return "separator \(separator), decimal \(decimalMark.name), \(encoding.rawValue)\(hasByteOrderMark ? " with byte order mark" : "")"
    }
}
