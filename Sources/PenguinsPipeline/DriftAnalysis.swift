import Foundation
import PenguinsCore
import PenguinsStatistics
import PenguinsStorage

/// Where a drift sample comes from.
public enum DriftSource: Sendable, Equatable, CustomStringConvertible {
    /// The current model's training sample (kept in its artifact).
    case training
    /// The prediction log: what the live model has been asked.
    case production
    /// The rows stored in the dataset's warehouse.
    case warehouse
    /// A CSV file in either layout.
    case file(URL)
    /// A simulated production stream: synthetic rows through the live model, which the server
    /// keeps apart from the prediction log.
    case simulation

    /// Parses `training`, `production`, `warehouse` or a file path.
    public init(argument: String) {
        switch argument {
        case "training": self = .training
        case "production": self = .production
        case "warehouse": self = .warehouse
        default: self = .file(URL(fileURLWithPath: argument))
        }
    }

    public var description: String {
        switch self {
        case .training: "training"
        case .production: "production"
        case .warehouse: "warehouse"
        case .simulation: "simulation"
        case .file(let url): url.path
        }
    }
}

/// Drift of one numeric feature between a reference and a current sample.
public struct FeatureDrift: Codable, Sendable {
    public var feature: String
    public var referenceCount: Int
    public var currentCount: Int
    public var ks: KolmogorovSmirnovResult
    public var psi: PSIResult
    /// True when the KS p-value is below the threshold.
    public var drift: Bool
}

/// Drift of one categorical column, by the chi-squared test of homogeneity.
public struct CategoricalDrift: Codable, Sendable {
    public var column: String
    public var reference: [String: Int]
    public var current: [String: Int]
    public var chiSquared: ChiSquaredResult
    public var drift: Bool
}

/// The drift of every compared column, and the verdict on the whole.
public struct DriftReport: Codable, Sendable {
    /// What the report concludes.
    public enum Verdict: String, Codable, Sendable {
        /// Some column's test found drift, on enough rows.
        case drift
        /// No column's test found drift, on enough rows.
        case noDrift = "no_drift"
        /// The current sample has fewer rows than the minimum: the tests are shown, not trusted.
        case notEnoughData = "not_enough_data"
    }

    public var reference: String
    public var current: String
    public var threshold: Double
    public var features: [FeatureDrift]
    public var categorical: [CategoricalDrift]
    /// The rows of the current sample (the most values any compared feature has).
    public var currentRows: Int
    /// The fewest current rows a verdict is given on.
    public var minimumRows: Int
    public var verdict: Verdict

    /// True when the verdict is drift: some column drifted, on enough rows.
    public var drift: Bool { verdict == .drift }
}

/// One side of a drift comparison: numeric values per feature and level counts per
/// categorical column, both by column name.
public struct DriftSample: Sendable {
    /// The most logged predictions a production sample holds: the newest.
    public static let productionWindow = 100_000

    public var values: [String: [Double]] = [:]
    public var categories: [String: [String: Int]] = [:]
    /// Every value of a numeric column as distinct values and counts, when the sample stands for
    /// more values than ``values`` holds (a warehouse's, from its kept statistics): the tests
    /// read these, the charts draw ``values``.
    public var counts: [String: DistinctCounts] = [:]

    public init(values: [String: [Double]] = [:], categories: [String: [String: Int]] = [:]) {
        self.values = values
        self.categories = categories
    }

    /// The sample of every record `statistics` counted: each numeric feature's values as counts
    /// (what the tests read, exactly as if every value were listed) with the aggregate's uniform
    /// sample of the records (what charts draw), and the level counts of the target and every
    /// categorical feature over all the records.
    public init(statistics: StatisticsAggregate) {
        self.init(columns: statistics.sampleColumns)
        counts = statistics.valueCounts.mapValues { DistinctCounts($0) }
        categories = statistics.levelCounts
    }

    /// The sample of every record of `warehouse`, from the statistics saved in its store brought
    /// up to date (``SavedAggregates/statistics(of:)``, which counts the table a chunk at a time
    /// when none are saved).
    public static func counting(_ warehouse: any RecordWarehouse) async throws -> DriftSample {
        guard let sample = try await SavedAggregates.statistics(of: warehouse).driftSample else {
            throw PipelineError.notEnoughRows(emptyWarehouse(warehouse.schema))
        }
        return sample
    }

    /// What to do about an empty warehouse.
    public static func emptyWarehouse(_ schema: DatasetSchema) -> String {
        PipelineError.emptyWarehouse(dataset: schema.name).description
    }

