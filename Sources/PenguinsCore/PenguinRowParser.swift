import Foundation

/// Turns the records of one penguin CSV into clean penguins or rejections.
///
/// Created from the file's header, it detects the ``PenguinLayout``, then cleans and
/// validates each row:
/// - `NA`, an empty field and `.` are missing values;
/// - species and island must be present and known, sex is male, female or missing;
/// - a measurement is missing or a finite number inside ``Feature/plausibleRange``
///   (a row with missing measurements is accepted; it is just not usable for training);
/// - the year (tidy: `year`; raw: the year of `Date Egg`) must be within ``plausibleYears``.
///
/// Every other column goes to ``Penguin/otherFields`` under its normalised name: the raw
/// layout's numeric columns (`sample_number`, `delta_15_n`, `delta_13_c`) as numbers, its text
/// columns as strings, and unknown columns as numbers when the value is a plain decimal number,
/// else as strings; missing values as null.
///
/// Penguin ids are stable: the same file gives the same ids on every read.
/// - a `penguin_id` column, when present, is the id (an empty one rejects the row);
/// - raw rows: `<studyName>-<Species>-<Sample Number>`, e.g. `PAL0708-Adelie-1`
///   (study and sample number alone repeat across species);
/// - tidy rows without ids: `T` and 16 hex digits of the FNV-1a 64-bit hash of the cleaned
///   row, with `-2`, `-3`, ... appended to repeats of an identical row within the file. For
///   this the parser remembers one hash per such row (a few bytes each).
public struct PenguinRowParser: Sendable {
    /// The years a row may have.
    public static let plausibleYears = 1900...2100

    /// The detected layout.
    public let layout: PenguinLayout
    /// Where the rows come from (a path or a name), used in messages.
    public let source: String
    /// The header's columns under their normalised names, in file order.
    public let columnNames: [String]
    /// How the file is written: its decimal mark decides how numbers read.
    public let dialect: CSVDialect

    private let speciesColumn: Int
    private let islandColumn: Int
    private let sexColumn: Int
    private let measurementColumns: [(feature: Feature, column: Int)]
    /// Tidy: `year`; raw: `date_egg`.
    private let yearColumn: Int
    private let idColumn: Int?
    private let studyNameColumn: Int?
    private let sampleNumberColumn: Int?
    private let otherColumns: [OtherColumn]
    /// How often each content id has been given so far (tidy rows without an id column).
    private var contentIDCounts: [UInt64: Int] = [:]
    /// Names already read: a file repeats a handful of species, island and sex spellings.
    private var speciesNames = NameCache<Species>(read: Species.init(name:))
    private var islandNames = NameCache<Island>(read: Island.init(name:))
    private var sexNames = NameCache<Sex>(read: Sex.init(name:))

    /// Remembers what a few hundred distinct texts read as, so each is read once.
    private struct NameCache<Value: Sendable>: Sendable {
        let read: @Sendable (String) -> Value?
        private var known: [String: Value?] = [:]

        init(read: @escaping @Sendable (String) -> Value?) {
            self.read = read
        }

        mutating func value(_ text: String) -> Value? {
            if let value = known[text] { return value }
            let value = read(text)
            if known.count < 256 { known[text] = value }
            return value
        }
    }

    private struct OtherColumn: Sendable {
        typealias Kind = RowChecks.KeptKind
        var column: Int
        var name: String
        var kind: Kind
    }

    /// Columns of the raw layout that hold numbers.
    private static let numericColumns: Set<String> = ["sample_number", "delta_15_n", "delta_13_c"]
    /// Columns of the raw layout that hold text, even when a value looks like a number.
    private static let textColumns: Set<String> = [
        "study_name", "region", "stage", "individual_id", "clutch_completion", "date_egg", "comments",
    ]

    /// Detects the layout of `header`.
    /// - Parameters:
    ///   - source: the file's path or name, used in error messages and rejections.
    ///   - dialect: how the file is written; with a decimal comma, `39,1` reads as 39.1 and a
    ///     number written with a point is rejected (it may be a thousands separator).
    /// - Throws: ``IngestError/unknownHeader(source:found:missingByLayout:dialect:)`` when the
    ///   header matches neither layout, ``IngestError/duplicateColumn(source:name:)`` when two
    ///   columns normalise to the same name.
    public init(header: CSVRecord, source: String, dialect: CSVDialect = .standard) throws {
        let names = header.fields.map(normalizedColumnName)
        var indexByName: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            guard indexByName[name] == nil else { throw IngestError.duplicateColumn(source: source, name: name) }
            indexByName[name] = index
        }
        var missingByLayout: [PenguinLayout: [String]] = [:]
        for layout in PenguinLayout.allCases {
            missingByLayout[layout] = zip(layout.requiredColumns, layout.requiredNormalizedColumns)
                .filter { indexByName[$0.1] == nil }
                .map(\.0)
        }
        guard let layout = PenguinLayout.allCases.first(where: { missingByLayout[$0]!.isEmpty }) else {
            throw IngestError.unknownHeader(source: source, found: header.fields, missingByLayout: missingByLayout, dialect: dialect)
        }

