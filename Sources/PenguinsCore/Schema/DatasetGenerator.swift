import Foundation

/// Why a generator cannot be fitted on a dataset's rows.
public enum DatasetGeneratorError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No stored row has a class.
    case noRows(dataset: String)
    /// A class has too few values of a numeric feature to estimate its spread.
    case notEnoughValues(dataset: String, className: String, feature: String, count: Int)
    /// A shift names a column that is not a numeric feature.
    case unknownShift(dataset: String, feature: String, numeric: [String])

    public var description: String {
        switch self {
        case .noRows(let dataset):
            "\(dataset) has no stored rows to fit a generator on; ingest a file with `penguins ingest FILE --dataset \(dataset)` first"
        case .notEnoughValues(let dataset, let className, let feature, let count):
            "\(dataset) has \(count) \(feature) value(s) of class \(className); at least 2 per class are needed to fit a generator"
        case .unknownShift(let dataset, let feature, let numeric):
            "--shift names \(feature), which is not a numeric feature of \(dataset) (\(numeric.joined(separator: ", ")))"
        }
    }

    public var errorDescription: String? { description }
}

/// Synthetic rows of any dataset, drawn class by class from its stored rows: the numeric
/// features from a multivariate normal with the class's mean and covariance (fitted on the
/// class's rows that have every numeric feature; independent normals when those are too few or
/// their covariance is singular), each categorical feature from the class's level frequencies,
/// the class itself in proportion to its rows. Values are redrawn (at most
/// ``maximumRedraws`` times, then clamped) until they fall within the schema's ranges, and are
/// written with as many decimals as the fitting data has (none for integer features).
///
/// The file is in the dataset's own columns (the id column when the schema has one, the
/// target, the features), so `penguins ingest FILE --dataset NAME` reads it back.
public struct DatasetGenerator: Sendable {
    /// One class's fitted distributions.
    public struct ClassModel: Sendable {
        public var classIndex: Int
        public var count: Int
        /// Per numeric feature (in ``numericFeatures`` order).
        public var mean: [Double]
        /// Lower-triangular factor of the covariance (diagonal when the features were drawn independently).
        public var factor: [[Double]]
        /// Per categorical feature (in ``categoricalFeatures`` order): level index → share.
        public var levelShares: [[Int: Double]]
    }

    public static let maximumRedraws = 100

    public let schema: DatasetSchema
    /// Indices into the schema's features of the numeric ones, and of the categorical ones.
    public let numericFeatures: [Int]
    public let categoricalFeatures: [Int]
    /// Decimals written per numeric feature.
    public let decimals: [Int]
    public let models: [ClassModel]

    /// Fits the generator on rows held column-wise: `classes[row]` indexes the schema's
    /// classes, `features[feature][row]` is a value (a level index for categorical features),
    /// `nan` when missing.
    public init(schema: DatasetSchema, classes: [Int], features: [[Double]]) throws(DatasetGeneratorError) {
        guard !classes.isEmpty else { throw .noRows(dataset: schema.name) }
        self.schema = schema
        numericFeatures = schema.features.indices.filter { schema.features[$0].kind == .numeric }
        categoricalFeatures = schema.features.indices.filter { schema.features[$0].kind == .categorical }
        decimals = numericFeatures.map { index in
            schema.features[index].integer ? 0 : DatasetGenerator.decimalsNeeded(features[index])
        }
        var models: [ClassModel] = []
        for classIndex in schema.target.classes.indices {
            let rows = classes.indices.filter { classes[$0] == classIndex }
            guard !rows.isEmpty else { continue }
            let (mean, factor) = try DatasetGenerator.numericModel(
                schema: schema, className: schema.target.classes[classIndex], rows: rows,
                columns: numericFeatures.map { features[$0] }, names: numericFeatures.map { schema.features[$0].name }
            )
            let shares = categoricalFeatures.map { index -> [Int: Double] in
                let levels = rows.map { features[index][$0] }.filter { !$0.isNaN }.map { Int($0) }
                var counts: [Int: Int] = [:]
                for level in levels { counts[level, default: 0] += 1 }
                return counts.mapValues { Double($0) / Double(levels.count) }
            }
            models.append(ClassModel(classIndex: classIndex, count: rows.count, mean: mean, factor: factor, levelShares: shares))
        }
        self.models = models
    }

    /// The header of a generated file.
    public var header: [String] {
        (schema.id.column.map { [$0] } ?? []) + [schema.target.name] + schema.features.map(\.name)
    }

