import Foundation
@testable import PenguinsServer
import Testing

@Suite struct JSONInputTests {
    func parse(_ text: String) throws -> JSONInput {
        try JSONInputParser.parse(Array(text.utf8))
    }

    @Test func parsesObjectsInOrderWithDuplicates() throws {
        #expect(try parse(#" {"b": 1, "a": [true, null, "x\n\u00e9\ud83d\udc27"], "b": -2.5e1} "#) == .object([
            ("b", .number(1)), ("a", .array([.bool(true), .null, .string("x\n\u{e9}\u{1F427}")])), ("b", .number(-25)),
        ]))
    }

    @Test func keepsNonFiniteLiteralsApart() throws {
        #expect(try parse("[NaN, Infinity, -Infinity, 1e999]") == .array([.nonFinite("NaN"), .nonFinite("Infinity"), .nonFinite("-Infinity"), .nonFinite("1e999")]))
    }

    @Test(arguments: ["", "{", #"{"a" 1}"#, "[1,]", "01", "1.", "-", #""abc"#, "tru", "{} {}", "\"\u{01}\"", #""\x""#])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
    }

    @Test func limitsNesting() throws {
        #expect(throws: JSONSyntaxError.self) { try parse(String(repeating: "[", count: 100_000)) }
        _ = try parse(String(repeating: "[", count: JSONInputParser.maximumDepth) + String(repeating: "]", count: JSONInputParser.maximumDepth))
    }

    @Test func errorsSayWhere() {
        #expect(throws: JSONSyntaxError(message: "expected ',' or '}' in an object", line: 2, column: 9)) {
            try parse("{\"a\": 1,\n \"b\": 2 \"c\": 3}")
        }
    }
}
