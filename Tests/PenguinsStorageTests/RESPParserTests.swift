import PenguinsStorage
import Testing

/// The RESP2 state machine, fed by hand: no server involved.
@Suite struct RESPParserTests {
    private func parseAll(_ text: String) throws -> [RESPValue] {
        var parser = RESPParser()
        parser.feed(Array(text.utf8))
        var values: [RESPValue] = []
        while let value = try parser.next() { values.append(value) }
        #expect(parser.isIdle)
        return values
    }

    @Test func everyTypeOfValue() throws {
        let values = try parseAll("+OK\r\n-ERR unknown command 'FOO'\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*0\r\n*-1\r\n")
        #expect(values == [
            .simpleString("OK"), .error("ERR unknown command 'FOO'"), .integer(42), .integer(-7),
            .bulk("hello"), .bulk(""), .bulkString(nil), .array([]), .array(nil),
        ])
    }

    @Test func bulkStringsAreBinarySafe() throws {
        let values = try parseAll("$8\r\na\r\nb\0c\r\n\r\n")
        #expect(values == [.bulkString(Array("a\r\nb\0c\r\n".utf8))])
    }

    @Test func nestedArraysWithMixedElements() throws {
        let values = try parseAll("*3\r\n:1\r\n*2\r\n$3\r\nfoo\r\n*1\r\n-ERR inner\r\n$-1\r\n*2\r\n*0\r\n+x\r\n")
        #expect(values == [
            .array([.integer(1), .array([.bulk("foo"), .array([.error("ERR inner")])]), .bulkString(nil)]),
            .array([.array([]), .simpleString("x")]),
        ])
    }

    @Test func aFrameSplitAtEveryByteComesOutOnceComplete() throws {
        let wire = "*2\r\n$3\r\nGET\r\n*2\r\n:10\r\n$4\r\nab\r\n\r\n+PONG\r\n"
        let expected: [RESPValue] = [
            .array([.bulk("GET"), .array([.integer(10), .bulk("ab\r\n")])]),
            .simpleString("PONG"),
        ]
        var parser = RESPParser()
        var values: [RESPValue] = []
        for byte in wire.utf8 {
            parser.feed([byte])
            while let value = try parser.next() { values.append(value) }
        }
        #expect(values == expected)
        #expect(parser.isIdle)

        // Every split into two chunks gives the same values.
        let bytes = Array(wire.utf8)
        for split in 0...bytes.count {
            var parser = RESPParser()
            var values: [RESPValue] = []
            parser.feed(bytes[..<split])
            while let value = try parser.next() { values.append(value) }
            parser.feed(bytes[split...])
            while let value = try parser.next() { values.append(value) }
            #expect(values == expected, "split at \(split)")
        }
    }

    @Test func anIncompleteFrameWaitsForMoreBytes() throws {
        var parser = RESPParser()
        parser.feed(Array("$10\r\n01234".utf8))
        #expect(try parser.next() == nil)
        #expect(!parser.isIdle)
        parser.feed(Array("56789\r".utf8))
        #expect(try parser.next() == nil)
        parser.feed(Array("\n".utf8))
        #expect(try parser.next() == .bulk("0123456789"))
        #expect(try parser.next() == nil)
    }

    @Test func malformedInputIsAProtocolError() {
        for wire in ["?what\r\n", ":12a\r\n", "$abc\r\n", "$3\r\nfooXY", "*-2\r\n", "$-5\r\n", "+OK\rX", "\r\n"] {
            var parser = RESPParser()
            parser.feed(Array(wire.utf8))
            #expect(throws: RESPProtocolError.self, "\(wire.debugDescription)") {
                while try parser.next() != nil {}
            }
        }
    }

    @Test func anOverlongLineIsRefusedBeforeItsEnd() {
        var parser = RESPParser()
        parser.maximumLineLength = 16
        parser.feed(Array(("+" + String(repeating: "a", count: 40)).utf8))
        #expect(throws: RESPProtocolError.self) { try parser.next() }
    }

    @Test func encodingRoundTrips() throws {
        let values: [RESPValue] = [
            .simpleString("OK"), .error("ERR x"), .integer(-3), .bulk("a b"), .bulkString(nil), .array(nil),
            .array([.bulk("k"), .array([.integer(1), .bulkString([0, 13, 10])])]),
        ]
        var parser = RESPParser()
        parser.feed(values.flatMap(\.encoded))
        var decoded: [RESPValue] = []
        while let value = try parser.next() { decoded.append(value) }
        #expect(decoded == values)
    }

    @Test func commandsAreArraysOfBulkStrings() throws {
        var bytes: [UInt8] = []
        RedisCommand("SET", "prediction:1:p-1", "{}", "EX", "60").encode(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "*5\r\n$3\r\nSET\r\n$16\r\nprediction:1:p-1\r\n$2\r\n{}\r\n$2\r\nEX\r\n$2\r\n60\r\n")
        #expect(RedisCommand("get", "k").name == "GET")
    }

    @Test func replyAccessors() {
        #expect(RESPValue.bulk("12").integer == 12)
        #expect(RESPValue.integer(5).integer == 5)
        #expect(RESPValue.simpleString("PONG").string == "PONG")
        #expect(RESPValue.bulkString(nil).string == nil)
        #expect(RESPValue.bulkString(nil).isNull)
        #expect(RESPValue.array([.integer(1)]).elements == [.integer(1)])
    }
}
