import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStorage

/// Trains a classifier for any dataset on chosen features of its warehouse, evaluates it on a
/// held-out stratified split, registers it in the dataset's registry and makes it current
/// unless it is worse than the current version (``ModelPromotion``: it then stays a candidate). For
/// the penguins, the warehouse and the registry are those their served models come from
/// (``Platform/modelStores(of:)``).
///
/// Numeric features enter the forest as they are; a categorical feature enters as its level's
/// index in the schema (`levels` order), a plain number the Spark engine can be given as well.
/// Rows missing any chosen feature are left out. The model keeps a reference of its training
/// rows for drift tests: a sample of each numeric feature it reads, and the level counts of
/// the target and of every categorical feature of the schema, read or not (a missing level
/// counted as `missing`).
public struct Trainer: Sendable {
    public var platform: Platform
    public var parameters: RandomForestClassifier
    public var testFraction: Double
    /// Make the new version current even when it is worse than the current one.
    public var force: Bool

    public init(
        platform: Platform, parameters: RandomForestClassifier = RandomForestClassifier(), testFraction: Double = 0.2, force: Bool = false
    ) {
        self.platform = platform
        self.parameters = parameters
        self.testFraction = testFraction
        self.force = force
    }

    /// The indices of the features named `names` (the schema's model features when nil).
    /// - Throws: ``PipelineError/invalidOption(_:)`` for an unknown, repeated or empty list.
    public static func featureIndices(_ names: [String]?, in schema: DatasetSchema) throws -> [Int] {
        guard let names else { return schema.modelFeatureIndices }
        guard !names.isEmpty else { throw PipelineError.invalidOption("--features needs at least one feature of dataset \(schema.name)") }
        var seen: Set<String> = []
        return try names.map { name in
            guard seen.insert(name).inserted else { throw PipelineError.invalidOption("--features names \"\(name)\" twice") }
            guard let index = schema.features.firstIndex(where: { $0.name == name }) else {
                throw PipelineError.invalidOption(
                    "--features names \"\(name)\", which is not a feature of dataset \(schema.name) (its features: \(schema.features.map(\.name).joined(separator: ", ")))")
            }
            return index
        }
    }

    /// Reads the rows of dataset `schema` (the penguins' by default) column-wise, fits,
    /// registers and promotes; `spark`, the record of a Spark model trained on the same rows,
    /// is registered in the same version.
    public func train(
        schema: DatasetSchema = BundledSchemas.penguins, features names: [String]? = nil, spark: SparkModelRecord? = nil, now: Date = Date()
    ) async throws -> TrainReport {
        guard (0..<1).contains(testFraction) else {
            throw PipelineError.invalidOption("--test-fraction must be at least 0 and below 1, got \(testFraction)")
        }
        let stores = try await platform.modelStores(of: schema)
        // The penguins' warehouse may keep an older registered version of their schema.
        let schema = stores.warehouse.schema
        let indices = try Self.featureIndices(names, in: schema)
        let loadStart = Date()
        // Copied a chunk at a time as the table is read: the read's columns are never held whole,
        // and the rows' storage is made once, for as many rows as the table has.
        // The categorical columns the model does not read are read beside its features, for
        // the training reference (rows missing them are kept).
        let described = schema.features.indices.filter { schema.features[$0].kind == .categorical && !indices.contains($0) }
        let expected = CompleteRows(expectedRows: try await stores.warehouse.count(), modelWidth: indices.count)
        let folded = try await stores.warehouse.foldColumns(featureIndices: indices + described, chunk: Self.chunk, into: expected) { rows, chunk in
            rows.add(chunk)
            return true
        }
        var rows: CompleteRows
        if let folded {
            rows = folded.state
        } else {
            rows = CompleteRows(expectedRows: 0, modelWidth: indices.count)
            rows.add(try await stores.warehouse.columns(featureIndices: indices + described))
        }
        let loadSeconds = Date().timeIntervalSince(loadStart)

        let fitStart = Date()
        var artifact = try fit(consume rows, schema: schema, featureIndices: indices, described: described, now: now)
        artifact.spark = spark
        let fitSeconds = Date().timeIntervalSince(fitStart)

        let version = try await stores.registry.register(artifact: try artifact.encoded(), createdAt: now)
        let gate = try await ModelPromotion(platform: platform, schema: schema).promoteTrained(version: version, force: force)
        return TrainReport(
            version: version, artifact: artifact, loadSeconds: loadSeconds, fitSeconds: fitSeconds, promoted: gate.promoted, comparison: gate.comparison)
    }

    /// The records read at a time.
    static let chunk = 100_000

    /// Fits on the rows of `columns` that have every feature. Pure: no I/O.
    /// - Throws: ``PipelineError/noTrainingRows(dataset:features:)`` when no row has them all.
    public func fit(_ columns: RecordColumns, schema: DatasetSchema, featureIndices indices: [Int], now: Date) throws -> ModelArtifact {
        try fit(CompleteRows(columns), schema: schema, featureIndices: indices, described: [], now: now)
    }

