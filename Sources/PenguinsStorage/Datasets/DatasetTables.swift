import Foundation
import PenguinsCore

/// The names of one dataset's tables and columns, the same in SQLite and PostgreSQL:
/// `ds_<name>_lake`, `ds_<name>_warehouse` (its PostgreSQL partitions `ds_<name>_warehouse_p<level>`
/// and `ds_<name>_warehouse_default`, its id index `ds_<name>_warehouse_ids`) and
/// `ds_<name>_quarantine`, `ds_<name>_prediction_log`, `ds_<name>_changes` and the registry's two tables. Columns take the schema's names: the id column, the target, each
/// feature, then ``PenguinsCore/DatasetSchema/warehouseColumnNames``.
///
/// The default dataset keeps the platform's first lake, quarantine and registry (`lake`,
/// `quarantine`, `model_versions`, ...), which held the penguins before every dataset had
/// tables of its own (``keepsFirstTables``); its other tables are named as any dataset's.
///
/// Dataset and column names are validated by the schema (lowercase letters, digits and
/// underscores), and are quoted wherever they are written into SQL all the same.
struct DatasetTables: Sendable {
    let schema: DatasetSchema

    /// Whether the dataset's lake, quarantine and registry are the platform's first tables:
    /// true for the default dataset.
    var keepsFirstTables: Bool { schema.name == BundledSchemas.defaultName }

    var lake: String { keepsFirstTables ? "lake" : ownLake }
    /// The column of ``lake`` that holds a document's id.
    var lakeIDColumn: String { keepsFirstTables ? "penguin_id" : "id" }
    /// How the documents of ``lake`` are written.
    var lakeLayout: LakeLayout { keepsFirstTables ? .penguins : .records }
    var warehouse: String { "ds_\(schema.name)_warehouse" }
    var warehouseIDs: String { "ds_\(schema.name)_warehouse_ids" }
    var quarantine: String { keepsFirstTables ? "quarantine" : ownQuarantine }
    /// The names the dataset's lake and quarantine have when it does not keep the first tables.
    var ownLake: String { "ds_\(schema.name)_lake" }
    var ownQuarantine: String { "ds_\(schema.name)_quarantine" }
    var predictionLog: String { "ds_\(schema.name)_prediction_log" }
    /// The ground truth of logged and stored predictions.
    var feedback: String { "ds_\(schema.name)_feedback" }
    /// The columns an insert into ``feedback`` gives, in order.
    static let feedbackColumns = "subject, reference, predicted_class, actual_class, inputs, model_version, predicted_at, recorded_at"
    /// How an insert into ``feedback`` treats truth given again for the same prediction or
    /// row: the new answer replaces the old (the same SQL in both dialects).
    static let feedbackUpsert = """
        ON CONFLICT (subject, reference) DO UPDATE SET predicted_class = excluded.predicted_class,
            actual_class = excluded.actual_class, inputs = excluded.inputs, model_version = excluded.model_version,
            predicted_at = excluded.predicted_at, recorded_at = excluded.recorded_at
        """
    /// The warehouse's change log (see ``ChangeLog``).
    var changes: String { "ds_\(schema.name)_changes" }
    /// One row: the warehouse's ``RecordWarehouse/dataVersion()``.
    var dataVersion: String { "ds_\(schema.name)_data_version" }
    /// The log of the records each upsert inserted (see ``migrations(_:existingWarehouseColumns:)``).
    var insertions: String { "ds_\(schema.name)_insertions" }
    /// The values that updates replaced (see ``migrations(_:existingWarehouseColumns:)``).
    var replaced: String { "ds_\(schema.name)_replaced" }
    /// Aggregates of the records saved by name with their data version
    /// (``RecordWarehouse/saveAggregate(_:named:version:)``).
    var aggregates: String { "ds_\(schema.name)_aggregates" }
    /// The PostgreSQL partition of the partition column's level `index`.
    func partition(level index: Int) -> String { "ds_\(schema.name)_warehouse_p\(index)" }
    var defaultPartition: String { "ds_\(schema.name)_warehouse_default" }

