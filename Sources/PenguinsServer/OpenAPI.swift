import PenguinsCore
import PenguinsPipeline

/// The parts of the OpenAPI 3.1 document that describe one route, as its registration gives
/// them (``RouteTable/add(_:_:_:_:_:)``): the operation, its parameters, request body and
/// responses. Each part holds its JSON as it appears in the document; the parameters, responses
/// and schemas it refers to by name are the written components (``OpenAPIDocument``).
enum OpenAPI {
    /// The groups operations are listed under, in the order the document lists them.
    enum Tag: String, CaseIterable, Sendable {
        case predictions, penguins, analyses, models, datasets, operations, dashboard

        /// What the group holds, as the document's `tags` describe it.
        var description: String {
            switch self {
            case .predictions: "Species predictions, cached and live."
            case .penguins: "The lake's documents and the warehouse's rows."
            case .analyses: "Statistics, regression and drift."
            case .models: "Model versions and promotion."
            case .datasets: "The datasets and their schemas, bundled and registered."
            case .operations: "Health, readiness, metrics and this document."
            case .dashboard: "Server-rendered HTML pages (no JavaScript needed)."
            }
        }
    }

    /// What one route does, what it takes and what it answers with each status.
    struct Operation: Sendable {
        /// The `operationId`, unique in the document.
        var id: String
        var tag: Tag
        var summary: String
        var description: String?
        var parameters: [Parameter]
        var requestBody: RequestBody?
        /// The responses by HTTP status.
        var responses: [Int: Response]
        /// The security schemes that admit a caller (`apiKey`, `sessionCookie`); empty for an
        /// operation that answers anyone.
        var security: [String] = []

        init(
            _ id: String, _ tag: Tag, summary: String, description: String? = nil, parameters: [Parameter] = [],
            requestBody: RequestBody? = nil, responses: [Int: Response]
        ) {
            self.id = id
            self.tag = tag
            self.summary = summary
            self.description = description
            self.parameters = parameters
            self.requestBody = requestBody
            self.responses = responses
        }

        /// The same operation, answering 429 when as many analyses as the server admits are
        /// running (a problem document, or a page for the dashboard's).
        var turningAwayWhenBusy: Operation {
            var copy = self
            copy.responses[429] = tag == .dashboard ? .tooBusyPage : .tooBusy
            return copy
        }

        /// The operation with the values of the default dataset's columns its parameters and body
        /// name (``Columns``) generated from `schema`.
        func naming(columnsOf schema: DatasetSchema) -> Operation {
            var copy = self
            copy.parameters = parameters.flatMap { $0.naming(columnsOf: schema) }
            copy.requestBody = requestBody?.naming(columnsOf: schema)
            return copy
        }

        /// The operation object of the document.
        var value: JSONValue {
            var members: [String: JSONValue] = [
                "operationId": .string(id),
                "tags": .array([.string(tag.rawValue)]),
                "summary": .string(summary),
                "responses": .object(Dictionary(uniqueKeysWithValues: responses.map { (String($0.key), $0.value.value) })),
            ]
            if let description { members["description"] = .string(description) }
            if !parameters.isEmpty { members["parameters"] = .array(parameters.map(\.value)) }
            if let requestBody { members["requestBody"] = requestBody.value }
            if !security.isEmpty { members["security"] = .array(security.map { .object([$0: .array([])]) }) }
            return .object(members)
        }

        /// The same operation as served with `access`: once keys exist an API route takes a bearer
        /// key (401 without one, 403 for a reader on an admin route) and a page a session (to
        /// `/login` without one); every form post carries `csrf_token` (403 without it).
        func guarded(_ access: RouteAccess, rendering: RouteKind.Rendering, method: String) -> Operation {
            var copy = self
            switch rendering {
            case .api:
                guard access != .open else { return copy }
                copy.security = ["apiKey"]
                copy.responses[401] = .reference("Unauthorized")
                if access == .admin { copy.responses[403] = .reference("Forbidden") }
            case .page:
                if access != .open {
                    copy.security = ["sessionCookie"]
                    copy.responses[303] = copy.responses[303] ?? .redirect("Not signed in (once API keys exist): to the sign-in form.")
                }
                if access == .admin || method == "POST" { copy.responses[403] = .errorPage }
                if method == "POST" { copy.requestBody = (requestBody ?? .form(["type": "object"])).addingFormToken }
            }
            return copy
        }
    }