    /// The sample of a column table: the present values of every numeric column and the level
    /// counts of every categorical one (a missing level counted as `missing`).
    public init(columns: some ColumnTable) {
        for name in columns.numericNames {
            values[name] = (columns.numeric(name) ?? []).compactMap { $0 }
        }
        for name in columns.categoricalNames {
            categories[name] = (columns.categorical(name) ?? []).reduce(into: [:]) { $0[$1 ?? "missing", default: 0] += 1 }
        }
    }

    /// The penguins' sample of a CSV file in either layout, read with their `schema`: every
    /// present value of each numeric column (the isotope ratios too) and every level count.
    /// - Parameter overrides: parts of the file's dialect to take as given instead of detecting them.
    public static func load(file: URL, schema: DatasetSchema = BundledSchemas.penguins, overrides: CSVDialect.Overrides = .none) throws -> DriftSample {
        DriftSample(columns: try DatasetColumns.load(file: file, schema: schema, overrides: overrides))
    }

    /// The penguins' sample of a source, read with the schema of their warehouse; `platform`
    /// is only needed for the stored ones.
    public static func load(
        _ source: DriftSource, platform: Platform?, overrides: CSVDialect.Overrides = .none, logWindow: Int = productionWindow
    ) async throws -> DriftSample {
        let schema = platform?.warehouse.recordWarehouse.schema ?? BundledSchemas.penguins
        return try await load(source, dataset: schema, platform: platform, overrides: overrides, logWindow: logWindow)
    }

    /// The sample of a source of any registered dataset: its current model's training sample,
    /// its prediction log (the newest `logWindow` entries), its warehouse, or a CSV file read
    /// with its schema.
    public static func load(
        _ source: DriftSource, dataset: DatasetSchema, platform: Platform?, overrides: CSVDialect.Overrides = .none,
        logWindow: Int = productionWindow
    ) async throws -> DriftSample {
        if case .file(let url) = source {
            return try load(file: url, schema: dataset, overrides: overrides)
        }
        guard let platform else { throw PipelineError.noModel }
        return try await load(source, stores: try await platform.tables(for: dataset), overrides: overrides, logWindow: logWindow)
    }

    /// The sample of a source of a dataset, read from its stores.
    public static func load(
        _ source: DriftSource, stores: DatasetStores, overrides: CSVDialect.Overrides = .none, logWindow: Int = productionWindow
    ) async throws -> DriftSample {
        let dataset = stores.schema
        switch source {
        case .file(let url):
            return try load(file: url, schema: dataset, overrides: overrides)
        case .training:
            let model = try await DatasetModel.current(of: dataset, in: stores.registry)
            return DriftSample(values: model.artifact.referenceSample, categories: model.artifact.referenceCategories)
        case .warehouse:
            return try await counting(stores.warehouse)
        case .simulation:
            throw PipelineError.notEnoughRows("simulated streams are kept by the server: ask it for `current=simulation`")
        case .production:
            let log = try await stores.predictionLog.columns(limit: logWindow)
            guard log.count > 0 else {
                throw PipelineError.notEnoughRows(
                    "the prediction log of \(dataset.name) is empty; log a production sample with `penguins predict FILE\(Platform.datasetOption(dataset.name)) --log` first"
                )
            }
            return DriftSample(log: log, schema: dataset)
        }
    }

    /// The sample of logged predictions of a dataset: the present values of each numeric
    /// feature, the level counts of each categorical one that some entry gave (a missing level
    /// counted as `missing`), and the predicted classes counted under the target's name.
    public init(log entries: some Collection<RecordLogEntry>, schema: DatasetSchema) {
        var log = LogColumns(featureCount: schema.features.count)
        for entry in entries { log.append(entry) }
        self.init(log: log, schema: schema)
    }

    /// The sample of the logged predictions at `positions` (all of them by default), as
    /// ``init(log:schema:)-(some Collection<RecordLogEntry>,_)`` takes entries.
    public init(log: LogColumns, positions: Range<Int>? = nil, schema: DatasetSchema) {
        let positions = positions ?? 0..<log.count
        for (index, feature) in schema.features.enumerated() {
            let column = log.features[index][positions]
            switch feature.kind {
            case .numeric:
                values[feature.name] = column.filter { !$0.isNaN }
            case .categorical:
                var counts = [Int](repeating: 0, count: feature.levels.count)
                var missing = 0
                for value in column {
                    if value.isNaN { missing += 1 } else { counts[Int(value)] += 1 }
                }
                // A feature no logged request gave is left out, not counted as all missing.
                guard missing < column.count else { continue }
                categories[feature.name] = Self.counts(counts, names: feature.levels, missing: missing)
            }
        }
        var classes = [Int](repeating: 0, count: schema.target.classes.count)
        for predicted in log.predictedClasses[positions] { classes[predicted] += 1 }
        categories[schema.target.name] = Self.counts(classes, names: schema.target.classes, missing: 0)
    }

