import Foundation
import PenguinsCore
import PenguinsStatistics
import PenguinsStorage

/// The regression lab's fits (``RegressionAnalysis``) of a dataset's records for one test
/// fraction and seed, kept as sums that new records add to: every fit of any target on any
/// predictors is made from them without reading the records again.
///
/// A record enters the training or the test side by its id (``RegressionAnalysis/isTest(id:)``)
/// and adds its cross products (``CrossProducts``) to that side's sums of the records with its
/// pattern of present columns: a fit adds up the patterns that have its target and predictors
/// (the complete cases) and solves the normal equations; the test error comes from the test
/// side's sums. A uniform sample of each side gives the predicted-vs-actual plot.
///
/// Its reports equal ``RegressionAnalysis/run(_:)``'s on all the records up to the rounding of
/// the two solvers (about 1e-10), except the plot, which is drawn from the sample.
public struct RegressionAggregate: Sendable {
    /// The records of each side the plot's sample holds at most.
    public static let sampleLimit = 2_000
    /// The most patterns of present columns kept (each is two small matrices).
    public static let patternLimit = 512

    /// A column a fit can use: a numeric feature, a categorical one or the target.
    private struct Column: Sendable {
        var name: String
        /// The feature's index in the schema, nil for the target.
        var feature: Int?
        /// The level names of a categorical column, nil for a numeric one.
        var levels: [String]?
        /// The index of its first variable in the cross products.
        var first: Int
    }

    public let schema: DatasetSchema
    public let testFraction: Double
    public let seed: UInt64
    /// The records added.
    public private(set) var rows = 0
    private let columns: [Column]
    /// The variables of the cross products: the constant, then each column's (a numeric
    /// column's value, a categorical column's indicator of each level).
    private let size: Int
    /// What each numeric variable is taken from (its first value seen, nan before); 0 for the
    /// constant and the indicators.
    private var origins: [Double]
    /// The sums of the training and the test records, by pattern of present columns (bit `i`
    /// for `columns[i]`).
    private var products: [UInt64: [CrossProducts]] = [:]
    /// Uniform samples of the training and the test records.
    private var samples: [RecordReservoir]

    /// The sums of no records of `schema`, for fits with `testFraction` and `seed`.
    public init(schema: DatasetSchema, testFraction: Double, seed: UInt64) {
        self.schema = schema
        self.testFraction = testFraction
        self.seed = seed
        var columns: [Column] = []
        var next = 1
        for (index, feature) in schema.features.enumerated() where feature.kind == .numeric || feature.kind == .categorical {
            let levels = feature.kind == .categorical ? feature.levels : nil
            columns.append(Column(name: feature.name, feature: index, levels: levels, first: next))
            next += levels?.count ?? 1
        }
        columns.append(Column(name: schema.target.name, feature: nil, levels: schema.target.classes, first: next))
        next += schema.target.classes.count
        self.columns = columns
        size = next
        origins = Array(repeating: 0, count: next)
        for column in columns where column.levels == nil { origins[column.first] = .nan }
        samples = [0, 1].map { side in
            RecordReservoir(limit: Self.sampleLimit, features: schema.features.count, seed: 0x5245_4752 &+ UInt64(side))
        }
    }

    /// Whether the aggregate is small enough to keep: the columns fit a pattern's bits and the
    /// records have few patterns of present columns (``patternLimit``).
    public var isCompact: Bool { columns.count <= 64 && products.count <= Self.patternLimit }

    /// Whether its sums can still be those of records: false once records were taken out
    /// (``replace(_:with:)``) that it never added, as when the records were changed behind the
    /// store's logs (a pattern's count of records below zero); it is then made anew.
    public var isConsistent: Bool {
        products.values.allSatisfy { sides in sides.allSatisfy { $0[0, 0] >= 0 } }
    }

    /// Adds `records`, read with every feature of the schema in its order.
    public mutating func add(_ records: RecordColumns) {
        rows += records.count
        fold(records, weight: 1)
        for row in 0..<records.count { samples[side(of: records.ids[row])].offer(records, row: row) }
    }

    /// Takes out `previous`, the values of records added before, and adds `current`, the same
    /// records' values now (an update of stored records). A record stays on its side (the
    /// split goes by id) and in the plot's sample if it was there, with its new values.
    public mutating func replace(_ previous: RecordColumns, with current: RecordColumns) {
        precondition(previous.count == current.count, "the same records before and after")
        fold(previous, weight: -1)
        fold(current, weight: 1)
        for side in samples.indices { samples[side].update(current) }
        // Patterns no record has any more are dropped (their counts are whole numbers, exact).
        for (pattern, sides) in products where sides.allSatisfy({ $0[0, 0] == 0 }) { products[pattern] = nil }
    }

