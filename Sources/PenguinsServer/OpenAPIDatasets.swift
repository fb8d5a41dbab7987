import Foundation
import PenguinsCore
import PenguinsPipeline

/// The parts of the OpenAPI document generated for each dataset other than the penguins: its
/// own predict operations, whose request and response bodies are generated from its schema: its
/// feature names with their kinds, units, plausible ranges and levels, its classes, and an example.
/// ``OpenAPIDocument`` adds them to the paths and the schemas it serves.
enum OpenAPIDatasets {
    /// The prefix of a dataset's component names: `iris` → `Iris`, `sea_otters` → `SeaOtters`.
    static func componentPrefix(_ dataset: String) -> String {
        dataset.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The dataset's predict and batch operations: (path, method, operation).
    static func operations(of schema: DatasetSchema) -> [(String, String, OpenAPI.Operation)] {
        let prefix = componentPrefix(schema.name)
        let name = schema.name
        let errors: [Int: OpenAPI.Response] = [
            400: .malformedJSON, 404: .notFound, 413: .tooLarge, 415: .unsupportedMediaType, 422: .invalid, 503: .unavailable,
        ]
        let example = self.example(of: schema)
        let predict = OpenAPI.Operation(
            "predict\(prefix)", .datasets,
            summary: "Predict the \(schema.target.name) of one row of \(name)",
            description: "Generated from the schema of \(name): its features by name. Every feature the current model uses is required "
                + "(`GET /api/v1/datasets/\(name)/model` lists them); the others may be given or left out. "
                + "A categorical value may also be an alias of a level, and a number may be sent as text.",
            requestBody: .json(.ref(prefix + "Features"), example: JSONLiteral(example)),
            responses: errors.merging([
                200: .json("The predicted \(schema.target.name) and the probability of each class.", .ref(prefix + "Prediction")),
            ]) { first, _ in first }
        )
        let batch = OpenAPI.Operation(
            "predict\(prefix)Batch", .datasets,
            summary: "Predict many rows of \(name)",
            description: "Up to \(PenguinsServer.maximumBatchSize) rows per request, each validated as by "
                + "`POST /api/v1/datasets/\(name)/predict`; errors name the row (`rows[3].<feature>`).",
            requestBody: .json(.ref(prefix + "Batch"), example: JSONLiteral(.object(["rows": .array([example])]))),
            responses: errors.merging([
                200: .json("One prediction per row, in order.", .ref(prefix + "BatchPredictions")),
            ]) { first, _ in first }
        )
        // Served by the routes `/api/v1/datasets/{dataset}/predict[/batch]`, which readers may call.
        return [
            ("/api/v1/datasets/\(name)/predict", "post", predict.guarded(.reader, rendering: .api, method: "POST")),
            ("/api/v1/datasets/\(name)/predict/batch", "post", batch.guarded(.reader, rendering: .api, method: "POST")),
        ]
    }

    /// The penguins' request body (`PenguinMeasurements`), generated from their schema as every
    /// dataset's is: any of its features, those the live model reads required.
    static func penguinBody(of schema: DatasetSchema) -> JSONValue {
        .object([
            "type": .string("object"), "additionalProperties": .bool(false), "properties": .object(featureProperties(of: schema)),
            "description": .string(
                "A penguin: any features of the penguins' schema by name. The features the live model reads are required "
                    + "(`GET /api/v1/model` lists them; the four measurements unless it was trained with `--features`). "
                    + "Checked by the schema as the CSV rows are, with the same messages: a number may also be sent as text (\"39.1\"), "
                    + "a level in any case or as one of its aliases (sex f, m)."),
        ])
    }

    /// The dataset's body schemas: (component name, JSON Schema).
    static func components(of schema: DatasetSchema) -> [(String, JSONValue)] {
        let prefix = componentPrefix(schema.name)
        let properties = featureProperties(of: schema)
        let features: JSONValue = .object([
            "type": .string("object"), "additionalProperties": .bool(false), "properties": .object(properties),
            "description": .string("A row of \(schema.name): its features by name."),
        ])
        let classes = schema.target.classes
        let probability: JSONValue = .object(["type": .string("number"), "minimum": .number(0), "maximum": .number(1)])
        let prediction: JSONValue = .object([
            "type": .string("object"),
            "required": .array(["prediction", "probabilities", "confidence", "model_version", "prediction_id"].map(JSONValue.string)),
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
                "prediction_id": .object(["$ref": .string("#/components/schemas/PredictionId")]),
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

    /// Each feature of `schema` as a JSON Schema property: a number with its unit and plausible
    /// range, or one of its levels; null or absent when not given.
    static func featureProperties(of schema: DatasetSchema) -> [String: JSONValue] {
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
        return properties
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