        self.layout = layout
        self.source = source
        self.dialect = dialect
        self.columnNames = names
        speciesColumn = indexByName["species"]!
        islandColumn = indexByName["island"]!
        sexColumn = indexByName["sex"]!
        measurementColumns = Feature.allCases.map { ($0, indexByName[$0.rawValue]!) }
        idColumn = indexByName["penguin_id"]
        var consumed: Set<String> = ["species", "island", "sex", "penguin_id"]
        consumed.formUnion(Feature.allCases.map(\.rawValue))
        switch layout {
        case .raw:
            // date_egg stays in the other fields: the year alone loses the day.
            yearColumn = indexByName["date_egg"]!
            studyNameColumn = indexByName["study_name"]
            sampleNumberColumn = indexByName["sample_number"]
        case .tidy:
            yearColumn = indexByName["year"]!
            studyNameColumn = nil
            sampleNumberColumn = nil
            consumed.insert("year")
        }
        otherColumns = names.enumerated().compactMap { index, name in
            guard !consumed.contains(name) else { return nil }
            let kind: OtherColumn.Kind =
                PenguinRowParser.numericColumns.contains(name) ? .number
                : PenguinRowParser.textColumns.contains(name) ? .text : .inferred
            return OtherColumn(column: index, name: name, kind: kind)
        }
    }

    /// Cleans and validates one data record; an accepted penguin knows the record's line.
    public mutating func parse(_ record: CSVRecord) -> RowOutcome {
        do {
            return .accepted(try penguin(from: record))
        } catch {
            return .rejected(RejectedRow(line: record.line, rawText: record.rawText, reason: error.reason))
        }
    }

    private typealias Rejection = RowRejection

    private mutating func penguin(from record: CSVRecord) throws(Rejection) -> Penguin {
        try RowChecks.checkShape(of: record, columnCount: columnNames.count)
        let fields = record.fields

        guard let speciesText = Self.presentText(fields[speciesColumn]) else { throw Rejection("species: missing") }
        guard let species = speciesNames.value(speciesText) else {
            let known = Species.allCases.map(\.rawValue).joined(separator: ", ")
            throw Rejection("species: \(Self.quoted(speciesText)) is not a known species (\(known))")
        }

        guard let islandText = Self.presentText(fields[islandColumn]) else { throw Rejection("island: missing") }
        guard let island = islandNames.value(islandText) else {
            let known = Island.known.map(\.rawValue).joined(separator: ", ")
            throw Rejection("island: \(Self.quoted(islandText)) is not a known island (\(known))")
        }

        var measurements = Measurements(billLength: nil, billDepth: nil, flipperLength: nil, bodyMass: nil)
        for (feature, column) in measurementColumns {
            guard let text = Self.presentText(fields[column]) else { continue }
            let value = try number(text, column: feature.rawValue)
            let range = feature.plausibleRange
            guard range.contains(value) else {
                throw Rejection(
                    "\(feature.rawValue): \(text) is outside the plausible range "
                        + "\(JSONValue.format(range.lowerBound))...\(JSONValue.format(range.upperBound))")
            }
            measurements[feature] = value
        }

        var sex: Sex?
        if let sexText = Self.presentText(fields[sexColumn]) {
            guard let value = sexNames.value(sexText) else {
                throw Rejection("sex: \(Self.quoted(sexText)) is neither male nor female")
            }
            sex = value
        }

        let year = try self.year(fields[yearColumn])

        var otherFields: [String: JSONValue] = [:]
        otherFields.reserveCapacity(otherColumns.count)
        for other in otherColumns {
            otherFields[other.name] = try jsonValue(fields[other.column], of: other)
        }

        var penguin = Penguin(
            id: "", species: species, island: island, measurements: measurements,
            sex: sex, year: year, otherFields: otherFields, sourceLine: record.line)
        penguin.id = try id(of: penguin, fields: fields)
        return penguin
    }

    private func year(_ field: String) throws(Rejection) -> Int {
        let years = PenguinRowParser.plausibleYears
        let column = columnNames[yearColumn]
        guard let text = Self.presentText(field) else {
            throw Rejection(layout == .raw ? "\(column): missing (the year comes from it)" : "\(column): missing")
        }
        let year: Int
        switch layout {
        case .tidy:
            if let whole = Int(text) {
                year = whole
            } else if let value = Double(text), value.isFinite, value == value.rounded(), abs(value) < 1e9 {
                year = Int(value)
            } else {
                throw Rejection("\(column): \(Self.quoted(text)) is not a year")
            }
        case .raw:
            guard let found = Self.firstFourDigitNumber(in: text) else {
                throw Rejection("\(column): \(Self.quoted(text)) has no year (expected a date like 2007-11-11)")
            }
            year = found
        }
        guard years.contains(year) else {
            throw Rejection("\(column): year \(year) is outside \(years.lowerBound)...\(years.upperBound)")
        }
        return year
    }

    private mutating func id(of penguin: Penguin, fields: [String]) throws(Rejection) -> String {
        if let idColumn {
            guard let id = Self.presentText(fields[idColumn]) else { throw Rejection("penguin_id: missing") }
            return id
        }
        if let studyNameColumn, let sampleNumberColumn {
            guard let study = Self.presentText(fields[studyNameColumn]) else {
                throw Rejection("study_name: missing (the penguin id is made from it)")
            }
            guard let sample = Self.presentText(fields[sampleNumberColumn]) else {
                throw Rejection("sample_number: missing (the penguin id is made from it)")
            }
            return "\(study)-\(penguin.species.rawValue)-\(sample)"
        }
        let hash = Self.contentHash(of: penguin)
        let occurrence = (contentIDCounts[hash] ?? 0) + 1
        contentIDCounts[hash] = occurrence
        let hex = String(hash, radix: 16)
        let id = "T" + String(repeating: "0", count: 16 - hex.count) + hex
        return occurrence == 1 ? id : "\(id)-\(occurrence)"
    }
}

