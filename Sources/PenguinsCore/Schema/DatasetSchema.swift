/// What a dataset's rows hold and how the columns of its CSV files map onto them.
///
/// A schema is data, written as YAML (see ``DatasetSchema/yaml()`` and
/// ``DatasetSchema/init(yaml:)``): the penguins are one bundled schema
/// (``BundledSchemas/penguins``), iris another, and `penguins datasets add` registers any
/// other table, inferring its schema from a file (``DatasetSchema/infer(name:file:options:)``).
///
/// Column names are normalised (see ``normalizedColumnName(_:)``); `headers` list the other
/// spellings a file's header may use for a column (`Length (cm)` for `length_cm`).
public struct DatasetSchema: Hashable, Sendable, Codable {
    /// The dataset's name: lowercase letters, digits and underscores, starting with a letter
    /// (it names tables and URL paths).
    public var name: String
    /// What the data is, for people.
    public var description: String?
    /// How each row gets its stable id.
    public var id: IdentifierRule
    /// The class column models learn to predict.
    public var target: TargetColumn
    /// The columns models can learn from, numeric and categorical, in their canonical order.
    public var features: [FeatureColumn]
    /// The column the warehouse is partitioned by: the target or a categorical feature.
    public var partition: String
    /// The features a model uses unless told otherwise; nil means every feature.
    public var defaultFeatures: [String]?
    /// Field values that mean "missing", compared after trimming blanks.
    public var missingValues: [String]
    /// Columns kept in the lake with a fixed type; any other column is kept too, as a number
    /// when its value is a plain decimal number and as text otherwise.
    public var kept: KeptColumns
    /// The analyses its pages and commands open with; nil chooses them from the columns.
    public var analyses: AnalysisDefaults?

    public init(
        name: String, description: String? = nil, id: IdentifierRule, target: TargetColumn, features: [FeatureColumn],
        partition: String, defaultFeatures: [String]? = nil, missingValues: [String] = DatasetSchema.standardMissingValues,
        kept: KeptColumns = KeptColumns(), analyses: AnalysisDefaults? = nil
    ) {
        self.name = name
        self.description = description
        self.id = id
        self.target = target
        self.features = features
        self.partition = partition
        self.defaultFeatures = defaultFeatures
        self.missingValues = missingValues
        self.kept = kept
        self.analyses = analyses
    }

    /// `NA`, an empty field and `.`.
    public static let standardMissingValues = ["NA", "", "."]

    enum CodingKeys: String, CodingKey {
        case name, description, id, target, features, partition
        case defaultFeatures = "default_features"
        case missingValues = "missing_values"
        case kept, analyses
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description)
        id = try container.decodeIfPresent(IdentifierRule.self, forKey: .id) ?? IdentifierRule()
        target = try container.decode(TargetColumn.self, forKey: .target)
        features = try container.decode([FeatureColumn].self, forKey: .features)
        partition = try container.decodeIfPresent(String.self, forKey: .partition) ?? target.name
        defaultFeatures = try container.decodeIfPresent([String].self, forKey: .defaultFeatures)
        missingValues = try container.decodeIfPresent([String].self, forKey: .missingValues) ?? Self.standardMissingValues
        kept = try container.decodeIfPresent(KeptColumns.self, forKey: .kept) ?? KeptColumns()
        analyses = try container.decodeIfPresent(AnalysisDefaults.self, forKey: .analyses)
    }

    /// The feature named `name`, if any.
    public func feature(named name: String) -> FeatureColumn? { features.first { $0.name == name } }

    /// The indices of the numeric features, in schema order.
    public var numericFeatureIndices: [Int] { features.indices.filter { features[$0].kind == .numeric } }

    /// The indices of the categorical features, in schema order.
    public var categoricalFeatureIndices: [Int] { features.indices.filter { features[$0].kind == .categorical } }

    /// The features a model uses by default, in schema order.
    public var modelFeatures: [FeatureColumn] {
        guard let defaultFeatures else { return features }
        return features.filter { defaultFeatures.contains($0.name) }
    }
}

