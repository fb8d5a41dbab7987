import Foundation
import PenguinsCore
import PenguinsStatistics

/// An OLS fit of one numeric variable on numeric and categorical predictors, with its error
/// on the training rows and on a held-out test split.
public struct RegressionReport: Codable, Sendable {
    public var target: String
    public var predictors: [String]
    public var model: OLSModel
    public var trainingRows: Int
    public var testRows: Int
    /// Rows left out because the target or a predictor was missing.
    public var rowsWithMissingValues: Int
    public var trainingMSE: Double
    public var trainingRMSE: Double
    /// Nil when the test fraction is 0.
    public var testMSE: Double?
    public var testRMSE: Double?
    /// Actual and predicted target of up to ``RegressionReport/plotSampleSize`` test rows
    /// (training rows when there is no test split): the predicted-vs-actual plot. Evenly spaced
    /// over the rows when they are read whole; from a uniform sample of them when the fit is kept
    /// (``RegressionAggregate``).
    public var actual: [Double]
    public var predicted: [Double]

    /// The most points kept for the predicted-vs-actual plot.
    public static let plotSampleSize = 1_000
}

/// Fits OLS on a dataset's columns: the regression lab of the platform.
public struct RegressionAnalysis: Sendable {
    public var target: String
    public var predictors: [String]
    public var testFraction: Double
    public var seed: UInt64

    /// The split a regression takes unless asked for another: the one whose sums an ingestion
    /// keeps up to date (``IngestAggregates``).
    public static let defaultTestFraction = 0.2
    public static let defaultSeed: UInt64 = 42

    /// - Parameters:
    ///   - testFraction: the share of records held out to measure the fit on (each record's
    ///     side is decided by its id, ``isTest(id:)``).
    public init(target: String, predictors: [String], testFraction: Double = defaultTestFraction, seed: UInt64 = defaultSeed) {
        self.target = target
        self.predictors = predictors
        self.testFraction = testFraction
        self.seed = seed
    }

    /// Checks the names (against the `numeric` and `categorical` columns of a dataset, the
    /// bundled penguins' by default) and options before any data is read.
    public func validate(
        numeric: [String] = DatasetColumns.numericNames(of: BundledSchemas.penguins),
        categorical: [String] = DatasetColumns.categoricalNames(of: BundledSchemas.penguins)
    ) throws {
        guard numeric.contains(target) else {
            throw PipelineError.unknownColumn(target, expected: numeric)
        }
        guard !predictors.isEmpty else { throw PipelineError.invalidOption("give at least one predictor, for example --predictors \(numeric.first { $0 != target } ?? target)") }
        let known = numeric + categorical
        for name in predictors where !known.contains(name) {
            throw PipelineError.unknownColumn(name, expected: known)
        }
        if predictors.contains(target) { throw PipelineError.invalidOption("the target \(target) cannot also be a predictor") }
        guard (0..<1).contains(testFraction) else {
            throw PipelineError.invalidOption("--test-fraction must be at least 0 and below 1, got \(testFraction)")
        }
    }

    /// Fits the regression on `columns`, read whole: the reference every kept fit
    /// (``RegressionAggregate``) is checked against.
    public func run(_ columns: DatasetColumns) throws -> RegressionReport {
        try validate(numeric: columns.numericNames, categorical: columns.categoricalNames)
        let y = columns.numeric(target)!
        let predictorColumns = self.predictorColumns(of: columns)
        let rows = completeRows(y, predictorColumns, count: columns.count)
        let ids = columns.records.ids
        var (test, train): ([Int], [Int]) = ([], [])
        for row in rows {
            if isTest(id: ids[row]) { test.append(row) } else { train.append(row) }
        }
        guard train.count > predictors.count + 1 else {
            throw PipelineError.notEnoughRows("only \(train.count) complete training rows for \(predictors.count) predictors; ingest more data or use fewer predictors")
        }

        let model = try OLS.fit(target: train.map { y[$0]! }, targetName: target, predictors: design(predictorColumns, rows: train))
        let trainingPredicted = try model.predict(design(predictorColumns, rows: train))
        let trainingMSE = OLS.meanSquaredError(predicted: trainingPredicted, actual: train.map { y[$0]! })
        var testMSE: Double?
        var actual = train.map { y[$0]! }
        var predicted = trainingPredicted
        if !test.isEmpty {
            predicted = try model.predict(design(predictorColumns, rows: test))
            actual = test.map { y[$0]! }
            testMSE = OLS.meanSquaredError(predicted: predicted, actual: actual)
        }
        return RegressionReport(
            target: target, predictors: predictors, model: model,
            trainingRows: train.count, testRows: test.count, rowsWithMissingValues: columns.count - rows.count,
            trainingMSE: trainingMSE, trainingRMSE: trainingMSE.squareRoot(),
            testMSE: testMSE, testRMSE: testMSE.map { $0.squareRoot() },
            actual: Self.evenlySpaced(actual), predicted: Self.evenlySpaced(predicted)
        )
    }

    /// Whether the record `id` is in the test split: a hash of the id and the seed, as a
    /// uniform number in [0, 1), is below the test fraction. A record keeps its side whatever
    /// other records are stored, so the split of stored records stays put as new ones arrive.
    public func isTest(id: String) -> Bool {
        Self.isTest(id: id, testFraction: testFraction, seed: seed)
    }

    /// Whether `id` is held out at `testFraction` with `seed`: its ``Fingerprint`` (FNV-1a),
    /// mixed with the seed by SplitMix64's finalizer into [0, 1), is below the fraction (the
    /// same on every platform and in every process).
    static func isTest(id: String, testFraction: Double, seed: UInt64) -> Bool {
        var fingerprint = Fingerprint()
        fingerprint.add(id)
        var mixed = SplitMix64(seed: fingerprint.value ^ seed)
        return mixed.nextUniform() < testFraction
    }

    /// The points of the predicted-vs-actual plot: at most ``RegressionReport/plotSampleSize``
    /// of `values`, evenly spaced.
    static func evenlySpaced(_ values: [Double]) -> [Double] {
        let step = max(1, values.count / RegressionReport.plotSampleSize)
        return Swift.stride(from: 0, to: values.count, by: step).prefix(RegressionReport.plotSampleSize).map { values[$0] }
    }

    /// Each predictor's column, read once (a column table may build it on every call).
    func predictorColumns(of columns: DatasetColumns) -> [PredictorColumn] {
        predictors.map { name -> PredictorColumn in
            if let numeric = columns.numeric(name) { return .numeric(numeric) }
            return .categorical(columns.categorical(name)!)
        }
    }

    /// The rows with the target and every predictor: the complete cases.
    func completeRows(_ y: [Double?], _ predictorColumns: [PredictorColumn], count: Int) -> [Int] {
        (0..<count).filter { index in y[index] != nil && predictorColumns.allSatisfy { $0.isPresent(at: index) } }
    }

    /// A predictor's values, one per row of the table.
    enum PredictorColumn {
        case numeric([Double?])
        case categorical([String?])

        func isPresent(at index: Int) -> Bool {
            switch self {
            case .numeric(let values): values[index] != nil
            case .categorical(let levels): levels[index] != nil
            }
        }
    }

    func design(_ columns: [PredictorColumn], rows: [Int]) -> [RegressionPredictor] {
        zip(predictors, columns).map { name, column in
            switch column {
            case .numeric(let values): RegressionPredictor(name: name, values: .numeric(rows.map { values[$0]! }))
            case .categorical(let levels): RegressionPredictor(name: name, values: .categorical(rows.map { levels[$0]! }))
            }
        }
    }
}