// MARK: - Cleaning helpers

extension PenguinRowParser {
    /// The field without surrounding blanks, or nil when it is a missing value (`NA`, empty, `.`).
    static func presentText(_ field: String) -> String? {
        guard let first = field.utf8.first, let last = field.utf8.last else { return nil }
        var text = field
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        if first == space || first == tab || last == space || last == tab {
            text = field.trimmingCharacters(in: .whitespaces)
        }
        switch text.utf8.count {
        case 0: return nil
        case 1: return text == "." ? nil : text
        case 2: return text == "NA" ? nil : text
        default: return text
        }
    }

    /// A finite number written with the file's decimal mark, or a rejection naming `column`.
    private func number(_ text: String, column: String) throws(Rejection) -> Double {
        try RowChecks.number(text, column: column, decimalMark: dialect.decimalMark)
    }

    private func jsonValue(_ field: String, of column: OtherColumn) throws(Rejection) -> JSONValue {
        guard let text = Self.presentText(field) else { return .null }
        return try RowChecks.keptValue(text, column: column.name, kind: column.kind, decimalMark: dialect.decimalMark)
    }

    /// True for plain decimal numbers: optional sign, digits with an optional fraction after
    /// `decimalMark`, optional exponent.
    static func looksLikeDecimalNumber(_ text: String, decimalMark: CSVDialect.DecimalMark = .point) -> Bool {
        var bytes = text.utf8[...]
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        let integerDigits = bytes.prefix(while: isDigit).count
        bytes = bytes.dropFirst(integerDigits)
        var fractionDigits = 0
        if bytes.first == UInt8(ascii: decimalMark == .point ? "." : ",") {
            bytes = bytes.dropFirst()
            fractionDigits = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fractionDigits)
        }
        guard integerDigits + fractionDigits > 0 else { return false }
        if let first = bytes.first, first == UInt8(ascii: "e") || first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponentDigits = bytes.prefix(while: isDigit).count
            guard exponentDigits > 0 else { return false }
            bytes = bytes.dropFirst(exponentDigits)
        }
        return bytes.isEmpty
    }

    /// The first run of exactly four digits, e.g. 2007 in `2007-11-11` or `11/16/2007`.
    static func firstFourDigitNumber(in text: String) -> Int? {
        var run = 0
        var value = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                run += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            } else {
                if run == 4 { return value }
                run = 0
                value = 0
            }
        }
        return run == 4 ? value : nil
    }

    /// The value in quotes for a message, with inner quotes escaped.
    static func quoted(_ text: String) -> String { RowChecks.quoted(text) }

    /// FNV-1a 64-bit hash of the cleaned row: species, island, measurements, sex, year and the
    /// other fields by name, separated by a unit separator byte.
    static func contentHash(of penguin: Penguin) -> UInt64 {
        var hash = ContentHash()
        hash.add(penguin.species.rawValue)
        hash.add(penguin.island.rawValue)
        for feature in Feature.allCases {
            hash.add(penguin.measurements[feature].map(JSONValue.format) ?? "NA")
        }
        hash.add(penguin.sex?.rawValue ?? "NA")
        hash.add(String(penguin.year))
        for name in penguin.otherFields.keys.sorted() {
            hash.add(name)
            hash.add(penguin.otherFields[name]!.jsonText)
        }
        return hash.value
    }
}