/// How a row's id is made: from an id column when the file has one, else from a template
/// over other columns, else from a hash of the row's cleaned content.
public struct IdentifierRule: Hashable, Sendable, Codable {
    /// The id column's normalised name (`penguin_id`).
    public var column: String?
    /// Columns joined into an id, e.g. `{study_name}-{species}-{sample_number}`; a placeholder
    /// naming the target takes its class, any other the field's text.
    public var template: String?

    public init(column: String? = nil, template: String? = nil) {
        self.column = column
        self.template = template
    }

    /// The column names the template refers to, in order.
    public var templateColumns: [String] {
        guard let template else { return [] }
        return template.matches(of: /\{([^{}]+)\}/).map { String($0.1) }
    }
}

/// The class column: its classes and the raw spellings that mean each of them.
public struct TargetColumn: Hashable, Sendable, Codable {
    public var name: String
    /// Other header spellings of the column.
    public var headers: [String]
    /// The classes, in their canonical order.
    public var classes: [String]
    /// Raw values that mean a class, e.g. a raw label with the Latin name → the class's short name.
    /// Classes and aliases are matched without regard to case.
    public var aliases: [String: String]

    enum CodingKeys: String, CodingKey {
        case name, headers, classes, aliases
    }

    public init(name: String, headers: [String] = [], classes: [String], aliases: [String: String] = [:]) {
        self.name = name
        self.headers = headers
        self.classes = classes
        self.aliases = aliases
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        headers = try container.decodeIfPresent([String].self, forKey: .headers) ?? []
        classes = try container.decode([String].self, forKey: .classes)
        aliases = try container.decodeIfPresent([String: String].self, forKey: .aliases) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        if !headers.isEmpty { try container.encode(headers, forKey: .headers) }
        try container.encode(classes, forKey: .classes)
        if !aliases.isEmpty { try container.encode(SortedMapping(aliases), forKey: .aliases) }
    }
}

/// A string-to-string mapping that encodes its keys in sorted order, so a schema's YAML is the
/// same text every time.
struct SortedMapping: Encodable {
    let pairs: [String: String]
    init(_ pairs: [String: String]) { self.pairs = pairs }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for key in pairs.keys.sorted() { try container.encode(pairs[key]!, forKey: Key(stringValue: key)) }
    }
}

/// A bound of a range as YAML shows it best: a whole number without a fraction or exponent.
struct RangeBound: Encodable {
    let value: Double
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
    }
}