    /// 0 for a record of the training side, 1 for the test side.
    private func side(of id: String) -> Int {
        RegressionAnalysis.isTest(id: id, testFraction: testFraction, seed: seed) ? 1 : 0
    }

    /// Adds the cross products of `records` to their side's sums, times `weight` (-1 takes
    /// them out).
    private mutating func fold(_ records: RecordColumns, weight: Double) {
        precondition(records.features.count == schema.features.count, "records must carry every feature of the schema")
        let count = records.count
        guard columns.count <= 64 else { return }
        // The columns' values side by side, row after row: a numeric value, a level's index, nan.
        let width = columns.count
        var values = [Double](repeating: .nan, count: count * width)
        for (position, column) in columns.enumerated() {
            if let feature = column.feature {
                let source = records.features[feature]
                for row in 0..<count { values[row * width + position] = source[row] }
            } else {
                let classes = records.targetClasses
                for row in 0..<count { values[row * width + position] = Double(classes[row]) }
            }
            if column.levels == nil, origins[column.first].isNaN {
                if let first = (0..<count).lazy.map({ values[$0 * width + position] }).first(where: { !$0.isNaN }) {
                    origins[column.first] = first
                }
            }
        }
        // A categorical column's number of levels; -1 for a numeric one.
        let levelCounts = columns.map { $0.levels?.count ?? -1 }
        let firsts = columns.map(\.first)
        var indices = [Int](repeating: 0, count: width + 1)
        var entries = [Double](repeating: 0, count: width + 1)
        var (lastPattern, lastProducts): (UInt64?, [CrossProducts]) = (nil, [])
        for row in 0..<count {
            var used = 1
            var pattern: UInt64 = 0
            indices[0] = 0
            entries[0] = 1
            for position in 0..<width {
                let value = values[row * width + position]
                guard !value.isNaN else { continue }
                if levelCounts[position] >= 0 {
                    guard value >= 0, Int(value) < levelCounts[position] else { continue }
                    indices[used] = firsts[position] + Int(value)
                    entries[used] = 1
                } else {
                    indices[used] = firsts[position]
                    entries[used] = value - origins[firsts[position]]
                }
                used += 1
                pattern |= 1 << UInt64(position)
            }
            let side = side(of: records.ids[row])
            // Rows in key order often share their pattern: its sums stay at hand until another comes.
            if pattern != lastPattern {
                if let lastPattern { products[lastPattern] = lastProducts }
                lastProducts = products.removeValue(forKey: pattern) ?? [CrossProducts(size: size), CrossProducts(size: size)]
                lastPattern = pattern
            }
            indices.withUnsafeBufferPointer { indices in
                entries.withUnsafeBufferPointer { entries in
                    lastProducts[side].add(
                        indices: UnsafeBufferPointer(rebasing: indices[..<used]), values: UnsafeBufferPointer(rebasing: entries[..<used]), weight: weight)
                }
            }
        }
        if let lastPattern { products[lastPattern] = lastProducts }
    }