    /// The levels of the partition column: the classes, or the partition feature's levels.
    var partitionLevels: [String] {
        schema.partitionFeatureIndex.map { schema.features[$0].levels } ?? schema.target.classes
    }

    var idColumn: String { Self.quoted(schema.idColumnName) }
    var targetColumn: String { Self.quoted(schema.target.name) }
    var partitionColumn: String { Self.quoted(schema.partition) }
    /// Each feature's quoted column, in schema order.
    var featureColumns: [String] { schema.features.map { Self.quoted($0.name) } }
    /// Id, target and features: the columns an upsert writes besides `usable_for_training`.
    var recordColumns: [String] { [idColumn, targetColumn] + featureColumns }

    /// The columns of a row's predictions, the Swift model's batch prediction and Spark's, which
    /// an upsert keeps while the row's target and features are unchanged and clears otherwise.
    static let predictionColumns = [
        "predicted_class", "confidence", "probabilities", "model_version", "predicted_at",
        "spark_predicted_class", "spark_model_version", "spark_predicted_at",
    ]

    /// The SQL test that the stored row `stored` and the incoming `incoming` have the same
    /// target and features, with the dialect's null-safe equality (`IS` or `IS NOT DISTINCT FROM`).
    func unchangedInputs(stored: String, incoming: String, equality: String) -> String {
        ([targetColumn] + featureColumns)
            .map { "\(stored).\($0) \(equality) \(incoming).\($0)" }
            .joined(separator: " AND ")
    }

    /// The indices of the numeric features, whose sums and counts ``summaryQuery(_:)`` selects.
    var numericFeatureIndices: [Int] { schema.numericFeatureIndices }

    /// The query behind ``RecordWarehouse/summariesByPartition()``: per partition and class, the
    /// count, the usable and the scored records, then the sum and count of each numeric feature
    /// (``numericFeatureIndices``); ``PartitionSummaryBuilder`` folds its rows.
    func summaryQuery(_ dialect: SQLDialect) -> String {
        let usable = switch dialect {
        case .sqlite: "SUM(usable_for_training)"
        case .postgres: "count(*) FILTER (WHERE usable_for_training)"
        }
        let sums = numericFeatureIndices.map { ", SUM(\(featureColumns[$0])), COUNT(\(featureColumns[$0]))" }.joined()
        return "SELECT \(partitionColumn), \(targetColumn), COUNT(*), \(usable), COUNT(predicted_at)\(sums) FROM \(warehouse) GROUP BY 1, 2"
    }

    /// Per partition: the records usable for training and those scored, grouped by the
    /// table's first key column, so SQLite reads the table once in key order without sorting.
    func usableAndScoredQuery(_ dialect: SQLDialect) -> String {
        let usable = dialect == .sqlite ? "SUM(usable_for_training)" : "count(*) FILTER (WHERE usable_for_training)"
        return "SELECT \(partitionColumn), \(usable), COUNT(predicted_at) FROM \(warehouse) GROUP BY 1"
    }

    /// `name` as a quoted SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as a quoted SQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// The migration that adds feature `name` to the warehouse of a dataset whose tables exist.
    static func addFeatureMigration(_ name: String) -> String { "add-feature-\(name)" }
}

/// Folds the rows of ``DatasetTables/summaryQuery(_:)`` into one summary per partition.
struct PartitionSummaryBuilder {
    let tables: DatasetTables
    let coding: RecordCoding
    private var summaries: [String: PartitionSummary] = [:]

    init(tables: DatasetTables) {
        self.tables = tables
        coding = RecordCoding(schema: tables.schema)
    }

