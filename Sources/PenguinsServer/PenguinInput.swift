import Foundation
import PenguinsCore

/// A penguin to predict, as validated from a request: the four measurements (each finite and
/// inside ``Feature/plausibleRange``) and the optional island and sex.
public struct PenguinInput: Sendable, Equatable {
    public var measurements: Measurements
    public var island: Island?
    public var sex: Sex?

    public init(measurements: Measurements, island: Island? = nil, sex: Sex? = nil) {
        self.measurements = measurements
        self.island = island
        self.sex = sex
    }

    /// The members a penguin object may have.
    static let allowedMembers = Feature.allCases.map(\.rawValue) + ["island", "sex"]

    /// Validates one penguin object, appending an error per offending member (named with
    /// `prefix`, e.g. `penguins[3].`) to `errors`. Returns nil when any member is invalid.
    static func validate(_ value: JSONInput, prefix: String = "", errors: inout [FieldError]) -> PenguinInput? {
        let objectName = prefix.isEmpty ? "body" : String(prefix.dropLast())
        guard case .object(let members) = value else {
            errors.append(FieldError(field: objectName, detail: "must be an object with \(Feature.allCases.map(\.rawValue).joined(separator: ", ")), not \(value.kind)"))
            return nil
        }
        let errorCount = errors.count
        // Members by position in `allowedMembers` (a linear scan: at most six names, no hashing
        // on the request path); unknown and repeated names are errors.
        var known = [JSONInput?](repeating: nil, count: allowedMembers.count)
        var unknown: [String] = []
        for (key, member) in members {
            guard let index = allowedMembers.firstIndex(of: key) else {
                if !unknown.contains(key) {
                    errors.append(FieldError(field: prefix + key, detail: "is not a known field; expected \(allowedMembers.joined(separator: ", "))"))
                    unknown.append(key)
                }
                continue
            }
            guard known[index] == nil else {
                errors.append(FieldError(field: prefix + key, detail: "appears more than once"))
                continue
            }
            known[index] = member
        }
        var measurements = Measurements(billLength: nil, billDepth: nil, flipperLength: nil, bodyMass: nil)
        for (position, feature) in Feature.allCases.enumerated() {
            let field = prefix + feature.rawValue
            switch known[position] {
            case nil, .null?:
                errors.append(FieldError(field: field, detail: "is required"))
            case .number(let number)?:
                if let problem = rangeProblem(number, feature) {
                    errors.append(FieldError(field: field, detail: problem))
                } else {
                    measurements[feature] = number
                }
            case .nonFinite(let text)?:
                errors.append(FieldError(field: field, detail: "must be a finite number, not \(text)"))
            case let other?:
                errors.append(FieldError(field: field, detail: "must be a number, not \(other.kind)"))
            }
        }
        var island: Island?
        switch known[Feature.allCases.count] {
        case nil, .null?: break
        case .string(let name)?:
            island = Island(name: name)
            if island == nil {
                errors.append(FieldError(field: prefix + "island", detail: "must be one of \(Island.known.map(\.rawValue).joined(separator: ", ")), not \"\(name)\""))
            }
        case let other?:
            errors.append(FieldError(field: prefix + "island", detail: "must be a string, not \(other.kind)"))
        }
        var sex: Sex?
        switch known[Feature.allCases.count + 1] {
        case nil, .null?: break
        case .string(let name)?:
            sex = Sex(name: name)
            if sex == nil {
                errors.append(FieldError(field: prefix + "sex", detail: "must be male or female, not \"\(name)\""))
            }
        case let other?:
            errors.append(FieldError(field: prefix + "sex", detail: "must be a string, not \(other.kind)"))
        }
        return errors.count == errorCount ? PenguinInput(measurements: measurements, island: island, sex: sex) : nil
    }

    /// Why a finite value is not a plausible measurement, or nil when it is.
    static func rangeProblem(_ value: Double, _ feature: Feature) -> String? {
        let range = feature.plausibleRange
        guard !range.contains(value) else { return nil }
        return "must be between \(JSONWriterNumber.text(range.lowerBound)) and \(JSONWriterNumber.text(range.upperBound)), got \(JSONWriterNumber.text(value))"
    }

    /// Parses measurements typed into a form (the dashboard's predict page): each is required,
    /// numeric, finite and plausible. Returns the measurements or one message naming every bad field.
    public static func parse(form values: [Feature: String]) -> Result<Measurements, FieldErrors> {
        var errors: [FieldError] = []
        var measurements = Measurements(billLength: nil, billDepth: nil, flipperLength: nil, bodyMass: nil)
        for feature in Feature.allCases {
            let text = values[feature]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !text.isEmpty else {
                errors.append(FieldError(field: feature.rawValue, detail: "is required"))
                continue
            }
            guard let value = Double(text) else {
                errors.append(FieldError(field: feature.rawValue, detail: "must be a number, not \"\(text)\""))
                continue
            }
            guard value.isFinite else {
                errors.append(FieldError(field: feature.rawValue, detail: "must be a finite number, not \(text)"))
                continue
            }
            if let problem = rangeProblem(value, feature) {
                errors.append(FieldError(field: feature.rawValue, detail: problem))
                continue
            }
            measurements[feature] = value
        }
        return errors.isEmpty ? .success(measurements) : .failure(FieldErrors(errors: errors))
    }
}

/// Several field errors at once.
public struct FieldErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [FieldError]
    public var description: String { errors.map { "\($0.field) \($0.detail)" }.joined(separator: "; ") }
}

/// Numbers as the API prints them: integers without a fraction.
enum JSONWriterNumber {
    static func text(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : value.description
    }
}