    /// Writes a header and `rows` synthetic rows (ids `S0000001`, ... when the schema has an id
    /// column) to `sink`, in chunks of about 1 MiB that each end with a line break.
    /// - Parameter shift: added to a numeric feature (by name) before rounding, to simulate drift.
    public func write(rows: Int, seed: UInt64, shift: [String: Double] = [:], to sink: (String) throws -> Void) throws {
        try check(shift: shift)
        let shifts = numericFeatures.map { shift[schema.features[$0].name] ?? 0 }
        var sampler = NormalSampler(seed: seed)
        let total = Double(models.reduce(0) { $0 + $1.count })
        var cumulative: [Double] = []
        var running = 0.0
        for model in models {
            running += Double(model.count) / total
            cumulative.append(running)
        }
        var text = header.map(CSVText.field).joined(separator: ",") + "\n"
        var row = 0
        while row < rows {
            row += 1
            let uniform = sampler.nextUniform()
            let model = models[cumulative.firstIndex { uniform < $0 } ?? models.count - 1]
            var cells: [String] = []
            if schema.id.column != nil { cells.append("S" + String(repeating: "0", count: max(0, 7 - String(row).count)) + String(row)) }
            cells.append(CSVText.field(schema.target.classes[model.classIndex]))
            var values = [String](repeating: "", count: schema.features.count)
            let numbers = draw(model, shifts: shifts, sampler: &sampler)
            for (position, index) in numericFeatures.enumerated() {
                values[index] = DatasetGenerator.format(numbers[position], decimals: decimals[position])
            }
            for (position, index) in categoricalFeatures.enumerated() {
                let shares = model.levelShares[position]
                guard !shares.isEmpty else { continue }
                let uniform = sampler.nextUniform()
                var sum = 0.0
                let levels = shares.keys.sorted()
                var chosen = levels[levels.count - 1]
                for level in levels {
                    sum += shares[level]!
                    if uniform < sum { chosen = level; break }
                }
                values[index] = CSVText.field(schema.features[index].levels[chosen])
            }
            cells += values
            text += cells.joined(separator: ",") + "\n"
            if text.utf8.count >= 1 << 20 {
                try sink(text)
                text = ""
            }
        }
        if !text.isEmpty { try sink(text) }
    }

    /// Throws ``DatasetGeneratorError/unknownShift(dataset:feature:numeric:)`` when `shift` names
    /// a column that is not a numeric feature.
    public func check(shift: [String: Double]) throws(DatasetGeneratorError) {
        let numericNames = numericFeatures.map { schema.features[$0].name }
        for name in shift.keys.sorted() where !numericNames.contains(name) {
            throw .unknownShift(dataset: schema.name, feature: name, numeric: numericNames)
        }
    }

    /// Writes a header and `rows` synthetic rows to `handle`.
    public func write(rows: Int, seed: UInt64, shift: [String: Double] = [:], to handle: FileHandle) throws {
        try write(rows: rows, seed: seed, shift: shift) { try handle.write(contentsOf: Data($0.utf8)) }
    }

    /// One draw of the numeric features, redrawn until every value is within its range.
    private func draw(_ model: ClassModel, shifts: [Double], sampler: inout NormalSampler) -> [Double] {
        let count = numericFeatures.count
        var values = [Double](repeating: 0, count: count)
        for attempt in 0...Self.maximumRedraws {
            let z = (0..<count).map { _ in sampler.nextNormal() }
            var inside = true
            for row in 0..<count {
                var value = model.mean[row] + shifts[row]
                for column in 0...row { value += model.factor[row][column] * z[column] }
                let scale = pow(10, Double(decimals[row]))
                value = (value * scale).rounded() / scale
                if let range = schema.features[numericFeatures[row]].range, !range.contains(value) {
                    inside = false
                    value = min(max(value, range.lowerBound), range.upperBound)
                }
                values[row] = value
            }
            if inside || attempt == Self.maximumRedraws { break }
        }
        return values
    }

    /// The class's mean and covariance factor of the numeric features.
    private static func numericModel(
        schema: DatasetSchema, className: String, rows: [Int], columns: [[Double]], names: [String]
    ) throws(DatasetGeneratorError) -> (mean: [Double], factor: [[Double]]) {
        guard !columns.isEmpty else { return ([], []) }
        let complete = rows.filter { row in columns.allSatisfy { !$0[row].isNaN } }
        if complete.count >= columns.count + 2 {
            let vectors = complete.map { row in columns.map { $0[row] } }
            let (mean, covariance) = SyntheticGenerator.meanAndCovariance(vectors)
            if let factor = SyntheticGenerator.cholesky(covariance) { return (mean, factor) }
        }
        // Independent normals, each fitted on the values the class has.
        var mean: [Double] = []
        var factor = [[Double]](repeating: [Double](repeating: 0, count: columns.count), count: columns.count)
        for (position, column) in columns.enumerated() {
            let values = rows.map { column[$0] }.filter { !$0.isNaN }
            guard values.count >= 2 else {
                throw .notEnoughValues(dataset: schema.name, className: className, feature: names[position], count: values.count)
            }
            let average = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count - 1)
            mean.append(average)
            factor[position][position] = variance.squareRoot()
        }
        return (mean, factor)
    }

    /// The fewest decimals (at most 6) that write every present value of `column` exactly.
    static func decimalsNeeded(_ column: [Double]) -> Int {
        var needed = 0
        for value in column where !value.isNaN {
            while needed < 6 {
                let scaled = value * pow(10, Double(needed))
                if abs(scaled - scaled.rounded()) <= 1e-6 * max(1, abs(scaled)) { break }
                needed += 1
            }
        }
        return needed
    }

    /// `value` with exactly `decimals` decimals.
    static func format(_ value: Double, decimals: Int) -> String {
        let scale = pow(10, Double(decimals))
        let units = Int((value * scale).rounded())
        let magnitude = String(units.magnitude)
        let sign = units < 0 ? "-" : ""
        guard decimals > 0 else { return sign + magnitude }
        let padded = String(repeating: "0", count: max(0, decimals + 1 - magnitude.count)) + magnitude
        return sign + padded.dropLast(decimals) + "." + padded.suffix(decimals)
    }
}

/// Quoting of generated CSV fields.
enum CSVText {
    /// `text` as one CSV field: quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
