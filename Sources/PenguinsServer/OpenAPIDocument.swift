import Foundation
import PenguinsCore
import PenguinsPipeline

/// The OpenAPI 3.1 document of the API, as YAML: a fixed header (the API's description, its
/// server and the ``OpenAPI/Tag``s), the `paths` built from the operations the routes are
/// registered with (``RouteTable``), and the written `components` (the JSON bodies' schemas and
/// the shared responses and parameters, `Resources/openapi-components.yaml`), which the
/// operations refer to by name.
///
/// For every dataset other than the penguins, the paths gain its own predict operations and
/// the schemas its bodies, generated from its schema (``OpenAPIDatasets``); a dataset's path
/// (`/api/v1/datasets/iris/predict`) is an instance of the templated one and takes precedence
/// over it for that dataset.
struct OpenAPIDocument: Sendable {
    /// Every registered route with its operation.
    let operations: [(route: Route, operation: OpenAPI.Operation)]
    /// The written components: YAML whose one top-level key is `components`, and whose last
    /// section is `schemas` (the generated schemas are appended to it).
    let components: String

    /// The written components, from the bundle's resources.
    static func writtenComponents() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi-components", withExtension: "yaml", subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The document, with the generated operations and schemas of every dataset in `datasets`
    /// but the penguins, and the penguins' request body generated from their schema.
    func yaml(datasets: [DatasetSchema] = []) -> String {
        let penguins = datasets.first { Platform.isDefaultDataset($0.name) } ?? BundledSchemas.penguins
        var paths: [String: [String: JSONValue]] = [:]
        for (route, operation) in operations {
            paths[route.path, default: [:]][route.method.lowercased()] = operation.naming(columnsOf: penguins).value
        }
        var schemas: [String: JSONValue] = ["PenguinMeasurements": OpenAPIDatasets.penguinBody(of: penguins)]
        for schema in datasets where !Platform.isDefaultDataset(schema.name) {
            for (path, method, operation) in OpenAPIDatasets.operations(of: schema) {
                paths[path, default: [:]][method] = operation.value
            }
            for (name, definition) in OpenAPIDatasets.components(of: schema) {
                schemas[name] = definition
            }
        }
        var text = "openapi: 3.1.0\n"
        for (key, value) in Self.header {
            text += BlockYAML.mapping([key: value])
        }
        text += BlockYAML.mapping(["paths": .object(paths.mapValues(JSONValue.object))])
        text += components.hasSuffix("\n") ? components : components + "\n"
        text += BlockYAML.mapping(schemas, indent: 4)
        return text
    }

    /// The document's `info`, `servers` and `tags`, in that order.
    static let header: [(String, JSONValue)] = [
        ("info", .object([
            "title": .string("Penguins API"),
            "version": .string("1.0.0"),
            "summary": .string("Palmer penguins from raw CSV to predictions and monitoring."),
            "description": .string("""
                The JSON API of the penguins platform, under `/api/v1`, and the dashboard's HTML pages.
                JSON keys are snake_case. Every error is an RFC 9457 problem document
                (`application/problem+json`) whose `errors` array names each offending field; bad input
                never yields a 500. Request bodies are limited to 1 MiB (4 MiB for `/predict/batch`).
                """),
            "license": .object([
                "name": .string("CC0-1.0 (data), project licence (code)"),
                "identifier": .string("CC0-1.0"),
            ]),
        ])),
        ("servers", .array([.object([
            "url": .string("http://127.0.0.1:8080"),
            "description": .string("`penguins serve` or `penguins up` on the default address"),
        ])])),
        ("tags", .array(OpenAPI.Tag.allCases.map { tag in
            .object(["name": .string(tag.rawValue), "description": .string(tag.description)])
        })),
    ]
}

/// JSON values written as block-style YAML, keys sorted: each mapping member and sequence item
/// on lines of its own. A string that could read as anything but a string is double-quoted
/// (in JSON's escaping, which YAML shares); a plain word stays bare.
enum BlockYAML {
    /// The members of a mapping at `indent` spaces, one per line (nested values below them);
    /// empty for no members.
    static func mapping(_ members: [String: JSONValue], indent: Int = 0) -> String {
        var out = ""
        let padding = String(repeating: " ", count: indent)
        for key in members.keys.sorted() {
            out += padding + scalar(.string(key)) + ":" + nested(members[key]!, indent: indent)
        }
        return out
    }

    /// The items of a sequence at `indent` spaces, each after `- `.
    static func sequence(_ items: [JSONValue], indent: Int) -> String {
        var out = ""
        let padding = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .object(let members) where !members.isEmpty:
                // The item's first member goes on the dash's line, the others below it.
                out += padding + "- " + mapping(members, indent: indent + 2).dropFirst(indent + 2)
            case .array(let values) where !values.isEmpty:
                out += padding + "- " + sequence(values, indent: indent + 2).dropFirst(indent + 2)
            default:
                out += padding + "- " + scalar(item) + "\n"
            }
        }
        return out
    }

    /// A value after its key's colon: a non-empty collection on the lines below, else on the same line.
    private static func nested(_ value: JSONValue, indent: Int) -> String {
        switch value {
        case .object(let members) where !members.isEmpty: "\n" + mapping(members, indent: indent + 2)
        case .array(let items) where !items.isEmpty: "\n" + sequence(items, indent: indent + 2)
        default: " " + scalar(value) + "\n"
        }
    }

    /// A value on one line: `{}` and `[]` for empty collections, a bare word or a quoted string.
    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .object: "{}"
        case .array: "[]"
        case .string(let text) where isPlain(text): text
        case .number:
            // YAML 1.1 readers take an exponent for a number only after a decimal point (`1.0e-07`).
            value.jsonText.contains("e") && !value.jsonText.contains(".") ? value.jsonText.replacingOccurrences(of: "e", with: ".0e") : value.jsonText
        default: value.jsonText
        }
    }

    /// Words YAML 1.1 readers take for booleans or null.
    private static let reserved: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]

    /// True when `text` reads back as the same string unquoted: a word of letters, digits and
    /// `_ $ / . + { } -`, starting with a letter, `_`, `$` or `/`, and not a reserved word.
    private static func isPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !reserved.contains(text.lowercased()) else { return false }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { scalar.isASCII && (scalar.properties.isAlphabetic || scalar == "_") }
        guard isLetter(first) || first == "$" || first == "/" else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            isLetter(scalar) || ("0"..."9").contains(scalar) || "$/.+{}-".unicodeScalars.contains(scalar)
        }
    }
}