/// A column models can learn from.
public struct FeatureColumn: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case numeric
        case categorical
    }

    public var name: String
    public var kind: Kind
    /// Other header spellings of the column.
    public var headers: [String]
    /// A file must have this column (else it may lack it, and every row's value is missing).
    public var required: Bool
    /// A missing value rejects the row (else the row is stored, but a model that uses this
    /// feature cannot learn from it or predict it).
    public var valueRequired: Bool
    /// Numeric: the unit, for people (`mm`, `g`, `per mil`).
    public var unit: String?
    /// Numeric: the plausible values; a value outside rejects the row.
    public var range: ClosedRange<Double>?
    /// Numeric: the value must be a whole number.
    public var integer: Bool
    /// Numeric: when the column is absent, the year is read from this (date) column instead:
    /// the first run of exactly four digits, as in `2007-11-11` or `11/16/2007`.
    public var yearFrom: String?
    /// Categorical: the levels, in their canonical order.
    public var levels: [String]
    /// Categorical: raw values that mean a level (`MALE` is matched to `male` anyway: levels
    /// and aliases are matched without regard to case).
    public var aliases: [String: String]

    /// A numeric feature.
    public static func numeric(
        _ name: String, unit: String? = nil, range: ClosedRange<Double>? = nil, headers: [String] = [], required: Bool = true,
        valueRequired: Bool = false, integer: Bool = false, yearFrom: String? = nil
    ) -> FeatureColumn {
        FeatureColumn(
            name: name, kind: .numeric, headers: headers, required: required, valueRequired: valueRequired, unit: unit,
            range: range, integer: integer, yearFrom: yearFrom, levels: [], aliases: [:])
    }

    /// A categorical feature.
    public static func categorical(
        _ name: String, levels: [String], aliases: [String: String] = [:], headers: [String] = [], required: Bool = true,
        valueRequired: Bool = false
    ) -> FeatureColumn {
        FeatureColumn(
            name: name, kind: .categorical, headers: headers, required: required, valueRequired: valueRequired, unit: nil,
            range: nil, integer: false, yearFrom: nil, levels: levels, aliases: aliases)
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, headers, required, unit, range, integer, levels, aliases
        case valueRequired = "value_required"
        case yearFrom = "year_from"
    }

    public init(
        name: String, kind: Kind, headers: [String], required: Bool, valueRequired: Bool, unit: String?,
        range: ClosedRange<Double>?, integer: Bool, yearFrom: String?, levels: [String], aliases: [String: String]
    ) {
        self.name = name
        self.kind = kind
        self.headers = headers
        self.required = required
        self.valueRequired = valueRequired
        self.unit = unit
        self.range = range
        self.integer = integer
        self.yearFrom = yearFrom
        self.levels = levels
        self.aliases = aliases
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(Kind.self, forKey: .kind)
        headers = try container.decodeIfPresent([String].self, forKey: .headers) ?? []
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? true
        valueRequired = try container.decodeIfPresent(Bool.self, forKey: .valueRequired) ?? false
        unit = try container.decodeIfPresent(String.self, forKey: .unit)
        if let bounds = try container.decodeIfPresent([Double].self, forKey: .range) {
            guard bounds.count == 2, bounds[0] <= bounds[1], bounds.allSatisfy(\.isFinite) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .range, in: container, debugDescription: "range must be [low, high] with low <= high, got \(bounds)")
            }
            range = bounds[0]...bounds[1]
        } else {
            range = nil
        }
        integer = try container.decodeIfPresent(Bool.self, forKey: .integer) ?? false
        yearFrom = try container.decodeIfPresent(String.self, forKey: .yearFrom)
        levels = try container.decodeIfPresent([String].self, forKey: .levels) ?? []
        aliases = try container.decodeIfPresent([String: String].self, forKey: .aliases) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        if !headers.isEmpty { try container.encode(headers, forKey: .headers) }
        if !required { try container.encode(required, forKey: .required) }
        if valueRequired { try container.encode(valueRequired, forKey: .valueRequired) }
        try container.encodeIfPresent(unit, forKey: .unit)
        if let range { try container.encode([RangeBound(value: range.lowerBound), RangeBound(value: range.upperBound)], forKey: .range) }
        if integer { try container.encode(integer, forKey: .integer) }
        try container.encodeIfPresent(yearFrom, forKey: .yearFrom)
        if kind == .categorical { try container.encode(levels, forKey: .levels) }
        if !aliases.isEmpty { try container.encode(SortedMapping(aliases), forKey: .aliases) }
    }
}

/// Columns kept in the lake with a fixed type, whatever their values look like.
public struct KeptColumns: Hashable, Sendable, Codable {
    /// Kept as numbers (a value that is not a number rejects the row).
    public var numbers: [String]
    /// Kept as text, even when a value looks like a number.
    public var texts: [String]

    enum CodingKeys: String, CodingKey {
        case numbers, texts
    }

    public init(numbers: [String] = [], texts: [String] = []) {
        self.numbers = numbers
        self.texts = texts
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        numbers = try container.decodeIfPresent([String].self, forKey: .numbers) ?? []
        texts = try container.decodeIfPresent([String].self, forKey: .texts) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !numbers.isEmpty { try container.encode(numbers, forKey: .numbers) }
        if !texts.isEmpty { try container.encode(texts, forKey: .texts) }
    }
}