    /// Which columns of the default dataset's schema a parameter or a form field names: its
    /// values are generated from the schema the document is built with
    /// (``Operation/naming(columnsOf:)``), so that they follow an edited schema.
    enum Columns: Sendable {
        /// Its numeric columns (``PenguinsPipeline/DatasetColumns/numericNames(of:)``).
        case numeric
        /// Its target and categorical features (``PenguinsPipeline/DatasetColumns/categoricalNames(of:)``).
        case categorical
        /// The levels of its partition column.
        case partitionLevels
        /// Its numeric and categorical columns: what a regression may take as predictors.
        case any
        /// One parameter per feature, named as the feature, its value as text (a form's fields).
        case eachFeature

        /// The names or levels these columns are in `schema`.
        func values(in schema: DatasetSchema) -> [String] {
            switch self {
            case .numeric: DatasetColumns.numericNames(of: schema)
            case .categorical: DatasetColumns.categoricalNames(of: schema)
            case .partitionLevels: schema.feature(named: schema.partition)?.levels ?? schema.target.classes
            case .any: DatasetColumns.numericNames(of: schema) + DatasetColumns.categoricalNames(of: schema)
            case .eachFeature: schema.features.map(\.name)
            }
        }
    }

    /// A parameter of an operation: a written one by name, or one of the operation's own.
    struct Parameter: Sendable {
        /// The parameter object (or the reference to one) of the document.
        let value: JSONValue
        /// The columns whose names or levels the parameter takes, generated from the schema.
        var columns: Columns?

        /// The parameter with the values of its ``columns`` in `schema`: one of them (an
        /// `enum`), or, for ``Columns/eachFeature``, one parameter per feature.
        func naming(columnsOf schema: DatasetSchema) -> [Parameter] {
            guard let columns, case .object(let members) = value, case .string(let location)? = members["in"] else { return [self] }
            let values = columns.values(in: schema)
            if columns == .eachFeature {
                let example = OpenAPIDatasets.example(of: schema)
                return values.map { name in
                    let text: JSONValue = switch example[name] {
                    case .number(let number)?: .string(number == number.rounded() ? String(Int(number)) : "\(number)")
                    case .string(let level)?: .string(level)
                    default: .null
                    }
                    return Parameter.make(
                        name, in: location, .string, required: false, description: "The feature \(name), as text.",
                        example: text == .null ? nil : JSONLiteral(text))
                }
            }
            // One of the values, or (a repeated parameter) an array of them; the example is the first.
            var named = members
            let choice: JSONValue = .object(["type": .string("string"), "enum": .array(values.map(JSONValue.string))])
            let repeated = members["schema"]?["type"] == .string("array")
            named["schema"] = repeated ? .object(["type": .string("array"), "items": choice]) : choice
            named["example"] = values.first.map { repeated ? .array([.string($0)]) : .string($0) }
            return [Parameter(value: .object(named))]
        }

        /// The written parameter `#/components/parameters/<name>`.
        static func reference(_ name: String) -> Parameter {
            Parameter(value: .object(["$ref": .string("#/components/parameters/\(name)")]))
        }

        /// A penguin's id in the path (`{penguin_id}`).
        static let penguinID = reference("PenguinId")
        /// A dataset's name in the path (`{dataset}`).
        static let datasetName = reference("DatasetName")
        /// The `current` sample of a drift report (`production` or `warehouse`).
        static let driftCurrent = reference("DriftCurrent")

        /// A regression's share of held-out rows.
        static let testFraction = query(
            "test_fraction", ["type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.2],
            description: "Share of the rows held out for the test error: a row is held out when a hash of its id and the seed falls below it, so it keeps its side as rows are added."
        )
        /// The seed of a regression's split.
        static let splitSeed = query("seed", ["type": "integer", "minimum": 0, "default": 42], description: "Seed of the hash that splits the rows.")

        /// One query parameter per feature of the default dataset's schema, as text (a form's fields).
        static let featureQueries = query("feature", .eachFeature)

        /// A query parameter that names one of `columns` of the default dataset's schema.
        static func query(_ name: String, _ columns: Columns, required: Bool = false, description: String? = nil) -> Parameter {
            var parameter = make(name, in: "query", .string, required: required, description: description, example: nil)
            parameter.columns = columns
            return parameter
        }

        /// A parameter in the query string.
        static func query(
            _ name: String, _ schema: JSONLiteral, required: Bool = false, description: String? = nil, example: JSONLiteral? = nil
        ) -> Parameter {
            make(name, in: "query", schema, required: required, description: description, example: example)
        }

        /// A query parameter given once per value, each naming one of `columns` of the default dataset's schema.
        static func repeatedQuery(_ name: String, _ columns: Columns, description: String? = nil) -> Parameter {
            var parameter = repeatedQuery(name, items: .string, description: description)
            parameter.columns = columns
            return parameter
        }

        /// A query parameter given once per value (`?predictors=a&predictors=b`), each one of `items`.
        static func repeatedQuery(_ name: String, items: JSONLiteral, description: String? = nil, example: JSONLiteral? = nil) -> Parameter {
            make(
                name, in: "query", ["type": "array", "items": items], required: false, description: description, example: example,
                serialisation: ["style": .string("form"), "explode": .bool(true)]
            )
        }

        /// A parameter in the path (always required): `{name}` in the route's path.
        static func path(_ name: String, _ schema: JSONLiteral, description: String? = nil, example: JSONLiteral? = nil) -> Parameter {
            make(name, in: "path", schema, required: true, description: description, example: example)
        }

        fileprivate static func make(
            _ name: String, in location: String, _ schema: JSONLiteral, required: Bool, description: String?, example: JSONLiteral?,
            serialisation: [String: JSONValue] = [:]
        ) -> Parameter {
            var members = serialisation.merging(["name": .string(name), "in": .string(location), "schema": schema.value]) { _, own in own }
            if required { members["required"] = .bool(true) }
            if let description { members["description"] = .string(description) }
            if let example { members["example"] = example.value }
            return Parameter(value: .object(members))
        }
    }

