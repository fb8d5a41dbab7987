import Foundation

/// Why a synthetic generator could not be fitted.
public enum SyntheticDataError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No penguin with all four measurements was given.
    case noCompletePenguins
    /// A species has too few complete penguins for a covariance matrix (at least 5 are needed).
    case notEnoughPenguins(species: Species, count: Int)
    /// A species' covariance matrix is not positive definite (for example a constant measurement).
    case degenerateCovariance(species: Species)

    public var description: String {
        switch self {
        case .noCompletePenguins:
            "No penguin with all four measurements to fit synthetic data on; pass penguins with complete measurements."
        case .notEnoughPenguins(let species, let count):
            "Only \(count) complete \(species.rawValue) penguins: at least 5 are needed to fit their covariance. "
                + "Add more, or leave that species out."
        case .degenerateCovariance(let species):
            "The \(species.rawValue) measurements vary too little (their covariance is not positive definite); "
                + "fit on more varied penguins."
        }
    }

    public var errorDescription: String? { description }
}

/// Generates realistic synthetic penguins in the tidy layout, for load tests and drift drills.
///
/// Fitted per species on penguins with all four measurements: the mean vector and the
/// covariance matrix (ddof 1) of the measurements in ``Feature/allCases`` order, drawn from
/// through the covariance's Cholesky factor; the species frequencies; and per species the
/// island and sex frequencies (missing sex excluded, so generated rows always have a sex).
///
/// Output is reproducible: the same fit, seed and shift give byte-identical text. Rows are
/// always valid: a draw with a rounded measurement outside ``Feature/plausibleRange`` is
/// redrawn, up to ``maximumRedraws`` times, after which out-of-range values are clamped into
/// the range (this happens only when a large `shift` pushes a feature past its range).
public struct SyntheticGenerator: Sendable {
    /// What the generator learnt about one species.
    public struct SpeciesModel: Hashable, Sendable {
        public var species: Species
        /// Number of complete penguins of this species it was fitted on.
        public var count: Int
        /// Mean of each measurement, in ``Feature/allCases`` order.
        public var mean: [Double]
        /// Sample covariance (ddof 1) of the measurements, in ``Feature/allCases`` order.
        public var covariance: [[Double]]
        /// Lower-triangular L with L·Lᵀ = ``covariance``.
        public var cholesky: [[Double]]
        /// Share of each island among this species' penguins, sorted by island.
        public var islandFrequencies: [Island: Double]
        /// Share of each sex among this species' penguins with a recorded sex.
        public var sexFrequencies: [Sex: Double]
    }

    /// The header of every generated file.
    public static let header = "penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year"
    /// How many times a draw outside the plausible range is redrawn before clamping.
    public static let maximumRedraws = 100
    /// Generated years are drawn uniformly from these.
    public static let years = 2007...2009

    /// One model per species present in the fitting data, ordered by species.
    public let models: [SpeciesModel]
    /// Share of each species among the complete penguins.
    public var speciesFrequencies: [Species: Double] {
        let total = Double(models.reduce(0) { $0 + $1.count })
        return Dictionary(uniqueKeysWithValues: models.map { ($0.species, Double($0.count) / total) })
    }

    /// Fits the generator on the complete penguins among `penguins`.
    public init(fittedOn penguins: [Penguin]) throws(SyntheticDataError) {
        let complete = penguins.filter(\.isUsableForTraining)
        guard !complete.isEmpty else { throw .noCompletePenguins }
        var models: [SpeciesModel] = []
        for species in Species.allCases {
            let members = complete.filter { $0.species == species }
            guard !members.isEmpty else { continue }
            guard members.count >= 5 else { throw .notEnoughPenguins(species: species, count: members.count) }
            let vectors = members.map { $0.measurements.featureVector! }
            let (mean, covariance) = Self.meanAndCovariance(vectors)
            guard let cholesky = Self.cholesky(covariance) else { throw .degenerateCovariance(species: species) }
            models.append(
                SpeciesModel(
                    species: species, count: members.count, mean: mean, covariance: covariance, cholesky: cholesky,
                    islandFrequencies: Self.frequencies(members.map(\.island)),
                    sexFrequencies: Self.frequencies(members.compactMap(\.sex))))
        }
        self.models = models
    }

    /// A generator fitted on the complete penguins of the bundled tidy data set.
    public static func fittedOnBundledData() throws -> SyntheticGenerator {
        var file = try DatasetFile(url: BundledDataset.tidyCSV, schema: BundledSchemas.penguins)
        var penguins: [Penguin] = []
        while let batch = try file.nextBatch(maxCount: 1024) {
            for case .accepted(let record) in batch { penguins += PenguinRecords.bundled.penguin(record).map { [$0] } ?? [] }
        }
        return try SyntheticGenerator(fittedOn: penguins)
    }

