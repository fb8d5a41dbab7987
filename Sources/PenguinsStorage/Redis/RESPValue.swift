/// One value of the Redis serialisation protocol, version 2 (RESP2).
public enum RESPValue: Hashable, Sendable {
    /// `+OK\r\n`
    case simpleString(String)
    /// `-ERR message\r\n`: the server refused a command.
    case error(String)
    /// `:42\r\n`
    case integer(Int64)
    /// `$3\r\nfoo\r\n`, or `$-1\r\n` (nil) for a missing value.
    case bulkString([UInt8]?)
    /// `*2\r\n...`, or `*-1\r\n` (nil).
    case array([RESPValue]?)

    /// A bulk string holding the UTF-8 bytes of `text`.
    public static func bulk(_ text: String) -> RESPValue { .bulkString(Array(text.utf8)) }

    /// The text of a simple or bulk string; nil for anything else, including a null bulk string.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// The value of an integer reply, or of a string holding an integer.
    public var integer: Int64? {
        switch self {
        case .integer(let value): value
        default: string.flatMap { Int64($0) }
        }
    }

    /// The elements of a non-null array.
    public var elements: [RESPValue]? {
        if case .array(let elements?) = self { return elements }
        return nil
    }

    /// True for a null bulk string or a null array.
    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }

    /// The value in RESP2's wire format.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = []
        RESPValue.encode(self, into: &bytes)
        return bytes
    }

    private static func encode(_ value: RESPValue, into bytes: inout [UInt8]) {
        func line(_ marker: UInt8, _ text: String) {
            bytes.append(marker)
            bytes.append(contentsOf: text.utf8)
            bytes.append(contentsOf: [13, 10])
        }
        switch value {
        case .simpleString(let text): line(UInt8(ascii: "+"), text)
        case .error(let text): line(UInt8(ascii: "-"), text)
        case .integer(let number): line(UInt8(ascii: ":"), String(number))
        case .bulkString(nil): line(UInt8(ascii: "$"), "-1")
        case .bulkString(let content?):
            line(UInt8(ascii: "$"), String(content.count))
            bytes.append(contentsOf: content)
            bytes.append(contentsOf: [13, 10])
        case .array(nil): line(UInt8(ascii: "*"), "-1")
        case .array(let elements?):
            line(UInt8(ascii: "*"), String(elements.count))
            for element in elements { encode(element, into: &bytes) }
        }
    }
}

/// A Redis command: its name and arguments, sent as an array of bulk strings.
public struct RedisCommand: Hashable, Sendable {
    public var arguments: [[UInt8]]

    /// A command from its words, e.g. `RedisCommand("SET", key, value, "EX", "60")`.
    public init(_ words: String...) {
        arguments = words.map { Array($0.utf8) }
    }

    /// A command from raw arguments.
    public init(arguments: [[UInt8]]) {
        self.arguments = arguments
    }

    /// The command's name, for error messages (`GET`, `SET`, ...).
    public var name: String { arguments.first.map { String(decoding: $0, as: UTF8.self).uppercased() } ?? "" }

    /// Appends the command in RESP2's wire format (an array of bulk strings) to `bytes`.
    public func encode(into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "*"))
        bytes.append(contentsOf: String(arguments.count).utf8)
        bytes.append(contentsOf: [13, 10])
        for argument in arguments {
            bytes.append(UInt8(ascii: "$"))
            bytes.append(contentsOf: String(argument.count).utf8)
            bytes.append(contentsOf: [13, 10])
            bytes.append(contentsOf: argument)
            bytes.append(contentsOf: [13, 10])
        }
    }
}
