import Foundation
import PenguinsCore

/// A penguin to predict, as validated from a request: its values by the index of the penguins'
/// schema features (nil where not given), each checked by the schema
/// (``PenguinsCore/SchemaValidator``) as every dataset's values are, with the same messages.
public struct PenguinInput: Sendable, Equatable {
    /// The values by feature index of the schema; a categorical feature's as its level index.
    public var features: [Double?]
    /// The four measurements among them, as the prediction log keeps them.
    public var measurements: Measurements
}

/// Reads penguins to predict from JSON bodies and dashboard forms with the penguins' schema: a
/// penguin may give any of the schema's features (the four measurements, the isotope ratios,
/// the island, the sex, the year); those the live model reads are required.
public struct PenguinInputReader: Sendable {
    public let schema: DatasetSchema
    private let validator: SchemaValidator
    private let coding: PenguinRecords
    /// The members a penguin object may have: the schema's feature names, in schema order.
    let members: [String]
    /// The features required when no model is live: the four measurements, which the default model reads.
    public let defaultRequired: [Bool]

    public init(schema: DatasetSchema = BundledSchemas.penguins) {
        self.schema = schema
        validator = SchemaValidator(schema: schema)
        coding = PenguinRecords(schema: schema)
        members = schema.features.map(\.name)
        defaultRequired = Self.required(coding.measurementIndices, featureCount: schema.features.count)
    }

    /// A flag per feature of a schema of `featureCount` features: true for those of `indices` (a model's features).
    public static func required(_ indices: [Int], featureCount: Int) -> [Bool] {
        var flags = [Bool](repeating: false, count: featureCount)
        for index in indices { flags[index] = true }
        return flags
    }

    /// Validates one penguin object, appending an error per offending member (named with
    /// `prefix`, e.g. `penguins[3].`) to `errors`; a member `required` names must be given.
    /// Returns nil when any member is invalid.
    func validate(_ value: JSONInput, required: [Bool], prefix: String = "", errors: inout [FieldError]) -> PenguinInput? {
        let objectName = prefix.isEmpty ? "body" : String(prefix.dropLast())
        guard case .object(let given) = value else {
            let names = members.indices.filter { required[$0] }.map { members[$0] }
            errors.append(FieldError(field: objectName, detail: "must be an object with \(names.joined(separator: ", ")), not \(value.kind)"))
            return nil
        }
        let errorCount = errors.count
        // Members by feature index (a linear scan over a few names, no hashing on the request
        // path); unknown and repeated names are errors.
        var known = [JSONInput?](repeating: nil, count: members.count)
        var unknown: [String] = []
        for (key, member) in given {
            guard let index = members.firstIndex(of: key) else {
                if !unknown.contains(key) {
                    errors.append(FieldError(field: prefix + key, detail: "is not a known field; expected \(members.joined(separator: ", "))"))
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
        var features = [Double?](repeating: nil, count: members.count)
        for index in members.indices {
            if required[index], known[index] == nil || known[index] == .null {
                errors.append(FieldError(field: prefix + members[index], detail: "is required"))
                continue
            }
            switch validator.value(of: known[index], feature: index) {
            case .success(let value): features[index] = value
            case .failure(let problem): errors.append(FieldError(field: prefix + members[index], detail: problem.detail))
            }
        }
        return errors.count == errorCount ? input(features) : nil
    }

    /// Parses the values typed into a form (the dashboard's predict page), by feature name:
    /// those `required` names must be given, and each is checked by the schema. Returns the
    /// penguin or one message naming every bad field.
    public func parse(form values: [String: String], required: [Bool]) -> Result<PenguinInput, FieldErrors> {
        var errors: [FieldError] = []
        var features = [Double?](repeating: nil, count: members.count)
        for (index, name) in members.enumerated() {
            let text = values[name]?.trimmingCharacters(in: .whitespaces) ?? ""
            guard !text.isEmpty else {
                if required[index] { errors.append(FieldError(field: name, detail: "is required")) }
                continue
            }
            do {
                features[index] = try validator.value(.text(text), feature: index)
            } catch {
                errors.append(FieldError(field: name, detail: error.detail))
            }
        }
        return errors.isEmpty ? .success(input(features)) : .failure(FieldErrors(errors: errors))
    }

    private func input(_ features: [Double?]) -> PenguinInput {
        let indices = coding.measurementIndices
        return PenguinInput(
            features: features,
            measurements: Measurements(
                billLength: features[indices[0]], billDepth: features[indices[1]],
                flipperLength: features[indices[2]], bodyMass: features[indices[3]]))
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