    /// Adds one row: the partition, the stored class, the three counts, then the sum (nil when
    /// no record has a value) and count of each numeric feature.
    mutating func add(partition: String, storedClass: String, count: Int, usable: Int, scored: Int, sums: [(sum: Double?, count: Int)]) throws {
        let schema = tables.schema
        let targetClass = try coding.targetClass(storedClass, id: "partition \(partition)")
        var summary = summaries[partition] ?? PartitionSummary(partition: partition, classes: schema.target.classes.count, features: schema.features.count)
        summary.count += count
        summary.countByClass[targetClass] += count
        summary.usableForTraining += usable
        summary.scored += scored
        for (index, value) in zip(tables.numericFeatureIndices, sums) {
            summary.featureSums[index] += value.sum ?? 0
            summary.featureCounts[index] += value.count
        }
        summaries[partition] = summary
    }

    /// The summaries, ordered by partition value.
    var result: [PartitionSummary] { summaries.values.sorted { $0.partition < $1.partition } }
}

/// How stored values of a dataset's columns become record values and back.
struct RecordCoding: Sendable {
    let schema: DatasetSchema
    private let classIndex: [String: Int]
    private let levelIndex: [[String: Int]]

    /// The schema's classes, and each feature's kind and levels, kept apart from the schema's
    /// feature values so that writing a row copies none of them.
    let classes: [String]
    let kinds: [FeatureColumn.Kind]
    let levels: [[String]]
    /// The class indices in the order of their names, and whether every name can be written
    /// into JSON as it is (no quote, backslash or control character).
    private let probabilityOrder: [Int]
    private let plainClassNames: Bool
    /// The feature indices in the order of their names, each feature's `"name":` as JSON bytes,
    /// and each categorical feature's levels as JSON strings: what ``inputsText(_:)`` writes.
    private let inputOrder: [Int]
    private let memberPrefixes: [[UInt8]]
    private let levelLiterals: [[[UInt8]]]