    /// Fits on `rows`, whose columns are the features `indices` then the categorical features
    /// `described`, which only the training reference counts.
    private func fit(
        _ rows: consuming CompleteRows, schema: DatasetSchema, featureIndices indices: [Int], described: [Int], now: Date
    ) throws -> ModelArtifact {
        let names = indices.map { schema.features[$0].name }
        guard !rows.labels.isEmpty else { throw PipelineError.noTrainingRows(dataset: schema.name, features: names) }
        let (labels, fingerprint, others) = (rows.labels, rows.fingerprint, rows.others)
        // The rows handed over whole: the fit moves the training rows within them.
        let all = FeatureMatrix(columnCount: indices.count, values: (consume rows).values)
        let classes = schema.target.classes
        let categorical = indices.indices.filter { schema.features[indices[$0]].kind == .categorical }
        let fitted = try ForestFit(
            consume all, labels: labels, classCount: classes.count, parameters: parameters, testFraction: testFraction,
            referenceSize: ModelArtifact.referenceSampleSize, counting: categorical)

        var sample: [String: [Double]] = [:]
        var categories: [String: [String: Int]] = [schema.target.name: [:]]
        for row in fitted.split.train { categories[schema.target.name]![classes[labels[row]], default: 0] += 1 }
        for (column, index) in indices.enumerated() {
            let feature = schema.features[index]
            switch feature.kind {
            case .numeric:
                sample[feature.name] = fitted.reference.column(column)
            case .categorical:
                var counts: [String: Int] = [:]
                for (level, count) in fitted.trainingCounts[column] ?? [:] { counts[feature.levels[Int(level)], default: 0] += count }
                categories[feature.name] = counts
            }
        }
        for (column, index) in described.enumerated() {
            let feature = schema.features[index]
            var counts: [String: Int] = [:]
            for row in fitted.split.train {
                let value = others[row * described.count + column]
                counts[value.isNaN ? "missing" : feature.levels[Int(value)], default: 0] += 1
            }
            categories[feature.name] = counts
        }
        var artifact = ModelArtifact(
            engine: "swift", featureNames: names, classLabels: classes, parameters: parameters,
            scaler: fitted.scaler, forest: fitted.forest, metrics: fitted.metrics,
            trainingRows: fitted.split.train.count, testRows: fitted.split.test.count, testFraction: testFraction,
            trainingFingerprint: fingerprint.hex, referenceSample: sample, referenceCategories: categories, createdAt: now
        )
        artifact.dataset = schema.name
        artifact.schemaFingerprint = schema.fingerprint
        artifact.featureLevels = Dictionary(uniqueKeysWithValues: indices.map { schema.features[$0] }
            .filter { $0.kind == .categorical }.map { ($0.name, $0.levels) })
        return artifact
    }
}

/// The rows of a dataset that have every feature read (or every `required` one), row-major,
/// with their classes and, when asked for, the fingerprint of their ids and values: what a
/// forest is trained on, and what the promotion gate evaluates.
///
/// With a `modelWidth`, the columns after the first `modelWidth` are described, not modelled:
/// a row needs the first ones only, and the others' values (NaN when missing) go to ``others``.
struct CompleteRows: Sendable {
    var values: [Double] = []
    /// The values of the columns after the model's, row-major, NaN where missing.
    var others: [Double] = []
    var labels: [Int] = []
    /// Of the ids and the model's values kept, in order, when asked for.
    private(set) var fingerprint = Fingerprint()
    private let fingerprinted: Bool
    /// The columns a row must have to be kept; every column of the model when nil.
    private let required: [Int]?
    /// How many of the columns read are the model's; every column when nil.
    private let modelWidth: Int?
    /// The rows storage is made for when the first are added (at most as many are).
    private let expectedRows: Int

    /// No rows yet; as many as `expectedRows` will be added, at most.
    init(expectedRows: Int, required: [Int]? = nil, fingerprinted: Bool = true, modelWidth: Int? = nil) {
        self.expectedRows = expectedRows
        self.required = required
        self.fingerprinted = fingerprinted
        self.modelWidth = modelWidth
    }

    init(_ columns: RecordColumns) {
        self.init(expectedRows: 0)
        add(columns)
    }

    /// Copies the complete rows of `columns`.
    mutating func add(_ columns: RecordColumns) {
        // Reserved here rather than in `init`: a state copied before its first change would
        // otherwise copy the reserved storage, doubled.
        let modelled = columns.features.prefix(modelWidth ?? columns.features.count)
        let described = columns.features.dropFirst(modelled.count)
        if values.isEmpty, expectedRows > 0 {
            values.reserveCapacity(expectedRows * modelled.count)
            others.reserveCapacity(expectedRows * described.count)
            labels.reserveCapacity(expectedRows)
        }
        let checked = required.map { $0.map { columns.features[$0] } } ?? Array(modelled)
        for row in 0..<columns.count where checked.allSatisfy({ !$0[row].isNaN }) {
            if fingerprinted { fingerprint.add(columns.ids[row]) }
            for column in modelled {
                values.append(column[row])
                if fingerprinted { fingerprint.add(column[row].bitPattern) }
            }
            for column in described { others.append(column[row]) }
            labels.append(columns.targetClasses[row])
        }
    }
}
