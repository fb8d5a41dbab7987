import Foundation
import Yams

/// Why a dataset schema cannot be used. Each description says what to change.
public enum SchemaError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The YAML could not be read as a schema.
    case unreadable(source: String, reason: String)
    /// A schema field breaks a rule; `field` names it as the YAML spells it.
    case invalid(schema: String, field: String, problem: String)
    /// Inference: a named column is not in the file's header.
    case columnNotInFile(path: String, role: String, column: String, found: [String])
    /// Inference: the target column does not look like classes.
    case unsuitableTarget(path: String, column: String, problem: String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason):
            let reason = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
            return "\(source) is not a dataset schema: \(reason). Start from the output of `penguins datasets show penguins`."
        case .invalid(let schema, let field, let problem):
            return "schema \(schema): \(field) \(problem)."
        case .columnNotInFile(let path, let role, let column, let found):
            return "\(path) has no \(role) column \"\(column)\"; its columns are: \(found.joined(separator: ", "))."
        case .unsuitableTarget(let path, let column, let problem):
            return "\(path): the target column \"\(column)\" \(problem). Choose a column of classes with --target."
        }
    }

    public var errorDescription: String? { description }
}

extension DatasetSchema {
    /// The longest dataset name: it becomes part of table names.
    public static let maximumNameLength = 40

    /// Checks every rule a usable schema follows.
    /// - Throws: ``SchemaError/invalid(schema:field:problem:)`` naming the first broken rule.
    public func validate() throws(SchemaError) {
        func invalid(_ field: String, _ problem: String) -> SchemaError { .invalid(schema: name, field: field, problem: problem) }
        guard name.wholeMatch(of: /[a-z][a-z0-9_]*/) != nil, name.count <= Self.maximumNameLength else {
            throw invalid("name", "must be lowercase letters, digits and underscores, start with a letter and be at most \(Self.maximumNameLength) characters (got \"\(name)\")")
        }
        guard target.classes.count >= 2 else { throw invalid("target.classes", "needs at least two classes") }
        try Self.checkDistinct(target.classes, field: "target.classes", invalid)
        for (alias, value) in target.aliases where !target.classes.contains(value) {
            throw invalid("target.aliases", "maps \"\(alias)\" to \"\(value)\", which is not one of the classes (\(target.classes.joined(separator: ", ")))")
        }
        guard !features.isEmpty else { throw invalid("features", "needs at least one feature") }
        var names: Set<String> = [target.name]
        for feature in features {
            guard names.insert(feature.name).inserted else { throw invalid("features", "names \"\(feature.name)\" twice (or as the target)") }
            guard feature.name == normalizedColumnName(feature.name) else {
                throw invalid("features.\(feature.name)", "must be a normalised name such as \"\(normalizedColumnName(feature.name))\"")
            }
            switch feature.kind {
            case .numeric:
                guard feature.levels.isEmpty, feature.aliases.isEmpty else {
                    throw invalid("features.\(feature.name)", "is numeric, so it has no levels or aliases")
                }
            case .categorical:
                guard !feature.levels.isEmpty else { throw invalid("features.\(feature.name).levels", "must list the levels") }
                try Self.checkDistinct(feature.levels, field: "features.\(feature.name).levels", invalid)
                guard feature.range == nil, feature.yearFrom == nil, !feature.integer else {
                    throw invalid("features.\(feature.name)", "is categorical, so it has no range, integer or year_from")
                }
                for (alias, value) in feature.aliases where !feature.levels.contains(value) {
                    throw invalid("features.\(feature.name).aliases", "maps \"\(alias)\" to \"\(value)\", which is not a level")
                }
            }
        }
        guard target.name == normalizedColumnName(target.name) else {
            throw invalid("target.name", "must be a normalised name such as \"\(normalizedColumnName(target.name))\"")
        }
        if partition != target.name {
            guard let column = feature(named: partition) else {
                throw invalid("partition", "names \"\(partition)\", which is neither the target nor a feature")
            }
            guard column.kind == .categorical else { throw invalid("partition", "must be a categorical column; \"\(partition)\" is numeric") }
            guard column.valueRequired else {
                throw invalid("features.\(partition).value_required", "must be true: every row needs a partition")
            }
        }
        for name in defaultFeatures ?? [] where feature(named: name) == nil {
            throw invalid("default_features", "lists \"\(name)\", which is not a feature")
        }
        if let column = id.column, names.contains(column) {
            throw invalid("id.column", "\"\(column)\" is a feature or the target; an id column holds ids only")
        }
        if id.column == nil, names.contains(idColumnName) {
            throw invalid("id.column", "is needed: a feature or the target is named \"\(idColumnName)\", the default id column")
        }
        for reserved in Self.warehouseColumnNames where names.contains(reserved) || id.column == reserved {
            throw invalid("features", "names a column \"\(reserved)\", which the warehouse keeps for itself (\(Self.warehouseColumnNames.joined(separator: ", ")))")
        }
        try validateAnalyses(invalid)
    }

    private static func checkDistinct(_ values: [String], field: String, _ invalid: (String, String) -> SchemaError) throws(SchemaError) {
        var seen: Set<String> = []
        for value in values where !seen.insert(value.lowercased()).inserted {
            throw invalid(field, "lists \"\(value)\" twice (case does not count)")
        }
    }
}

// MARK: - YAML

extension DatasetSchema {
    /// Reads and validates a schema written as YAML.
    /// - Parameter source: where the text comes from (a path), for messages.
    /// - Throws: ``SchemaError``.
    public init(yaml: String, source: String = "the schema") throws(SchemaError) {
        do {
            self = try YAMLDecoder().decode(DatasetSchema.self, from: yaml)
        } catch let error as DecodingError {
            throw .unreadable(source: source, reason: Self.explain(error))
        } catch {
            throw .unreadable(source: source, reason: "\(error)")
        }
        try validate()
    }

    /// The schema as YAML, in the order a person reads it.
    public func yaml() -> String {
        do {
            return try YAMLEncoder().encode(self)
        } catch {
            preconditionFailure("a dataset schema always encodes: \(error)")
        }
    }

    /// A stable fingerprint of everything that decides how rows are read: 16 hex digits of the
    /// FNV-1a 64-bit hash of the schema's JSON with sorted keys (the description and the
    /// analyses left out).
    public var fingerprint: String {
        var copy = self
        copy.description = nil
        copy.analyses = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(copy)) ?? Data()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// A one-line reason for a decoding error, naming the field.
    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the document" : names.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent == "the document" ? "" : parent + ".")\(key.stringValue) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type (\(context.debugDescription))"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