    init(schema: DatasetSchema) {
        self.schema = schema
        classes = schema.target.classes
        kinds = schema.features.map(\.kind)
        levels = schema.features.map(\.levels)
        probabilityOrder = ProbabilityText.order(of: schema.target.classes)
        plainClassNames = schema.target.classes.allSatisfy { name in
            name.unicodeScalars.allSatisfy { $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }
        }
        inputOrder = schema.features.indices.sorted { schema.features[$0].name < schema.features[$1].name }
        memberPrefixes = schema.features.map { Array((JSONValue.string($0.name).jsonText + ":").utf8) }
        levelLiterals = schema.features.map { feature in feature.levels.map { Array(JSONValue.string($0).jsonText.utf8) } }
        classIndex = Dictionary(schema.target.classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        levelIndex = schema.features.map { feature in
            Dictionary(feature.levels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The class index of a stored class name.
    func targetClass(_ text: String, id: String) throws -> Int {
        guard let index = classIndex[text] else { throw Self.unknown("class \"\(text)\"", id: id, dataset: schema.name) }
        return index
    }

    /// The level index of a stored level of categorical feature `feature`.
    func level(_ text: String, feature: Int, id: String) throws -> Double {
        guard let index = levelIndex[feature][text] else {
            throw Self.unknown("\(schema.features[feature].name) \"\(text)\"", id: id, dataset: schema.name)
        }
        return Double(index)
    }

    /// The stored text of a categorical value (a level index), or nil when missing.
    func levelText(_ value: Double?, feature: Int) -> String? {
        guard let value else { return nil }
        let levels = self.levels[feature]
        let index = Int(value)
        return levels.indices.contains(index) ? levels[index] : nil
    }

    /// The stored inputs of a logged prediction: a JSON object from feature name to its number
    /// or level name; missing features are left out.
    ///
    /// The text is the one `JSONValue.object(...).jsonText` writes (members in name order), built
    /// as bytes from parts made once: the server writes one per live prediction.
    func inputsText(_ features: [Double?]) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(2 + features.count * 28)
        for index in inputOrder where index < features.count {
            guard let value = features[index] else { continue }
            if kinds[index] == .categorical {
                let levels = levelLiterals[index]
                guard value >= 0, value < Double(levels.count) else { continue }
                if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: memberPrefixes[index])
                bytes.append(contentsOf: levels[Int(value)])
            } else {
                if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: memberPrefixes[index])
                bytes.append(contentsOf: JSONValue.format(value).utf8)
            }
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Features by the schema's index from stored inputs; a feature the text lacks is missing.
    func features(inputs text: String, entry: String) throws -> [Double?] {
        guard case .object(let members) = try JSONTextParser.parse(text, what: "the inputs of \(entry)") else {
            throw Self.unknown("inputs", id: entry, dataset: schema.name)
        }
        return try schema.features.enumerated().map { index, feature in
            switch (feature.kind, members[feature.name]) {
            case (.numeric, .number(let value)?): value
            case (.categorical, .string(let text)?): try level(text, feature: index, id: entry)
            default: nil
            }
        }
    }

    /// The stored probabilities: a JSON object from class name to probability.
    func probabilitiesText(_ probabilities: [Double]) -> String {
        if plainClassNames { return ProbabilityText.text(probabilities, classes: schema.target.classes, order: probabilityOrder) }
        var members: [String: JSONValue] = [:]
        for (index, name) in schema.target.classes.enumerated() where index < probabilities.count {
            members[name] = .number(probabilities[index])
        }
        return JSONValue.object(members).jsonText
    }

    /// Probabilities by class index from their stored text; a class the text lacks gets 0.
    func probabilities(_ text: String, id: String) throws -> [Double] {
        guard case .object(let members) = try JSONTextParser.parse(text, what: "the probabilities of \(id) (score the dataset again)") else {
            throw Self.unknown("probabilities", id: id, dataset: schema.name)
        }
        return schema.target.classes.map { members[$0]?.numberValue ?? 0 }
    }

    private static func unknown(_ what: String, id: String, dataset: String) -> StorageError {
        .corrupt("the \(what) stored for \(id) in dataset \(dataset) is not in its schema; register the schema the data was ingested with, or ingest the data again")
    }
}

/// The two tables of a model registry: the versions and the promotion history.
struct ModelRegistryTables: Sendable {
    var versions: String
    var promotions: String
    /// Every promotion and rollback: who, when, from, to, on what comparison.
    var audit: String

    /// The penguins' registry, the platform's first.
    static let penguins = ModelRegistryTables(versions: "model_versions", promotions: "model_promotions", audit: "model_audit")

    /// The statements that make the audit table.
    func createAudit(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["""
            CREATE TABLE \(audit) (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                action TEXT NOT NULL,
                at REAL NOT NULL,
                from_version INTEGER,
                to_version INTEGER NOT NULL,
                actor TEXT NOT NULL,
                forced INTEGER NOT NULL,
                comparison TEXT
            )
            """]
        case .postgres:
            ["""
            CREATE TABLE \(audit) (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                action text NOT NULL,
                at double precision NOT NULL,
                from_version integer,
                to_version integer NOT NULL,
                actor text NOT NULL,
                forced boolean NOT NULL,
                comparison text
            )
            """]
        }
    }
}

extension DatasetTables {
    /// The dataset's model registry: `ds_<name>_model_versions`, `ds_<name>_model_promotions`
    /// and `ds_<name>_model_audit`, or the platform's first registry (``keepsFirstTables``).
    var registry: ModelRegistryTables { keepsFirstTables ? .penguins : ownRegistry }

    /// The registry's tables when the dataset does not keep the first tables.
    var ownRegistry: ModelRegistryTables {
        ModelRegistryTables(
            versions: "ds_\(schema.name)_model_versions", promotions: "ds_\(schema.name)_model_promotions", audit: "ds_\(schema.name)_model_audit")
    }
}

/// How a lake writes its documents.
enum LakeLayout: Sendable {
    /// The schema's document of each record (``PenguinsCore/DatasetSchema/document(of:from:)``).
    case records
    /// The penguins' document of each record: the shape the platform's first lake has always
    /// kept (``PenguinsCore/Penguin/document``), its measurements under `features`.
    case penguins
}
