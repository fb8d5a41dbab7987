import Foundation

/// What `datasets add` is told about a file whose schema it infers.
public struct SchemaInferenceOptions: Sendable {
    /// The class column (as in the header, or its normalised name).
    public var target: String
    /// The id column, if the file has one; else rows get content-hash ids.
    public var id: String?
    /// The categorical column to partition by (default: the target).
    public var partition: String?
    /// Parts of the file's dialect to take as given.
    public var overrides: CSVDialect.Overrides
    /// A text column with at most this many distinct values is a categorical feature; one with
    /// more is kept in the lake as text but not offered to models.
    public var maximumLevels: Int

    public init(target: String, id: String? = nil, partition: String? = nil, overrides: CSVDialect.Overrides = .none, maximumLevels: Int = 50) {
        self.target = target
        self.id = id
        self.partition = partition
        self.overrides = overrides
        self.maximumLevels = maximumLevels
    }
}

extension DatasetSchema {
    /// The most classes an inferred target may have.
    public static let maximumInferredClasses = 100

    /// Infers a schema from every row of a CSV file: a column whose present values are all
    /// numbers is a numeric feature, its plausible range the observed one widened by half its
    /// span on each side (not below zero for a column that never is) and rounded outward; a
    /// text column with few distinct values is a categorical feature with those levels; any
    /// other column is kept as text. The target's distinct values are the classes.
    ///
    /// - Throws: an ``IngestError`` for an unreadable file, a ``SchemaError`` when a named column
    ///   is missing, the target does not look like classes, or the result breaks a schema rule.
    public static func infer(name: String, file: URL, options: SchemaInferenceOptions) throws -> DatasetSchema {
        var reader = try CSVReader(url: file, overrides: options.overrides)
        guard let header = try reader.next() else { throw IngestError.emptyFile(path: file.path) }
        let names = header.fields.map(normalizedColumnName)
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted { throw IngestError.duplicateColumn(source: file.path, name: name) }
        func column(_ given: String, role: String) throws -> Int {
            guard let index = names.firstIndex(of: normalizedColumnName(given)) else {
                throw SchemaError.columnNotInFile(path: file.path, role: role, column: given, found: header.fields)
            }
            return index
        }
        let targetIndex = try column(options.target, role: "target")
        let idIndex = try options.id.map { try column($0, role: "id") }
        let partitionIndex = try options.partition.map { try column($0, role: "partition") }

        let decimalMark = reader.dialect.decimalMark
        let missing = Set(standardMissingValues)
        var profiles = names.map { _ in ColumnProfile(levelLimit: max(options.maximumLevels, maximumInferredClasses)) }
        while let record = try reader.next() {
            guard record.fields.count == names.count, !record.hasInvalidUTF8 else { continue }  // ingest quarantines these rows
            for (index, field) in record.fields.enumerated() {
                let text = field.trimmingCharacters(in: .whitespaces)
                guard !missing.contains(text) else { continue }
                profiles[index].add(text, decimalMark: decimalMark)
            }
        }

        let targetName = names[targetIndex]
        let targetProfile = profiles[targetIndex]
        guard let classes = targetProfile.sortedLevels, classes.count <= maximumInferredClasses else {
            throw SchemaError.unsuitableTarget(path: file.path, column: options.target, problem: "has more than \(maximumInferredClasses) distinct values")
        }
        guard classes.count >= 2 else {
            throw SchemaError.unsuitableTarget(path: file.path, column: options.target, problem: "has \(classes.count) distinct value\(classes.count == 1 ? "" : "s"); a classifier needs at least two")
        }

        var features: [FeatureColumn] = []
        var texts: [String] = []
        for (index, column) in names.enumerated() where index != targetIndex && index != idIndex {
            let profile = profiles[index]
            let isPartition = index == partitionIndex
            if profile.count > 0, profile.allNumbers, !isPartition {
                features.append(.numeric(column, range: profile.widenedRange))
            } else if let levels = profile.sortedLevels, levels.count <= options.maximumLevels, profile.count > 0 {
                features.append(.categorical(column, levels: levels, valueRequired: isPartition))
            } else if isPartition {
                throw SchemaError.invalid(schema: name, field: "partition", problem: "\"\(options.partition!)\" has more than \(options.maximumLevels) distinct values; partition by a column with few")
            } else {
                texts.append(column)
            }
        }
        let schema = DatasetSchema(
            name: name, description: "Inferred from \(file.lastPathComponent).",
            id: IdentifierRule(column: idIndex.map { names[$0] }),
            target: TargetColumn(name: targetName, classes: classes),
            features: features,
            partition: partitionIndex.map { names[$0] } ?? targetName,
            kept: KeptColumns(texts: texts))
        try schema.validate()
        return schema
    }
}

/// What one column's values look like, gathered in one pass.
private struct ColumnProfile {
    let levelLimit: Int
    var count = 0
    var allNumbers = true
    var minimum = Double.infinity
    var maximum = -Double.infinity
    /// Distinct values while there are at most `levelLimit`; nil past that.
    var levels: Set<String>? = []

    init(levelLimit: Int) { self.levelLimit = levelLimit }

    mutating func add(_ text: String, decimalMark: CSVDialect.DecimalMark) {
        count += 1
        if allNumbers {
            if let value = RowChecks.inferredNumber(text, decimalMark: decimalMark) {
                minimum = min(minimum, value)
                maximum = max(maximum, value)
            } else {
                allNumbers = false
            }
        }
        if levels != nil {
            levels!.insert(text)
            if levels!.count > levelLimit { levels = nil }
        }
    }

    var sortedLevels: [String]? { levels?.sorted() }

    /// The observed range widened by half its span each side, rounded outward to the span's
    /// order of magnitude, and not below zero for a column that never is.
    var widenedRange: ClosedRange<Double> {
        let span = maximum - minimum
        let margin = span > 0 ? span / 2 : max(abs(maximum) / 2, 1)
        let step = pow(10, (log10(margin)).rounded(.down))
        var low = ((minimum - margin) / step).rounded(.down) * step
        let high = ((maximum + margin) / step).rounded(.up) * step
        if minimum >= 0 { low = max(low, 0) }
        return low...high
    }
}