    /// Writes a header and `rows` synthetic penguins (ids `P0000001`, `P0000002`, ...) to `handle`,
    /// in chunks of about 1 MiB.
    /// - Parameter shift: added to a feature before rounding, to simulate drift.
    public func write(rows: Int, seed: UInt64, shift: [Feature: Double] = [:], to handle: FileHandle) throws {
        try write(rows: rows, seed: seed, shift: shift) { bytes in
            try handle.write(contentsOf: Data(bytes))
        }
    }

    /// Writes a header and `rows` synthetic penguins to `sink`, in chunks of about 1 MiB of text
    /// that each end with a line break.
    public func write(
        rows: Int, seed: UInt64, shift: [Feature: Double] = [:], to sink: (String) throws -> Void
    ) throws {
        try write(rows: rows, seed: seed, shift: shift) { bytes in
            try sink(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Writes a header and `rows` synthetic penguins to a new file at `url` (replacing any).
    public func write(rows: Int, seed: UInt64, shift: [Feature: Double] = [:], toFileAt url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw IngestError.unreadable(path: url.path, reason: "the file cannot be created")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try write(rows: rows, seed: seed, shift: shift, to: handle)
    }
}

// MARK: - Generation

extension SyntheticGenerator {
    private static let chunkSize = 1 << 20

    private func write(
        rows: Int, seed: UInt64, shift: [Feature: Double], chunk emit: ([UInt8]) throws -> Void
    ) throws {
        precondition(rows >= 0, "the number of rows cannot be negative")
        precondition(!models.isEmpty, "a fitted generator has at least one species")
        var sampler = NormalSampler(seed: seed)
        let shifts = Feature.allCases.map { shift[$0] ?? 0 }
        let speciesTable = CumulativeTable(models.enumerated().map { ($0.offset, Double($0.element.count)) })
        let samplers = models.map { SpeciesSampler(model: $0, shifts: shifts) }

        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.chunkSize + 256)
        buffer.append(contentsOf: Array(Self.header.utf8))
        buffer.append(UInt8(ascii: "\n"))
        var row = 0
        while row < rows {
            row += 1
            let speciesSampler = samplers[speciesTable.draw(sampler.nextUniform())]
            speciesSampler.appendRow(id: row, to: &buffer, sampler: &sampler)
            if buffer.count >= Self.chunkSize {
                try emit(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { try emit(buffer) }
    }

    /// Draws indices in proportion to weights.
    private struct CumulativeTable {
        var values: [Int]
        var cumulative: [Double]

        init(_ weighted: [(Int, Double)]) {
            values = weighted.map(\.0)
            let total = weighted.reduce(0) { $0 + $1.1 }
            var running = 0.0
            cumulative = weighted.map { running += $0.1 / total; return running }
        }

        func draw(_ uniform: Double) -> Int {
            for (index, bound) in cumulative.enumerated() where uniform < bound { return values[index] }
            return values[values.count - 1]
        }
    }

    /// Pre-rendered text and tables for drawing rows of one species.
    private struct SpeciesSampler {
        var model: SpeciesModel
        var shifts: [Double]
        var speciesText: [UInt8]
        var islands: [Island]
        var islandTable: CumulativeTable
        var sexes: [Sex]
        var sexTable: CumulativeTable?

        init(model: SpeciesModel, shifts: [Double]) {
            self.model = model
            self.shifts = shifts
            speciesText = Array(model.species.rawValue.utf8)
            islands = model.islandFrequencies.keys.sorted()
            islandTable = CumulativeTable(islands.enumerated().map { ($0.offset, model.islandFrequencies[$0.element]!) })
            sexes = model.sexFrequencies.keys.sorted()
            sexTable = sexes.isEmpty ? nil : CumulativeTable(sexes.enumerated().map { ($0.offset, model.sexFrequencies[$0.element]!) })
        }

        func appendRow(id: Int, to buffer: inout [UInt8], sampler: inout NormalSampler) {
            let island = islands[islandTable.draw(sampler.nextUniform())]
            let sex = sexTable.map { sexes[$0.draw(sampler.nextUniform())] }
            let year = SyntheticGenerator.years.lowerBound
                + min(Int(sampler.nextUniform() * Double(SyntheticGenerator.years.count)), SyntheticGenerator.years.count - 1)
            let values = measurements(sampler: &sampler)

            buffer.append(UInt8(ascii: "P"))
            buffer.appendDecimal(id, minimumDigits: 7)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: speciesText)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: island.rawValue.utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.appendTenths(values[0])
            buffer.append(UInt8(ascii: ","))
            buffer.appendTenths(values[1])
            buffer.append(UInt8(ascii: ","))
            buffer.appendDecimal(values[2], minimumDigits: 1)
            buffer.append(UInt8(ascii: ","))
            buffer.appendDecimal(values[3], minimumDigits: 1)
            buffer.append(UInt8(ascii: ","))
            buffer.append(contentsOf: (sex?.rawValue ?? "NA").utf8)
            buffer.append(UInt8(ascii: ","))
            buffer.appendDecimal(year, minimumDigits: 4)
            buffer.append(UInt8(ascii: "\n"))
        }

        /// The four rounded measurements as integers: bills in tenths of a millimetre,
        /// flipper in millimetres, mass in grams.
        private func measurements(sampler: inout NormalSampler) -> [Int] {
            let features = Feature.allCases
            var rounded = [0, 0, 0, 0]
            for attempt in 0...SyntheticGenerator.maximumRedraws {
                let z = (0..<4).map { _ in sampler.nextNormal() }
                var allPlausible = true
                for row in 0..<4 {
                    var value = model.mean[row] + shifts[row]
                    for column in 0...row { value += model.cholesky[row][column] * z[column] }
                    let feature = features[row]
                    let scale = feature.decimalScale
                    var units = Int((value * scale).rounded())
                    let range = feature.plausibleRange
                    let lowest = Int((range.lowerBound * scale).rounded(.up))
                    let highest = Int((range.upperBound * scale).rounded(.down))
                    if units < lowest || units > highest {
                        allPlausible = false
                        units = min(max(units, lowest), highest)
                    }
                    rounded[row] = units
                }
                if allPlausible || attempt == SyntheticGenerator.maximumRedraws { break }
            }
            return rounded
        }
    }

    static func meanAndCovariance(_ vectors: [[Double]]) -> (mean: [Double], covariance: [[Double]]) {
        let dimension = vectors[0].count
        let count = Double(vectors.count)
        var mean = [Double](repeating: 0, count: dimension)
        for vector in vectors { for index in 0..<dimension { mean[index] += vector[index] } }
        mean = mean.map { $0 / count }
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
        for vector in vectors {
            for row in 0..<dimension {
                for column in 0..<dimension {
                    covariance[row][column] += (vector[row] - mean[row]) * (vector[column] - mean[column])
                }
            }
        }
        covariance = covariance.map { $0.map { $0 / (count - 1) } }
        return (mean, covariance)
    }

    /// Lower-triangular Cholesky factor, or nil when `matrix` is not positive definite.
    static func cholesky(_ matrix: [[Double]]) -> [[Double]]? {
        let dimension = matrix.count
        var factor = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
        for row in 0..<dimension {
            for column in 0...row {
                var sum = matrix[row][column]
                for k in 0..<column { sum -= factor[row][k] * factor[column][k] }
                if row == column {
                    guard sum > 0 else { return nil }
                    factor[row][column] = sum.squareRoot()
                } else {
                    factor[row][column] = sum / factor[column][column]
                }
            }
        }
        return factor
    }

    static func frequencies<Value: Hashable>(_ values: [Value]) -> [Value: Double] {
        var counts: [Value: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.mapValues { Double($0) / Double(values.count) }
    }
}

extension Feature {
    /// Generated values are rounded like the source data: bills to 0.1 mm, the rest to whole units.
    fileprivate var decimalScale: Double {
        switch self {
        case .billLength, .billDepth: 10
        case .flipperLength, .bodyMass: 1
        }
    }
}

extension [UInt8] {
    /// Appends a non-negative integer, zero-padded to `minimumDigits`.
    fileprivate mutating func appendDecimal(_ value: Int, minimumDigits: Int) {
        var divisor = 1
        var digitCount = 1
        while divisor <= value / 10 {
            divisor *= 10
            digitCount += 1
        }
        for _ in digitCount..<Swift.max(minimumDigits, digitCount) { append(UInt8(ascii: "0")) }
        var remaining = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// Appends a non-negative number given in tenths, as `whole.tenth`.
    fileprivate mutating func appendTenths(_ tenths: Int) {
        appendDecimal(tenths / 10, minimumDigits: 1)
        append(UInt8(ascii: "."))
        append(UInt8(ascii: "0") + UInt8(tenths % 10))
    }
}
