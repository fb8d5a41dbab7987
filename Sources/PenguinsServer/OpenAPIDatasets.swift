import Foundation
import PenguinsCore
import PenguinsPipeline

/// The OpenAPI document as served: the written description of every route (which the tests hold
/// to the route table, both ways) and, for each dataset other than the penguins, its own
/// predict operations, whose request and response bodies are generated from its schema: its
/// feature names with their kinds, units, plausible ranges and levels, its classes, and an example.
///
/// The generated parts are inserted as JSON (valid YAML) under `paths:` and `components: schemas:`,
/// so the written document keeps its layout; a dataset's path (`/api/v1/datasets/iris/predict`)
/// is an instance of the templated one and takes precedence over it for that dataset.
enum OpenAPIDatasets {
    /// `base` with the generated operations and schemas of every dataset in `datasets` but the penguins.
    static func document(base: String, datasets: [DatasetSchema]) -> String {
        let generated = datasets.filter { !Platform.isDefaultDataset($0.name) }
        guard !generated.isEmpty else { return base }
        var paths = ""
        var schemas = ""
        for schema in generated {
            for (path, method, operation) in operations(of: schema) {
                paths += "  \(path):\n    \(method): \(operation.jsonText)\n"
            }
            for (name, definition) in components(of: schema) {
                schemas += "    \(name): \(definition.jsonText)\n"
            }
        }
        var lines = base.components(separatedBy: "\n")
        guard let pathsLine = lines.firstIndex(of: "paths:"), let componentsLine = lines.firstIndex(of: "components:"),
              let schemasLine = lines[componentsLine...].firstIndex(of: "  schemas:") else { return base }
        lines.insert(schemas, at: schemasLine + 1)
        lines.insert(paths, at: pathsLine + 1)
        return lines.joined(separator: "\n").replacingOccurrences(of: "\n\n\n", with: "\n\n")
    }

