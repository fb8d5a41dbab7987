/// Why a value cannot be a column's: the detail, without the column's name, which the caller
/// puts in front ("sex: ..." in a quarantine reason, a problem's `field` in the API).
public struct ValueProblem: Error, Hashable, Sendable {
    public var detail: String
    public init(_ detail: String) { self.detail = detail }
}

/// A value as a JSON body or a form gives it.
public enum InputValue: Hashable, Sendable {
    case missing
    case number(Double)
    case text(String)
}

/// The checks a dataset's schema makes of a value, the same for CSV rows, JSON bodies and
/// dashboard forms, with the same messages: a class or level must be one (or an alias of one,
/// without regard to case); a number must be finite, whole when `integer`, inside its range.
public struct SchemaValidator: Sendable {
    public let schema: DatasetSchema
    /// Lowercased class and alias spellings → class index.
    private let classesByText: [String: Int]
    /// Per feature (empty for numeric ones): lowercased level and alias spellings → level index.
    private let levelsByText: [[String: Int]]
    /// The same spellings as the schema writes them, looked up first: a file's values are
    /// mostly written so, and then need no lowercased copy.
    private let classesByExactText: [String: Int]
    private let levelsByExactText: [[String: Int]]
    /// The classes' and each categorical feature's levels' own spellings with their index,
    /// compared one by one before any table is looked up when there are few: a few comparisons
    /// of short strings cost less than hashing one.
    private let fewClasses: [(text: String, index: Int)]
    private let fewLevels: [[(text: String, index: Int)]]
    /// Per feature: whether it must be whole, and its plausible range (read on every value,
    /// without copying the feature).
    private let integer: [Bool]
    private let ranges: [ClosedRange<Double>?]
    private let kinds: [FeatureColumn.Kind]

    public init(schema: DatasetSchema) {
        self.schema = schema
        classesByText = Self.lookup(schema.target.classes, aliases: schema.target.aliases)
        levelsByText = schema.features.map { $0.kind == .categorical ? Self.lookup($0.levels, aliases: $0.aliases) : [:] }
        classesByExactText = Self.lookup(schema.target.classes, aliases: schema.target.aliases, lowercased: false)
        levelsByExactText = schema.features.map { $0.kind == .categorical ? Self.lookup($0.levels, aliases: $0.aliases, lowercased: false) : [:] }
        fewClasses = Self.few(schema.target.classes, table: classesByExactText)
        fewLevels = zip(schema.features, levelsByExactText).map { feature, table in Self.few(feature.levels, table: table) }
        integer = schema.features.map(\.integer)
        ranges = schema.features.map(\.range)
        kinds = schema.features.map(\.kind)
    }

    /// The class index of `text`.
    public func targetClass(of text: String) throws(ValueProblem) -> Int {
        for entry in fewClasses where entry.text == text { return entry.index }
        if let index = classesByExactText[text] { return index }
        guard let index = classesByText[text.lowercased()] else {
            let target = schema.target
            throw ValueProblem("\(RowChecks.quoted(text)) is not a known \(target.name) (\(target.classes.joined(separator: ", ")))")
        }
        return index
    }

    /// The level index of `text` for categorical feature `index`.
    public func level(of text: String, feature index: Int) throws(ValueProblem) -> Double {
        for entry in fewLevels[index] where entry.text == text { return Double(entry.index) }
        if let level = levelsByExactText[index][text] { return Double(level) }
        guard let level = levelsByText[index][text.lowercased()] else {
            let feature = schema.features[index]
            throw ValueProblem("\(RowChecks.quoted(text)) is not a known \(feature.name) (\(feature.levels.joined(separator: ", ")))")
        }
        return Double(level)
    }

    /// `value`, written as `text`, checked for numeric feature `index`: whole when the feature
    /// is `integer`, inside its range.
    public func checked(_ value: Double, written text: @autoclosure () -> String, feature index: Int) throws(ValueProblem) -> Double {
        if integer[index], value != value.rounded() { throw ValueProblem("\(RowChecks.quoted(text())) is not a whole number") }
        if let range = ranges[index], !range.contains(value) {
            throw ValueProblem(
                "\(text()) is outside the plausible range \(JSONValue.format(range.lowerBound))...\(JSONValue.format(range.upperBound))")
        }
        return value
    }

    /// The value of feature `index` given by a JSON body or a form (numbers written with a
    /// decimal point): a number, a level index, or nil when missing.
    public func value(_ input: InputValue, feature index: Int) throws(ValueProblem) -> Double? {
        // The feature itself is read only for a message: a request's values cost no copy of it.
        switch (input, kinds[index]) {
        case (.missing, _): return nil
        case (.number(let number), .numeric):
            guard number.isFinite else { throw ValueProblem("must be a finite number") }
            return try checked(number, written: JSONValue.format(number), feature: index)
        case (.text(let text), .numeric):
            let number: Double
            do {
                number = try RowChecks.number(text, column: schema.features[index].name, decimalMark: .point)
            } catch {
                throw ValueProblem(Self.detail(of: error, column: schema.features[index].name))
            }
            return try checked(number, written: text, feature: index)
        case (.text(let text), .categorical): return try level(of: text, feature: index)
        case (.number(let number), .categorical):
            throw ValueProblem("must be one of \(schema.features[index].levels.joined(separator: ", ")), not the number \(JSONValue.format(number))")
        }
    }

    /// A row rejection's reason without its leading `column: `.
    private static func detail(of rejection: RowRejection, column: String) -> String {
        let prefix = column + ": "
        return rejection.reason.hasPrefix(prefix) ? String(rejection.reason.dropFirst(prefix.count)) : rejection.reason
    }

    /// The spellings of `values` that `table` (exact spellings → index) maps to their own
    /// index, when there are at most eight values; else none, and the table answers.
    private static func few(_ values: [String], table: [String: Int]) -> [(text: String, index: Int)] {
        guard values.count <= 8 else { return [] }
        return values.enumerated().compactMap { index, text in table[text] == index ? (text, index) : nil }
    }

    /// Spellings → index; lowercased unless told otherwise. When two exact spellings differ only
    /// by case from a third, the lowercased table decides as before (the exact one only answers
    /// a text written exactly so, which the lowercased table maps to the same index).
    private static func lookup(_ values: [String], aliases: [String: String], lowercased: Bool = true) -> [String: Int] {
        var table: [String: Int] = [:]
        func key(_ text: String) -> String { lowercased ? text.lowercased() : text }
        for (index, value) in values.enumerated() { table[key(value)] = index }
        for (alias, value) in aliases { if let index = values.firstIndex(of: value) { table[key(alias)] = index } }
        return table
    }
}
