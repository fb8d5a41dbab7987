import Foundation

/// One clean row of any dataset: its class and features by index, as its schema orders them.
public struct DatasetRecord: Hashable, Sendable {
    /// Stable identifier: the same source row always gets the same id.
    public var id: String
    /// The row's class, an index into the schema's `target.classes`.
    public var targetClass: Int
    /// One value per feature, in the schema's order: a number for a numeric feature, a level
    /// index (into its `levels`) for a categorical one, nil when missing.
    public var features: [Double?]
    /// Every other column of the source row, under its normalised name (missing values as null).
    public var otherFields: [String: JSONValue]
    /// The line of the source file the row starts on, when it was read from one: with the
    /// batch's ``Provenance`` it makes the lake document's `_provenance`.
    public var sourceLine: Int?

    public init(id: String, targetClass: Int, features: [Double?], otherFields: [String: JSONValue] = [:], sourceLine: Int? = nil) {
        self.id = id
        self.targetClass = targetClass
        self.features = features
        self.otherFields = otherFields
        self.sourceLine = sourceLine
    }
}

/// The features of one row to predict, by index as the schema orders them (level indices for
/// categorical features, nil when missing), with where it came from.
public struct FeatureRow: Hashable, Sendable {
    /// The row's id, when its file has the schema's id column.
    public var id: String?
    /// The line of the source file the row starts on.
    public var line: Int
    public var features: [Double?]

    public init(id: String?, line: Int, features: [Double?]) {
        self.id = id
        self.line = line
        self.features = features
    }
}

/// What became of one row of a file to predict.
public enum FeatureRowOutcome: Hashable, Sendable {
    case accepted(FeatureRow)
    case rejected(RejectedRow)
}

/// What became of one source row read with a schema.
public enum DatasetRowOutcome: Hashable, Sendable {
    case accepted(DatasetRecord)
    case rejected(RejectedRow)
}

/// Reads the rows of one CSV file with a dataset's schema: matches the header to the schema's
/// columns (by normalised name or a listed header spelling), then cleans and validates each
/// row as the schema says, with one message per kind of problem:
/// - a missing value (a `missing_values` token) is allowed unless the column requires one;
/// - the target and categorical features must be a class or level, or an alias of one
///   (without regard to case);
/// - a numeric feature must be a finite number with the file's decimal mark, inside its range,
///   and whole when it is `integer`; a feature whose column is absent but has `year_from` takes
///   the first four-digit run of that (date) column;
/// - kept columns keep their type; any other column becomes a number when it is a plain
///   decimal number, else text.
///
/// Ids: the id column when the file has it, else the schema's template when the file has its
/// columns, else `T` and 16 hex digits of the FNV-1a hash of the cleaned row (the target, the
/// partition, then every other feature whose column the file has, then the other fields by
/// name), with `-2`, `-3`, ... for repeats of an identical row within the file.
public struct SchemaRowParser: Sendable {
    public let schema: DatasetSchema
    public let source: String
    public let dialect: CSVDialect
    /// The header's columns under their normalised names, in file order.
    public let columnNames: [String]

    /// Where each feature's value comes from.
    private enum FeatureSource: Sendable {
        case column(Int)
        case yearOf(Int)
        case absent
    }

    /// The target's column; nil only in a file to predict that lacks it.
    private let targetColumn: Int?
    private let featureSources: [FeatureSource]
    private let idColumn: Int?
    /// The template's pieces: literal text, or a column (the target's placeholder takes the class).
    private let template: [TemplatePiece]?
    private let otherColumns: [(column: Int, name: String, kind: RowChecks.KeptKind)]
    private let missing: Set<String>
    /// The longest missing-value token, in UTF-8 bytes: a longer field is never missing, and
    /// is not looked up.
    private let longestMissing: Int
    /// Per feature, read on every row without copying the feature: its kind and whether a
    /// value is required.
    private let featureKinds: [FeatureColumn.Kind]
    private let featureValueRequired: [Bool]
    /// The schema's checks of classes, levels and numbers.
    private let validator: SchemaValidator
    /// The order the content hash takes the features in.
    private let hashOrder: [Int]
    /// The target's classes and each feature's levels (empty for a numeric one), read per row
    /// for ids without copying the target or a feature.
    private let classNames: [String]
    private let levelNames: [[String]]