    /// The body an operation requires, by media type.
    struct RequestBody: Sendable {
        /// The request body object of the document.
        let value: JSONValue
        /// A field of the body that names one of these columns, generated from the schema.
        var namedField: (name: String, columns: Columns)?

        /// The same body with field `name` naming one of `columns` of the schema the document is built with.
        func naming(_ name: String, _ columns: Columns) -> RequestBody {
            var body = self
            body.namedField = (name, columns)
            return body
        }

        /// The body with its ``namedField``'s values (an `enum`) in `schema`; an example whose
        /// field is not one of them takes the first.
        func naming(columnsOf schema: DatasetSchema) -> RequestBody {
            guard let field = namedField else { return self }
            let values = field.columns.values(in: schema)
            var body = editingMedia { _, bodySchema, example in
                var properties: [String: JSONValue] = if case .object(let members)? = bodySchema["properties"] { members } else { [:] }
                properties[field.name] = .object(["type": .string("string"), "enum": .array(values.map(JSONValue.string))])
                bodySchema["properties"] = .object(properties)
                if example != nil, !values.contains(where: { example?[field.name] == .string($0) }) {
                    example?[field.name] = values.first.map(JSONValue.string)
                }
            }
            body.namedField = nil
            return body
        }

        /// The body with each media type's schema and example (nil when it has none) edited by `edit`.
        private func editingMedia(_ edit: (_ mediaType: String, inout [String: JSONValue], inout [String: JSONValue]?) -> Void) -> RequestBody {
            guard case .object(var body) = value, case .object(var content)? = body["content"] else { return self }
            for (mediaType, media) in content {
                guard case .object(var media) = media, case .object(var bodySchema)? = media["schema"] else { continue }
                var example: [String: JSONValue]? = if case .object(let members)? = media["example"] { members } else { nil }
                edit(mediaType, &bodySchema, &example)
                media["schema"] = .object(bodySchema)
                if let example { media["example"] = .object(example) }
                content[mediaType] = .object(media)
            }
            body["content"] = .object(content)
            return RequestBody(value: .object(body), namedField: namedField)
        }

        /// A JSON body (`application/json`).
        static func json(_ schema: JSONLiteral, example: JSONLiteral? = nil) -> RequestBody {
            required("application/json", schema, example: example)
        }

        /// A form post (`application/x-www-form-urlencoded`).
        static func form(_ schema: JSONLiteral, example: JSONLiteral? = nil) -> RequestBody {
            required("application/x-www-form-urlencoded", schema, example: example)
        }

        /// The same form body with the required field `csrf_token` (the dashboard's form token).
        var addingFormToken: RequestBody {
            editingMedia { mediaType, schema, example in
                guard mediaType == "application/x-www-form-urlencoded" else { return }
                var properties: [String: JSONValue] = if case .object(let members)? = schema["properties"] { members } else { [:] }
                properties["csrf_token"] = .object(["type": .string("string"), "description": .string("The form token of the page that showed the form.")])
                schema["properties"] = .object(properties)
                var required: [JSONValue] = if case .array(let names)? = schema["required"] { names } else { [] }
                required.append(.string("csrf_token"))
                schema["required"] = .array(required)
                example?["csrf_token"] = .string("9JmZ0Qm8qF3cO3xq2E5J0R8o6sS1pXh4vN7bT2kLwYc")
            }
        }

