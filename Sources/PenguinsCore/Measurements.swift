/// A numeric measurement of a penguin, named as in the tidy layout.
public enum Feature: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable {
    case billLength = "bill_length_mm"
    case billDepth = "bill_depth_mm"
    case flipperLength = "flipper_length_mm"
    case bodyMass = "body_mass_g"

    /// The key of this measurement inside a lake document's `features` object.
    public var documentKey: String {
        switch self {
        case .billLength: "bill_length"
        case .billDepth: "bill_depth"
        case .flipperLength: "flipper_length"
        case .bodyMass: "body_mass"
        }
    }

    /// Plausible range used by validation: wide enough for any real penguin, narrow enough
    /// to catch unit mistakes (metres for millimetres, kilograms for grams).
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .billLength: 10...100
        case .billDepth: 5...40
        case .flipperLength: 100...300
        case .bodyMass: 1_000...10_000
        }
    }

    /// Accepts the tidy name (`bill_length_mm`) or the document key (`bill_length`).
    public init?(name: String) {
        if let match = Feature(rawValue: name) { self = match; return }
        guard let match = Feature.allCases.first(where: { $0.documentKey == name }) else { return nil }
        self = match
    }
}

/// The four measurements of a penguin; any of them may be missing.
public struct Measurements: Hashable, Codable, Sendable {
    public var billLength: Double?
    public var billDepth: Double?
    public var flipperLength: Double?
    public var bodyMass: Double?

    public init(billLength: Double?, billDepth: Double?, flipperLength: Double?, bodyMass: Double?) {
        self.billLength = billLength
        self.billDepth = billDepth
        self.flipperLength = flipperLength
        self.bodyMass = bodyMass
    }

    /// The value of one feature, if present.
    public subscript(feature: Feature) -> Double? {
        get {
            switch feature {
            case .billLength: billLength
            case .billDepth: billDepth
            case .flipperLength: flipperLength
            case .bodyMass: bodyMass
            }
        }
        set {
            switch feature {
            case .billLength: billLength = newValue
            case .billDepth: billDepth = newValue
            case .flipperLength: flipperLength = newValue
            case .bodyMass: bodyMass = newValue
            }
        }
    }

    /// The model's input in ``Feature/allCases`` order, or nil when any measurement is missing.
    /// This is the one place that defines the feature vector of a penguin.
    public var featureVector: [Double]? {
        guard let a = billLength, let b = billDepth, let c = flipperLength, let d = bodyMass else { return nil }
        return [a, b, c, d]
    }

    /// True when all four measurements are present.
    public var isComplete: Bool { featureVector != nil }
}