    /// How often each content hash has made an id so far in one stream of rows: a file's
    /// second identical row (of a schema without an id column) gets the suffix `-2`.
    public struct Occurrences: Sendable {
        var counts: [UInt64: Int] = [:]
        public init() {}
    }

    private enum TemplatePiece: Sendable {
        case text(String)
        case column(Int, name: String)
        case target
    }


    /// Matches `header` to `schema`.
    /// - Throws: ``IngestError/missingColumns(source:dataset:missing:found:dialect:)`` when the
    ///   file lacks a column the schema requires, ``IngestError/duplicateColumn(source:name:)``
    ///   when two columns normalise to the same name.
    /// - Parameter requiringTarget: false for files to predict, which need not have the target
    ///   column (read them with ``parseFeatures(_:)``).
    public init(
        schema: DatasetSchema, header: CSVRecord, source: String, dialect: CSVDialect = .standard, requiringTarget: Bool = true
    ) throws {
        let names = header.fields.map(normalizedColumnName)
        var indexByName: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            guard indexByName[name] == nil else { throw IngestError.duplicateColumn(source: source, name: name) }
            indexByName[name] = index
        }
        func column(_ name: String, headers: [String]) -> Int? {
            ([name] + headers).lazy.compactMap { indexByName[normalizedColumnName($0)] }.first
        }
        // A missing column is named with the other spellings the schema accepts for it.
        func described(_ name: String, headers: [String], yearFrom: String? = nil) -> String {
            let others = headers.filter { $0 != name } + (yearFrom.map { ["the year of \($0)"] } ?? [])
            return others.isEmpty ? name : "\(name) (or \(others.joined(separator: " or ")))"
        }
        var missingColumns: [String] = []
        let target = column(schema.target.name, headers: schema.target.headers)
        if target == nil, requiringTarget { missingColumns.append(described(schema.target.name, headers: schema.target.headers)) }
        var sources: [FeatureSource] = []
        for feature in schema.features {
            if let index = column(feature.name, headers: feature.headers) {
                sources.append(.column(index))
            } else if let from = feature.yearFrom, let index = indexByName[normalizedColumnName(from)] {
                sources.append(.yearOf(index))
            } else {
                if feature.required { missingColumns.append(described(feature.name, headers: feature.headers, yearFrom: feature.yearFrom)) }
                sources.append(.absent)
            }
        }
        guard missingColumns.isEmpty else {
            throw IngestError.missingColumns(
                source: source, dataset: schema.name, missing: missingColumns, found: header.fields, dialect: dialect)
        }

        self.schema = schema
        self.source = source
        self.dialect = dialect
        self.columnNames = names
        targetColumn = target
        featureSources = sources
        idColumn = schema.id.column.flatMap { indexByName[normalizedColumnName($0)] }
        let templateColumns = schema.id.templateColumns
        if idColumn == nil, schema.id.template != nil,
           templateColumns.allSatisfy({ $0 == schema.target.name || indexByName[$0] != nil }) {
            template = SchemaRowParser.pieces(of: schema.id.template!, target: schema.target.name, indexByName: indexByName)
        } else {
            template = nil
        }