        private static func required(_ mediaType: String, _ schema: JSONLiteral, example: JSONLiteral?) -> RequestBody {
            RequestBody(value: .object([
                "required": .bool(true), "content": .object([mediaType: media(schema, example: example)]),
            ]))
        }
    }

    /// One response of an operation: a written one by name, or a description with its body.
    struct Response: Sendable {
        /// The response object (or the reference to one) of the document.
        let value: JSONValue

        /// The written response `#/components/responses/<name>`.
        static func reference(_ name: String) -> Response {
            Response(value: .object(["$ref": .string("#/components/responses/\(name)")]))
        }

        /// An HTML page of the dashboard.
        static let page = reference("Page")
        /// An HTML page explaining an error.
        static let errorPage = reference("ErrorPage")
        /// A problem document: a query parameter is invalid.
        static let badParameter = reference("BadParameter")
        /// A problem document: the body is not JSON.
        static let malformedJSON = reference("MalformedJSON")
        /// A problem document: the named thing does not exist.
        static let notFound = reference("NotFound")
        /// A problem document: the stores hold too little data for the answer.
        static let notEnoughData = reference("NotEnoughData")
        /// A problem document: the candidate version is worse than the current one.
        static let promotionRefused = reference("PromotionRefused")
        /// A problem document: the body is too large.
        static let tooLarge = reference("TooLarge")
        /// A problem document: the body's media type is not accepted.
        static let unsupportedMediaType = reference("UnsupportedMediaType")
        /// A problem document naming each invalid field.
        static let invalid = reference("Invalid")
        /// A problem document: too many analyses are running (429).
        static let tooBusy = reference("TooBusy")
        /// An HTML page: too many analyses are running (429).
        static let tooBusyPage = reference("TooBusyPage")
        /// A problem document: a store or the model is unavailable.
        static let unavailable = reference("Unavailable")

        /// A JSON body (`application/json`) with one example, or with several by name.
        static func json(
            _ description: String, _ schema: JSONLiteral, example: JSONLiteral? = nil, examples: [String: JSONLiteral]? = nil
        ) -> Response {
            var content = media(schema, example: example)
            if let examples, case .object(var members) = content {
                members["examples"] = .object(examples.mapValues { .object(["value": $0.value]) })
                content = .object(members)
            }
            return Response(value: .object(["description": .string(description), "content": .object(["application/json": content])]))
        }

        /// A problem document (`application/problem+json`, the `Problem` schema).
        static func problem(_ description: String, example: JSONLiteral) -> Response {
            body(description, mediaType: "application/problem+json", .ref("Problem"), example: example)
        }

        /// A body of another media type.
        static func body(_ description: String, mediaType: String, _ schema: JSONLiteral, example: JSONLiteral? = nil) -> Response {
            Response(value: .object([
                "description": .string(description), "content": .object([mediaType: media(schema, example: example)]),
            ]))
        }

        /// A redirect (303) with no body; with `location`, the one place it leads.
        static func redirect(_ description: String, location: String? = nil) -> Response {
            var members: [String: JSONValue] = ["description": .string(description)]
            if let location {
                members["headers"] = .object(["Location": .object(["schema": .object(["type": .string("string"), "const": .string(location)])])])
            }
            return Response(value: .object(members))
        }
    }

    /// A media type object: the schema and, when given, an example.
    private static func media(_ schema: JSONLiteral, example: JSONLiteral?) -> JSONValue {
        var members: [String: JSONValue] = ["schema": schema.value]
        if let example { members["example"] = example.value }
        return .object(members)
    }
}

/// JSON written as a Swift literal (a schema or an example in an operation):
/// `["type": "integer", "minimum": 1]`.
struct JSONLiteral: Sendable, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral {
    let value: JSONValue

    init(_ value: JSONValue) { self.value = value }
    init(dictionaryLiteral elements: (String, JSONLiteral)...) {
        value = .object(Dictionary(uniqueKeysWithValues: elements.map { ($0, $1.value) }))
    }
    init(arrayLiteral elements: JSONLiteral...) { value = .array(elements.map(\.value)) }
    init(stringLiteral value: String) { self.value = .string(value) }
    init(integerLiteral value: Int) { self.value = .number(Double(value)) }
    init(floatLiteral value: Double) { self.value = .number(value) }
    init(booleanLiteral value: Bool) { self.value = .bool(value) }
    init(nilLiteral: ()) { value = .null }

    /// The written schema `#/components/schemas/<name>`.
    static func ref(_ name: String) -> JSONLiteral { ["$ref": JSONLiteral(.string("#/components/schemas/\(name)"))] }

    /// The schema of any string.
    static let string: JSONLiteral = ["type": "string"]
}
