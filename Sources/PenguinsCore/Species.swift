/// One of the three penguin species of the Palmer archipelago.
public enum Species: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case adelie = "Adelie"
    case chinstrap = "Chinstrap"
    case gentoo = "Gentoo"

    public static func < (lhs: Species, rhs: Species) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Sex of a penguin as recorded in the field; a missing value is modelled as `nil` at use sites.
public enum Sex: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case female
    case male

    public static func < (lhs: Sex, rhs: Sex) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// An island of the archipelago. Open for new islands (the warehouse partitions by it),
/// while validation accepts only the ``known`` ones.
public struct Island: RawRepresentable, Hashable, Codable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let biscoe = Island(rawValue: "Biscoe")
    public static let dream = Island(rawValue: "Dream")
    public static let torgersen = Island(rawValue: "Torgersen")
    /// The islands of the Palmer data, in alphabetical order.
    public static let known: [Island] = [.biscoe, .dream, .torgersen]

    /// Reads an island name case-insensitively; nil unless it is one of ``known``.
    public init?(name: String) {
        let trimmed = name.trimmingCharacters(in: .whitespaces).lowercased()
        guard let match = Island.known.first(where: { $0.rawValue.lowercased() == trimmed }) else { return nil }
        self = match
    }

    public var description: String { rawValue }
    public static func < (lhs: Island, rhs: Island) -> Bool { lhs.rawValue < rhs.rawValue }
}
