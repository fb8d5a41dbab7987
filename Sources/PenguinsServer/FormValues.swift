import Foundation

/// Name-value pairs of a query string or an `application/x-www-form-urlencoded` body, in
/// order, repeated names kept (`predictors=a&predictors=b`), `+` read as a space and
/// percent escapes decoded.
public struct FormValues: Sendable, Equatable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(_ text: String?) {
        pairs = []
        guard let text, !text.isEmpty else { return }
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = FormValues.decode(pieces[0])
            let value = pieces.count > 1 ? FormValues.decode(pieces[1]) : ""
            pairs.append((name, value))
        }
    }

    public static func == (lhs: FormValues, rhs: FormValues) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// The same pairs with every `name` spelled `newName`.
    func renaming(_ name: String, to newName: String) -> FormValues {
        var copy = self
        copy.pairs = pairs.map { ($0.name == name ? newName : $0.name, $0.value) }
        return copy
    }

    /// True when no pair was given.
    public var isEmpty: Bool { pairs.isEmpty }

    /// The value of `name` as a number, nil when absent or empty, a 400 problem when not numeric.
    func double(_ name: String) throws(Problem) -> Double? {
        guard let text = self[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Double(text), value.isFinite else { throw .invalidParameter(name, "must be a finite number, not \"\(text)\"") }
        return value
    }

    /// The value of `name` as an integer, nil when absent or empty, a 400 problem otherwise.
    func int(_ name: String) throws(Problem) -> Int? {
        guard let text = self[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        guard let value = Int(text) else { throw .invalidParameter(name, "must be an integer, not \"\(text)\"") }
        return value
    }
}