    /// The prefix of a dataset's component names: `iris` → `Iris`, `sea_otters` → `SeaOtters`.
    static func componentPrefix(_ dataset: String) -> String {
        dataset.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The dataset's predict and batch operations: (path, method, operation).
    static func operations(of schema: DatasetSchema) -> [(String, String, JSONValue)] {
        let prefix = componentPrefix(schema.name)
        let name = schema.name
        func reference(_ component: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(prefix)\(component)")]) }
        func response(_ component: String) -> JSONValue { .object(["$ref": .string("#/components/responses/\(component)")]) }
        func json(_ schema: JSONValue, example: JSONValue? = nil) -> JSONValue {
            var media: [String: JSONValue] = ["schema": schema]
            if let example { media["example"] = example }
            return .object(["application/json": .object(media)])
        }
        let errors: [String: JSONValue] = [
            "400": response("MalformedJSON"), "404": response("NotFound"), "413": response("TooLarge"),
            "415": response("UnsupportedMediaType"), "422": response("Invalid"), "503": response("Unavailable"),
        ]
        let example = self.example(of: schema)
        let predict: JSONValue = .object([
            "tags": .array([.string("datasets")]),
            "operationId": .string("predict\(prefix)"),
            "summary": .string("Predict the \(schema.target.name) of one row of \(name)"),
            "description": .string(
                "Generated from the schema of \(name): its features by name. Every feature the current model uses is required "
                    + "(`GET /api/v1/datasets/\(name)/model` lists them); the others may be given or left out. "
                    + "A categorical value may also be an alias of a level, and a number may be sent as text."),
            "requestBody": .object(["required": .bool(true), "content": json(reference("Features"), example: example)]),
            "responses": .object(errors.merging(["200": .object([
                "description": .string("The predicted \(schema.target.name) and the probability of each class."),
                "content": json(reference("Prediction")),
            ])]) { first, _ in first }),
        ])
        let batch: JSONValue = .object([
            "tags": .array([.string("datasets")]),
            "operationId": .string("predict\(prefix)Batch"),
            "summary": .string("Predict many rows of \(name)"),
            "description": .string(
                "Up to \(PenguinsServer.maximumBatchSize) rows per request, each validated as by `POST /api/v1/datasets/\(name)/predict`; "
                    + "errors name the row (`rows[3].<feature>`)."),
            "requestBody": .object(["required": .bool(true), "content": json(reference("Batch"), example: .object(["rows": .array([example])]))]),
            "responses": .object(errors.merging(["200": .object([
                "description": .string("One prediction per row, in order."),
                "content": json(reference("BatchPredictions")),
            ])]) { first, _ in first }),
        ])
        return [("/api/v1/datasets/\(name)/predict", "post", predict), ("/api/v1/datasets/\(name)/predict/batch", "post", batch)]
    }

    /// The dataset's body schemas: (component name, JSON Schema).
    static func components(of schema: DatasetSchema) -> [(String, JSONValue)] {
        let prefix = componentPrefix(schema.name)
        var properties: [String: JSONValue] = [:]
        for feature in schema.features {
            switch feature.kind {
            case .numeric:
                var property: [String: JSONValue] = ["type": .array([.string("number"), .string("null")])]
                var description = "Numeric"
                if let unit = feature.unit { description += ", in \(unit)" }
                if let range = feature.range {
                    property["minimum"] = .number(range.lowerBound)
                    property["maximum"] = .number(range.upperBound)
                    description += "; plausible from \(number(range.lowerBound)) to \(number(range.upperBound))"
                }
                property["description"] = .string(description + ".")
                properties[feature.name] = .object(property)
            case .categorical:
                properties[feature.name] = .object([
                    "type": .array([.string("string"), .string("null")]),
                    "enum": .array(feature.levels.map(JSONValue.string) + [.null]),
                    "description": .string("One of the levels \(feature.levels.joined(separator: ", ")) (or an alias of one)."),
                ])
            }
        }
        let features: JSONValue = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "properties": .object(properties),
            "description": .string("A row of \(schema.name): its features by name."),
        ])
        let classes = schema.target.classes
        let probability: JSONValue = .object(["type": .string("number"), "minimum": .number(0), "maximum": .number(1)])
        let prediction: JSONValue = .object([
            "type": .string("object"),
            "required": .array(["prediction", "probabilities", "confidence", "model_version"].map(JSONValue.string)),
            "properties": .object([
                "prediction": .object(["type": .string("string"), "enum": .array(classes.map(JSONValue.string)),
                                       "description": .string("The predicted \(schema.target.name).")]),
                "probabilities": .object([
                    "type": .string("object"), "additionalProperties": .bool(false),
                    "required": .array(classes.map(JSONValue.string)),
                    "properties": .object(Dictionary(uniqueKeysWithValues: classes.map { ($0, probability) })),
                ]),
                "confidence": probability,
                "model_version": .object(["type": .string("integer"), "minimum": .number(1)]),
            ]),
        ])
        let batch: JSONValue = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "required": .array([.string("rows")]),
            "properties": .object(["rows": .object([
                "type": .string("array"), "minItems": .number(1), "maxItems": .number(Double(PenguinsServer.maximumBatchSize)),
                "items": .object(["$ref": .string("#/components/schemas/\(prefix)Features")]),
            ])]),
        ])
        let predictions: JSONValue = .object([
            "type": .string("object"),
            "required": .array(["dataset", "model_version", "count", "predictions"].map(JSONValue.string)),
            "properties": .object([
                "dataset": .object(["const": .string(schema.name)]),
                "model_version": .object(["type": .string("integer"), "minimum": .number(1)]),
                "count": .object(["type": .string("integer"), "minimum": .number(1)]),
                "predictions": .object(["type": .string("array"), "items": .object(["$ref": .string("#/components/schemas/\(prefix)Prediction")])]),
            ]),
        ])
        return [(prefix + "Features", features), (prefix + "Prediction", prediction), (prefix + "Batch", batch), (prefix + "BatchPredictions", predictions)]
    }

    /// A number as a reader writes it: `2` rather than `2.0`.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// A row of the dataset that its schema accepts: each numeric feature at the middle of its
    /// plausible range (to one decimal), each categorical one at its first level.
    static func example(of schema: DatasetSchema) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for feature in schema.features {
            switch feature.kind {
            case .numeric:
                let middle = feature.range.map { ($0.lowerBound + $0.upperBound) / 2 } ?? 1
                members[feature.name] = .number((middle * 10).rounded() / 10)
            case .categorical:
                members[feature.name] = feature.levels.first.map(JSONValue.string) ?? .null
            }
        }
        return .object(members)
    }
}
