/// Bytes that are not valid RESP2: the connection that sent them cannot be trusted any further.
public struct RESPProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "the Redis server sent invalid RESP: \(message)" }
}

/// An incremental RESP2 parser: a pure state machine with no I/O. Feed it bytes as they
/// arrive, in chunks of any size, and take complete values out with ``next()``; a value split
/// across chunks comes out once its last byte is fed. Nested arrays are completed through an
/// explicit stack, so depth costs no recursion.
///
/// ```swift
/// var parser = RESPParser()
/// parser.feed(Array("$5\r\nhel".utf8))
/// try parser.next()  // nil: the bulk string is incomplete
/// parser.feed(Array("lo\r\n:1\r\n".utf8))
/// try parser.next()  // .bulkString("hello")
/// try parser.next()  // .integer(1)
/// ```
public struct RESPParser: Sendable {
    /// The longest bulk string or array accepted (Redis's own limit for bulk strings is 512 MB).
    public var maximumLength = 512 * 1024 * 1024
    /// The longest header or simple line accepted before a CRLF.
    public var maximumLineLength = 64 * 1024

    private var buffer: [UInt8] = []
    /// The first byte not yet consumed.
    private var position = 0
    /// Where to resume looking for the CRLF of an incomplete line.
    private var lineSearchStart = 0
    /// The length of a bulk string whose header was read and whose body has not arrived yet.
    private var pendingBulkLength: Int?
    /// Arrays being filled, innermost last: the number of elements expected and those read.
    private var openArrays: [(expected: Int, elements: [RESPValue])] = []

    public init() {}

    /// The number of bytes fed but not yet consumed by a complete value or header.
    public var bufferedByteCount: Int { buffer.count - position }

    /// True when no value is partly read.
    public var isIdle: Bool { bufferedByteCount == 0 && pendingBulkLength == nil && openArrays.isEmpty }

    /// Appends received bytes.
    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        if position > 0, position >= buffer.count / 2 {
            buffer.removeFirst(position)
            lineSearchStart -= position
            position = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete value, or nil when more bytes are needed.
    /// - Throws: ``RESPProtocolError`` on bytes that are not RESP2; the parser is unusable afterwards.
    public mutating func next() throws(RESPProtocolError) -> RESPValue? {
        while true {
            var value: RESPValue
            if let length = pendingBulkLength {
                guard buffer.count - position >= length + 2 else { return nil }
                let end = position + length
                guard buffer[end] == 13, buffer[end + 1] == 10 else {
                    throw RESPProtocolError(message: "a bulk string of \(length) bytes does not end with CRLF")
                }
                value = .bulkString(Array(buffer[position..<end]))
                position = end + 2
                lineSearchStart = position
                pendingBulkLength = nil
            } else {
                guard let lineEnd = try findLineEnd() else { return nil }
                let marker = buffer[position]
                let content = buffer[(position + 1)..<lineEnd]
                position = lineEnd + 2
                lineSearchStart = position
                switch marker {
                case UInt8(ascii: "+"):
                    value = .simpleString(String(decoding: content, as: UTF8.self))
                case UInt8(ascii: "-"):
                    value = .error(String(decoding: content, as: UTF8.self))
                case UInt8(ascii: ":"):
                    value = .integer(try RESPParser.integer(content))
                case UInt8(ascii: "$"):
                    let length = try RESPParser.integer(content)
                    if length == -1 {
                        value = .bulkString(nil)
                    } else {
                        guard length >= 0, length <= maximumLength else {
                            throw RESPProtocolError(message: "bulk string length \(length) is out of range")
                        }
                        pendingBulkLength = Int(length)
                        continue
                    }
                case UInt8(ascii: "*"):
                    let count = try RESPParser.integer(content)
                    if count == -1 {
                        value = .array(nil)
                    } else if count == 0 {
                        value = .array([])
                    } else {
                        guard count > 0, count <= maximumLength else {
                            throw RESPProtocolError(message: "array length \(count) is out of range")
                        }
                        openArrays.append((Int(count), []))
                        openArrays[openArrays.count - 1].elements.reserveCapacity(min(Int(count), 1024))
                        continue
                    }
                default:
                    throw RESPProtocolError(message: "unknown type byte 0x\(String(marker, radix: 16))")
                }
            }
            // A complete value: the result, or the next element of the innermost open array.
            while let last = openArrays.indices.last {
                openArrays[last].elements.append(value)
                guard openArrays[last].elements.count == openArrays[last].expected else { break }
                value = .array(openArrays.removeLast().elements)
            }
            if openArrays.isEmpty { return value }
        }
    }

    /// The index of the CR of the next CRLF at or after `position`, or nil when it has not arrived.
    private mutating func findLineEnd() throws(RESPProtocolError) -> Int? {
        var index = max(lineSearchStart, position)
        while index + 1 < buffer.count {
            if buffer[index] == 13 {
                guard buffer[index + 1] == 10 else { throw RESPProtocolError(message: "a CR not followed by LF") }
                guard index > position else { throw RESPProtocolError(message: "an empty line where a type byte was expected") }
                return index
            }
            index += 1
        }
        lineSearchStart = max(position, index)
        guard index - position <= maximumLineLength else {
            throw RESPProtocolError(message: "a line longer than \(maximumLineLength) bytes")
        }
        return nil
    }

    private static func integer(_ digits: ArraySlice<UInt8>) throws(RESPProtocolError) -> Int64 {
        guard let value = Int64(String(decoding: digits, as: UTF8.self)) else {
            throw RESPProtocolError(message: "\(String(decoding: digits, as: UTF8.self)) is not an integer")
        }
        return value
    }
}