        var consumed: Set<Int> = target.map { [$0] } ?? []
        for source in sources { if case .column(let index) = source { consumed.insert(index) } }
        if let idColumn { consumed.insert(idColumn) }
        let numbers = Set(schema.kept.numbers), texts = Set(schema.kept.texts)
        otherColumns = names.enumerated().compactMap { index, name in
            guard !consumed.contains(index) else { return nil }
            return (index, name, numbers.contains(name) ? .number : texts.contains(name) ? .text : .inferred)
        }
        missing = Set(schema.missingValues)
        longestMissing = schema.missingValues.map(\.utf8.count).max() ?? 0
        featureKinds = schema.features.map(\.kind)
        featureValueRequired = schema.features.map(\.valueRequired)
        validator = SchemaValidator(schema: schema)
        classNames = schema.target.classes
        levelNames = schema.features.map(\.levels)
        let partitionIndex = schema.features.firstIndex { $0.name == schema.partition }
        hashOrder = (partitionIndex.map { [$0] } ?? [])
            + schema.features.indices.filter { index in
                guard index != partitionIndex else { return false }
                if case .absent = sources[index] { return false }
                return true
            }
    }

    /// True when the file has the column of feature `index` (or the column its year comes from).
    public func hasColumn(ofFeature index: Int) -> Bool {
        if case .absent = featureSources[index] { return false }
        return true
    }

    /// ``hasColumn(ofFeature:)`` of every feature, in the schema's order.
    public var featureColumns: [Bool] { featureSources.indices.map(hasColumn(ofFeature:)) }

    /// Cleans and validates one data record, the `occurrences` of the rows before it in its
    /// stream counting its id.
    public func parse(_ record: CSVRecord, occurrences: inout Occurrences) -> DatasetRowOutcome {
        do {
            return .accepted(try self.record(from: record, occurrences: &occurrences))
        } catch {
            return .rejected(RejectedRow(line: record.line, rawText: record.rawText, reason: error.reason))
        }
    }

    private typealias Rejection = RowRejection

    /// Cleans and validates the features of one data record of a file to predict: the target,
    /// if the file has it, is not read. The row is named by its id column's value when the
    /// file has one.
    public func parseFeatures(_ record: CSVRecord) -> FeatureRowOutcome {
        do throws(Rejection) {
            try RowChecks.checkShape(of: record, columnCount: columnNames.count)
            var values: [Double?] = []
            values.reserveCapacity(featureKinds.count)
            for index in featureKinds.indices {
                values.append(try value(ofFeature: index, in: record.fields))
            }
            let id = idColumn.flatMap { present(record.fields[$0]) }
            return .accepted(FeatureRow(id: id, line: record.line, features: values))
        } catch {
            return .rejected(RejectedRow(line: record.line, rawText: record.rawText, reason: error.reason))
        }
    }

    private func record(from record: CSVRecord, occurrences: inout Occurrences) throws(Rejection) -> DatasetRecord {
        try RowChecks.checkShape(of: record, columnCount: columnNames.count)
        let fields = record.fields
        guard let targetColumn, let targetText = present(fields[targetColumn]) else { throw Rejection("\(schema.target.name): missing") }
        let targetClass: Int
        do { targetClass = try validator.targetClass(of: targetText) } catch { throw Rejection("\(schema.target.name): \(error.detail)") }

        var values: [Double?] = []
        values.reserveCapacity(featureKinds.count)
        for index in featureKinds.indices {
            values.append(try value(ofFeature: index, in: fields))
        }

        var otherFields: [String: JSONValue] = [:]
        // Reserving room in an empty dictionary literal costs a copy: only when there are columns.
        if !otherColumns.isEmpty { otherFields.reserveCapacity(otherColumns.count) }
        for other in otherColumns {
            otherFields[other.name] = try otherValue(fields[other.column], name: other.name, kind: other.kind)
        }
        var result = DatasetRecord(id: "", targetClass: targetClass, features: values, otherFields: otherFields, sourceLine: record.line)
        result.id = try id(of: result, fields: fields, occurrences: &occurrences)
        return result
    }

    private func value(ofFeature index: Int, in fields: [String]) throws(Rejection) -> Double? {
        let text: String?
        var fromDate: String?
        switch featureSources[index] {
        case .absent: return nil
        case .column(let column): text = present(fields[column])
        case .yearOf(let column):
            fromDate = columnNames[column]
            text = present(fields[column])
        }
        // The feature's name is read only for a message: no copy of the feature on the way.
        guard let text else {
            guard featureValueRequired[index] else { return nil }
            if let fromDate { throw Rejection("\(fromDate): missing (the \(schema.features[index].name) comes from it)") }
            throw Rejection("\(schema.features[index].name): missing")
        }
        let value: Double
        switch featureKinds[index] {
        case .categorical:
            do { return try validator.level(of: text, feature: index) } catch { throw Rejection("\(schema.features[index].name): \(error.detail)") }
        case .numeric:
            if let fromDate {
                guard let year = RowChecks.firstFourDigitNumber(in: text) else {
                    throw Rejection("\(fromDate): \(RowChecks.quoted(text)) has no year (expected a date like 2007-11-11)")
                }
                // A year out of range is the date's fault: the message names the date's column.
                do { return try validator.checked(Double(year), written: String(year), feature: index) } catch {
                    throw Rejection("\(fromDate): year \(error.detail)")
                }
            } else {
                value = try number(text, column: schema.features[index].name)
            }
        }
        do { return try validator.checked(value, written: text, feature: index) } catch { throw Rejection("\(schema.features[index].name): \(error.detail)") }
    }

    private func otherValue(_ field: String, name: String, kind: RowChecks.KeptKind) throws(Rejection) -> JSONValue {
        guard let text = present(field) else { return .null }
        return try RowChecks.keptValue(text, column: name, kind: kind, decimalMark: dialect.decimalMark)
    }

    /// A finite number written with the file's decimal mark.
    private func number(_ text: String, column: @autoclosure () -> String) throws(Rejection) -> Double {
        try RowChecks.number(text, column: column(), decimalMark: dialect.decimalMark)
    }

    private func id(of record: DatasetRecord, fields: [String], occurrences: inout Occurrences) throws(Rejection) -> String {
        if let idColumn {
            guard let id = present(fields[idColumn]) else { throw Rejection("\(columnNames[idColumn]): missing") }
            return id
        }
        if let template {
            var id = ""
            for piece in template {
                switch piece {
                case .text(let text): id += text
                case .target: id += classNames[record.targetClass]
                case .column(let column, let name):
                    guard let value = present(fields[column]) else { throw Rejection("\(name): missing (the id is made from it)") }
                    id += value
                }
            }
            return id
        }
        let hash = contentHash(of: record)
        let occurrence = (occurrences.counts[hash] ?? 0) + 1
        occurrences.counts[hash] = occurrence
        let hex = String(hash, radix: 16)
        let id = "T" + String(repeating: "0", count: 16 - hex.count) + hex
        return occurrence == 1 ? id : "\(id)-\(occurrence)"
    }

    /// FNV-1a 64-bit hash of the cleaned row, each part followed by a unit separator byte.
    private func contentHash(of record: DatasetRecord) -> UInt64 {
        var hash = ContentHash()
        hash.add(classNames[record.targetClass])
        for index in hashOrder {
            guard let value = record.features[index] else {
                hash.add("NA")
                continue
            }
            hash.add(featureKinds[index] == .categorical ? levelNames[index][Int(value)] : JSONValue.format(value))
        }
        for name in record.otherFields.keys.sorted() {
            hash.add(name)
            hash.add(record.otherFields[name]!.jsonText)
        }
        return hash.value
    }

    /// The field without surrounding blanks, or nil when it is a missing value.
    private func present(_ field: String) -> String? {
        var field = field
        let blankAtAnEnd = field.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09
        }
        let trimmed = blankAtAnEnd ? field.trimmingCharacters(in: .whitespaces) : field
        guard trimmed.utf8.count <= longestMissing else { return trimmed }
        return missing.contains(trimmed) ? nil : trimmed
    }


    private static func pieces(of template: String, target: String, indexByName: [String: Int]) -> [TemplatePiece] {
        var pieces: [TemplatePiece] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            let name = String(rest[rest.index(after: open)..<close])
            pieces.append(name == target ? .target : .column(indexByName[name]!, name: name))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}