    /// The fit of `analysis` (whose test fraction and seed must be this aggregate's) on the
    /// records added; the errors ``RegressionAnalysis/run(_:)`` gives.
    public func report(_ analysis: RegressionAnalysis) throws -> RegressionReport {
        precondition(analysis.testFraction == testFraction && analysis.seed == seed, "the aggregate keeps another split")
        let numeric = DatasetColumns.numericNames(of: schema)
        let categorical = DatasetColumns.categoricalNames(of: schema)
        try analysis.validate(numeric: numeric, categorical: categorical)
        let named = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let target = columns[named[analysis.target]!]
        let used = ([analysis.target] + analysis.predictors).map { named[$0]! }
        let wanted = used.reduce(UInt64(0)) { $0 | 1 << UInt64($1) }
        // The complete cases: every pattern with all the columns used.
        var train = CrossProducts(size: size)
        var test = CrossProducts(size: size)
        for (pattern, sides) in products where pattern & wanted == wanted {
            train += sides[0]
            test += sides[1]
        }
        let (trainingRows, testRows) = (Int(train[0, 0].rounded()), Int(test[0, 0].rounded()))
        guard trainingRows > analysis.predictors.count + 1 else {
            throw PipelineError.notEnoughRows("only \(trainingRows) complete training rows for \(analysis.predictors.count) predictors; ingest more data or use fewer predictors")
        }
        // The terms: a numeric predictor's value, a categorical one's levels in the training
        // records (sorted, the first dropped); then the target.
        var variables = [0]
        var encodings: [PredictorEncoding] = []
        var unseenInTraining: [(predictor: String, level: String, known: [String])] = []
        for name in analysis.predictors {
            let column = columns[named[name]!]
            guard let levels = column.levels else {
                variables.append(column.first)
                encodings.append(PredictorEncoding(name: name, kind: .numeric))
                continue
            }
            let variable = { (level: Int) in column.first + level }
            let seen = levels.indices.filter { train[variable($0), variable($0)] > 0 }.sorted { levels[$0] < levels[$1] }
            guard seen.count >= 2 else { throw RegressionError.singleLevel(predictor: name, level: seen.first.map { levels[$0] } ?? "") }
            variables += seen.dropFirst().map(variable)
            encodings.append(PredictorEncoding(name: name, kind: .categorical(levels: seen.map { levels[$0] })))
            let known = seen.map { levels[$0] }
            for level in levels.indices where !seen.contains(level) && test[variable(level), variable(level)] > 0 {
                unseenInTraining.append((name, levels[level], known))
            }
        }
        variables.append(target.first)
        let origins = variables.dropFirst().map { self.origins[$0] }
        let model = try OLS.fit(products: train.restricted(to: variables), origins: origins, targetName: analysis.target, encodings: encodings)
        let trainingMSE = model.residualSumOfSquares / Double(trainingRows)
        var testMSE: Double?
        if testRows > 0 {
            if let unseen = unseenInTraining.first {
                throw RegressionError.unseenLevel(predictor: unseen.predictor, level: unseen.level, knownLevels: unseen.known)
            }
            testMSE = OLS.residualSumOfSquares(of: model, products: test.restricted(to: variables), origins: origins) / Double(testRows)
        }
        // The plot: the sampled records of the side it shows that have every column used.
        let sample = DatasetColumns(schema: schema, records: samples[testRows > 0 ? 1 : 0].records)
        let y = sample.numeric(analysis.target)!
        let predictorColumns = analysis.predictorColumns(of: sample)
        let plotted = analysis.completeRows(y, predictorColumns, count: sample.count)
        let actual = plotted.map { y[$0]! }
        let predicted = try model.predict(analysis.design(predictorColumns, rows: plotted))
        return RegressionReport(
            target: analysis.target, predictors: analysis.predictors, model: model,
            trainingRows: trainingRows, testRows: testRows, rowsWithMissingValues: rows - trainingRows - testRows,
            trainingMSE: trainingMSE, trainingRMSE: trainingMSE.squareRoot(),
            testMSE: testMSE, testRMSE: testMSE.map { $0.squareRoot() },
            actual: RegressionAnalysis.evenlySpaced(actual), predicted: RegressionAnalysis.evenlySpaced(predicted)
        )
    }
}

extension RegressionAggregate: Codable {
    private enum CodingKeys: String, CodingKey {
        case schema, testFraction, seed, rows, origins, products, samples
    }

    /// Sums saved by ``encode(to:)``, with the schema and split they were made for (the
    /// columns follow from the schema); sums of another size than the schema's are refused as
    /// corrupt.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            schema: try container.decode(DatasetSchema.self, forKey: .schema),
            testFraction: try container.decode(Double.self, forKey: .testFraction),
            seed: try container.decode(UInt64.self, forKey: .seed)
        )
        rows = try container.decode(Int.self, forKey: .rows)
        origins = try container.decode([Double].self, forKey: .origins)
        products = try container.decode([UInt64: [CrossProducts]].self, forKey: .products)
        samples = try container.decode([RecordReservoir].self, forKey: .samples)
        let size = self.size
        guard origins.count == size, samples.count == 2,
              samples.allSatisfy({ $0.records.features.count == schema.features.count }),
              products.values.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.size == size } })
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "sums of another size than the schema's"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(testFraction, forKey: .testFraction)
        try container.encode(seed, forKey: .seed)
        try container.encode(rows, forKey: .rows)
        try container.encode(origins, forKey: .origins)
        try container.encode(products, forKey: .products)
        try container.encode(samples, forKey: .samples)
    }
}