    /// The levels seen, by name, with `missing` when some value was.
    private static func counts(_ counts: [Int], names: [String], missing: Int) -> [String: Int] {
        var result: [String: Int] = [:]
        for (name, count) in zip(names, counts) where count > 0 { result[name] = count }
        if missing > 0 { result["missing", default: 0] += missing }
        return result
    }
}

/// Compares two samples feature by feature (KS and PSI) and column by column (chi-squared).
public struct DriftAnalysis: Sendable {
    public var threshold: Double
    /// Nil compares every numeric column.
    public var feature: String?
    /// The numeric columns compared, in order.
    public var numericColumns: [String]
    /// The categorical columns compared, in order.
    public var categoricalColumns: [String]
    /// The fewest rows of the current sample that a verdict is given on; below, the verdict is
    /// ``DriftReport/Verdict/notEnoughData``.
    public var minimumRows = 0

    /// An analysis of the penguins' numeric columns (the measurements, the isotope ratios, the
    /// year) and categorical ones, as their bundled schema has them.
    public init(threshold: Double = 0.05, feature: String? = nil) {
        self.init(threshold: threshold, feature: feature, dataset: BundledSchemas.penguins)
    }

    /// An analysis of a dataset's numeric and categorical columns (the target among them).
    public init(threshold: Double = 0.05, feature: String? = nil, dataset: DatasetSchema, minimumRows: Int = 0) {
        self.init(
            threshold: threshold, feature: feature, numericColumns: DatasetColumns.numericNames(of: dataset),
            categoricalColumns: DatasetColumns.categoricalNames(of: dataset)
        )
        self.minimumRows = minimumRows
    }

    public init(threshold: Double, feature: String?, numericColumns: [String], categoricalColumns: [String]) {
        self.threshold = threshold
        self.feature = feature
        self.numericColumns = numericColumns
        self.categoricalColumns = categoricalColumns
    }

    public func compare(reference: DriftSample, current: DriftSample, referenceName: String, currentName: String) throws -> DriftReport {
        guard threshold > 0, threshold < 1 else { throw PipelineError.invalidOption("--threshold must be between 0 and 1, got \(threshold)") }
        if let feature, !numericColumns.contains(feature) {
            throw PipelineError.invalidOption("--feature must be one of \(numericColumns.joined(separator: ", ")), got \(feature)")
        }
        var features: [FeatureDrift] = []
        for name in feature.map({ [$0] }) ?? numericColumns {
            let a = reference.values[name] ?? []
            // A sample that stands for more values than it lists is tested on all of them.
            let b = current.counts[name] ?? DistinctCounts(unsorted: current.values[name] ?? [])
            guard !a.isEmpty, b.total > 0 else {
                if self.feature != nil {
                    throw PipelineError.notEnoughRows("no \(name) values in the \(a.isEmpty ? referenceName : currentName) sample")
                }
                continue
            }
            let ks = KolmogorovSmirnov.twoSample(DistinctCounts(unsorted: a), b)
            features.append(FeatureDrift(
                feature: name, referenceCount: a.count, currentCount: b.total, ks: ks,
                psi: PopulationStabilityIndex.compute(reference: a, current: b),
                drift: DriftVerdict.isDrift(pValue: ks.pValue, threshold: threshold)
            ))
        }
        guard !features.isEmpty else {
            throw PipelineError.notEnoughRows("no numeric values to compare: the \(referenceName) or \(currentName) sample is empty")
        }
        var categorical: [CategoricalDrift] = []
        if feature == nil {
            for column in categoricalColumns {
                guard let a = reference.categories[column], let b = current.categories[column], !a.isEmpty, !b.isEmpty else { continue }
                let test = ChiSquaredTest.homogeneity(reference: a, current: b)
                categorical.append(CategoricalDrift(
                    column: column, reference: a, current: b, chiSquared: test,
                    drift: DriftVerdict.isDrift(pValue: test.pValue, threshold: threshold)
                ))
            }
        }
        let rows = features.map(\.currentCount).max() ?? 0
        let verdict: DriftReport.Verdict = rows < minimumRows
            ? .notEnoughData
            : features.contains(where: \.drift) || categorical.contains(where: \.drift) ? .drift : .noDrift
        return DriftReport(
            reference: referenceName, current: currentName, threshold: threshold, features: features, categorical: categorical,
            currentRows: rows, minimumRows: minimumRows, verdict: verdict
        )
    }
}
