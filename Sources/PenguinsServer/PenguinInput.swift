import Foundation
import PenguinsCore

/// A penguin to predict, as validated from a request: the four measurements and the optional
/// island and sex, each checked by the penguins' schema (``PenguinsCore/SchemaValidator``) as
/// every dataset's values are, with the same messages.
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
        // Each member is checked by the penguins' schema, as every dataset's bodies and CSV rows are.
        var measurements = Measurements(billLength: nil, billDepth: nil, flipperLength: nil, bodyMass: nil)
        for (position, feature) in Feature.allCases.enumerated() {
            let field = prefix + feature.rawValue
            guard let member = known[position], member != .null else {
                errors.append(FieldError(field: field, detail: "is required"))
                continue
            }
            switch validator.value(of: member, feature: featureIndex[position]) {
            case .success(let value): measurements[feature] = value
            case .failure(let problem): errors.append(FieldError(field: field, detail: problem.detail))
            }
        }
        var levels: [String?] = []
        for position in Feature.allCases.count..<allowedMembers.count {
            switch validator.value(of: known[position], feature: featureIndex[position]) {
            case .success(let level): levels.append(level.map { schema.features[featureIndex[position]].levels[Int($0)] })
            case .failure(let problem):
                errors.append(FieldError(field: prefix + allowedMembers[position], detail: problem.detail))
                levels.append(nil)
            }
        }
        let island = levels[0].map { Island(rawValue: $0) }
        let sex = levels[1].flatMap { Sex(name: $0) }
        return errors.count == errorCount ? PenguinInput(measurements: measurements, island: island, sex: sex) : nil
    }

    /// The penguins' schema, which checks every member, and each allowed member's feature in it.
    private static let schema = BundledSchemas.penguins
    private static let validator = SchemaValidator(schema: schema)
    private static let featureIndex = allowedMembers.map { name in schema.features.firstIndex { $0.name == name }! }

    /// Parses measurements typed into a form (the dashboard's predict page): each is required
    /// and checked by the penguins' schema. Returns the measurements or one message naming every bad field.
    public static func parse(form values: [Feature: String]) -> Result<Measurements, FieldErrors> {
        var errors: [FieldError] = []
        var measurements = Measurements(billLength: nil, billDepth: nil, flipperLength: nil, bodyMass: nil)
        for (position, feature) in Feature.allCases.enumerated() {
            let text = values[feature]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !text.isEmpty else {
                errors.append(FieldError(field: feature.rawValue, detail: "is required"))
                continue
            }
            do {
                measurements[feature] = try validator.value(.text(text), feature: featureIndex[position])
            } catch {
                errors.append(FieldError(field: feature.rawValue, detail: error.detail))
            }
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
