import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStatistics
import PenguinsStorage

/// The statistics report of a dataset's records (``StatisticsReport``) kept as counts that new
/// records add to: for every numeric feature the ``ValueCounts`` of its values overall and per
/// level of every categorical column (the target first), and the rows of every level. Adding
/// the records an ingestion inserted brings it up to date without reading the others; its
/// report is the one ``StatisticsReport/compute(_:groupBy:)`` makes of all the records (order
/// statistics exactly, means and deviations up to the rounding of the summation order).
///
/// For the scatter plots it keeps a uniform sample of the records (a reservoir: each record
/// counted so far is in it with the same probability) and, for every two numeric features, how
/// many records have both.
///
/// It stays small while the features have few distinct values, as measurements do;
/// ``isCompact`` says when they have too many for it to be worth keeping.
public struct StatisticsAggregate: Sendable {
    /// The most distinct values, over every feature and group, that a compact aggregate holds
    /// (a few tens of megabytes at most).
    public static let distinctLimit = 400_000
    /// The records the sample holds at most: as many as a chart draws.
    public static let sampleLimit = 2_000

    /// A categorical column that groups the rows: its name and level names; the level after
    /// the last stands for a missing value.
    private struct Grouping: Sendable {
        var name: String
        var levels: [String]
        /// The feature's index in the schema, nil for the target.
        var feature: Int?
    }

    /// One numeric feature's counts, overall and by `[grouping][level]`.
    fileprivate struct NumericCounts: Sendable, Codable {
        var overall = ValueCounts()
        var byLevel: [[ValueCounts]]
    }

    public let schema: DatasetSchema
    /// The records counted.
    public private(set) var rows = 0
    private let groupings: [Grouping]
    /// The schema indices of the numeric features.
    private let numericFeatures: [Int]
    private var numeric: [NumericCounts]
    /// Rows of each level, by `[grouping][level]`.
    private var levelRows: [[Int]]
    /// Rows of each level of each class, by `[grouping][level][class]`.
    private var levelClassRows: [[[Int]]]
    /// The groupings named island and sex (the report's cross table), when both exist.
    private let crossed: (island: Int, sex: Int)?
    /// Rows of each island and sex, by `[island level][sex level]`.
    private var crossRows: [[Int]]
    /// A uniform sample of the records counted.
    private var reservoir: RecordReservoir
    /// Whether values were taken out that were not counted (``isConsistent``); not saved: an
    /// aggregate in that state is made anew rather than kept.
    private var overdrawn = false
    /// A uniform sample of the records counted, with every feature.
    public var sample: RecordColumns { reservoir.records }
    /// The records that have both features, by `[feature][feature]` schema index (numeric ones).
    public private(set) var presentTogether: [[Int]]

    /// An aggregate of no records of `schema`.
    public init(schema: DatasetSchema) {
        self.schema = schema
        var groupings = [Grouping(name: schema.target.name, levels: schema.target.classes, feature: nil)]
        for (index, feature) in schema.features.enumerated() where feature.kind == .categorical {
            groupings.append(Grouping(name: feature.name, levels: feature.levels, feature: index))
        }
        self.groupings = groupings
        numericFeatures = schema.features.indices.filter { schema.features[$0].kind == .numeric }
        let empty = groupings.map { Array(repeating: ValueCounts(), count: $0.levels.count + 1) }
        numeric = numericFeatures.map { _ in NumericCounts(byLevel: empty) }
        levelRows = groupings.map { Array(repeating: 0, count: $0.levels.count + 1) }
        levelClassRows = groupings.map {
            Array(repeating: Array(repeating: 0, count: schema.target.classes.count), count: $0.levels.count + 1)
        }
        if let island = groupings.firstIndex(where: { $0.name == "island" }),
           let sex = groupings.firstIndex(where: { $0.name == "sex" }) {
            crossed = (island, sex)
            crossRows = Array(repeating: Array(repeating: 0, count: groupings[sex].levels.count + 1), count: groupings[island].levels.count + 1)
        } else {
            crossed = nil
            crossRows = []
        }
        reservoir = RecordReservoir(limit: Self.sampleLimit, features: schema.features.count, seed: Self.sampleSeed)
        presentTogether = Array(repeating: Array(repeating: 0, count: schema.features.count), count: schema.features.count)
    }

    /// The seed of the sample's draws.
    private static let sampleSeed: UInt64 = 0x5A4D_504C_4553

    /// The aggregate of the records a store counted (``RecordWarehouse/countRecords(sampleSize:cellLimit:)``),
    /// with the store's sample as its own; nil when the sample is not one of the records
    /// counted (``sampleLimit`` of them, or all when fewer).
    public init?(schema: DatasetSchema, counts: RecordCounts) {
        self.init(schema: schema)
        let categorical = schema.categoricalFeatureIndices
        // Each grouping's level of a cell: the class, then the categorical features' levels.
        func level(_ grouping: Int, targetClass: Int, levels: [Int]) -> Int {
            let missing = groupings[grouping].levels.count
            let level = grouping == 0 ? targetClass : levels[grouping - 1]
            return (0..<missing).contains(level) ? level : missing
        }
        precondition(groupings.dropFirst().map(\.feature) == categorical.map { Optional($0) }, "groupings follow the categorical features")
        for (position, feature) in numericFeatures.enumerated() {
            for cell in counts.values[feature] ?? [] {
                numeric[position].overall.add(cell.key, count: cell.count)
                for grouping in groupings.indices {
                    numeric[position].byLevel[grouping][level(grouping, targetClass: cell.targetClass, levels: cell.levels)].add(cell.key, count: cell.count)
                }
            }
        }
        for cell in counts.presence {
            let levels = groupings.indices.map { level($0, targetClass: cell.targetClass, levels: cell.levels) }
            for grouping in groupings.indices {
                levelRows[grouping][levels[grouping]] += cell.count
                if levelClassRows[grouping][levels[grouping]].indices.contains(cell.targetClass) {
                    levelClassRows[grouping][levels[grouping]][cell.targetClass] += cell.count
                }
            }
            if let crossed { crossRows[levels[crossed.island]][levels[crossed.sex]] += cell.count }
            for (i, a) in numericFeatures.enumerated() where cell.key & (1 << UInt64(i)) != 0 {
                for (j, b) in numericFeatures.enumerated() where cell.key & (1 << UInt64(j)) != 0 {
                    presentTogether[a][b] += cell.count
                }
            }
            rows += cell.count
        }
        guard counts.sample.count == min(Self.sampleLimit, rows), counts.sample.features.count == schema.features.count else { return nil }
        reservoir = RecordReservoir(limit: Self.sampleLimit, sample: counts.sample, seen: rows, seed: Self.sampleSeed)
    }

    /// The sample as columns of the dataset, which know how many of all the records counted
    /// have both of two features.
    public var sampleColumns: DatasetColumns {
        DatasetColumns(schema: schema, records: sample, populationPresentTogether: presentTogether)
    }

    /// The aggregate of `records`, read with every feature of `schema` in its order.
    public init(schema: DatasetSchema, records: RecordColumns) {
        self.init(schema: schema)
        add(records, rows: 0..<records.count)
    }

    /// The distinct values held, over every feature and group.
    public var distinctCount: Int {
        numeric.reduce(0) { total, counts in
            total + counts.overall.distinctCount + counts.byLevel.joined().reduce(0) { $0 + $1.distinctCount }
        }
    }

    /// Whether the aggregate is small enough to keep (``distinctLimit``).
    public var isCompact: Bool { distinctCount <= Self.distinctLimit }

    /// Whether its counts can still be those of records: false once values were taken out
    /// (``replace(_:with:)``) that it never counted, as when the records were changed behind
    /// the store's logs; it is then made anew from the records.
    public var isConsistent: Bool {
        !overdrawn && rows >= 0 && levelRows.joined().allSatisfy { $0 >= 0 } && crossRows.joined().allSatisfy { $0 >= 0 }
            && levelClassRows.joined().joined().allSatisfy { $0 >= 0 } && presentTogether.joined().allSatisfy { $0 >= 0 }
    }

    /// Counts `records` too; they carry every feature of the schema, in its order, as
    /// ``RecordWarehouse/columns(featureIndices:)`` reads them.
    public mutating func add(_ records: RecordColumns) {
        add(records, rows: 0..<records.count)
    }

    /// Counts the records of `rows` too.
    public mutating func add(_ records: RecordColumns, rows range: Range<Int>) {
        count(records, rows: range, sign: 1)
        for row in range { reservoir.offer(records, row: row) }
        rows += range.count
    }

    /// Takes out `previous`, the values of records counted before, and counts `current`, the
    /// same records' values now (an update of stored records): the records counted stay the
    /// same, and so do those in the sample, which take their new values.
    public mutating func replace(_ previous: RecordColumns, with current: RecordColumns) {
        precondition(previous.count == current.count, "the same records before and after")
        count(previous, rows: 0..<previous.count, sign: -1)
        count(current, rows: 0..<current.count, sign: 1)
        reservoir.update(current)
    }

    /// Adds the values of the records of `rows` to every count (with `sign` -1, takes them out);
    /// the sample and the number of records are left to the caller.
    private mutating func count(_ records: RecordColumns, rows range: Range<Int>, sign: Int) {
        precondition(records.features.count == schema.features.count, "records must carry every feature of the schema")
        guard !range.isEmpty else { return }
        // Each row's level in each grouping, by offset in `range`.
        let levels: [[Int]] = groupings.map { grouping in
            let missing = grouping.levels.count
            guard let feature = grouping.feature else { return records.targetClasses[range].map { (0..<missing).contains($0) ? $0 : missing } }
            return records.features[feature][range].map { value in
                guard !value.isNaN, value >= 0, Int(value) < missing else { return missing }
                return Int(value)
            }
        }
        let classes = records.targetClasses[range]
        for (grouping, rowLevels) in levels.enumerated() {
            for (level, targetClass) in zip(rowLevels, classes) {
                levelRows[grouping][level] += sign
                if levelClassRows[grouping][level].indices.contains(targetClass) { levelClassRows[grouping][level][targetClass] += sign }
            }
        }
        if let crossed {
            for (island, sex) in zip(levels[crossed.island], levels[crossed.sex]) { crossRows[island][sex] += sign }
        }
        // The numeric features side by side, each with its own counts.
        let work = Array(zip(numericFeatures, numeric))
        // Each feature's counts, and whether they held every value taken out.
        let counted: [(NumericCounts, Bool)]
        if let combinations = Combinations(radices: groupings.map { $0.levels.count + 1 }, levels: levels) {
            counted = work.concurrentMap { feature, counts in
                var counts = counts
                let held = combinations.count(records.features[feature], rows: range, sign: sign, into: &counts)
                return (counts, held)
            }
        } else {
            counted = work.concurrentMap { feature, counts in
                var counts = counts
                var held = true
                let values = records.features[feature]
                for (offset, row) in range.enumerated() {
                    let value = values[row]
                    held = counts.overall.add(value, count: sign) && held
                    for grouping in levels.indices { held = counts.byLevel[grouping][levels[grouping][offset]].add(value, count: sign) && held }
                }
                return (counts, held)
            }
        }
        numeric = counted.map(\.0)
        if counted.contains(where: { !$0.1 }) { overdrawn = true }
        countPresentTogether(records, rows: range, sign: sign)
    }

    /// Adds to ``presentTogether`` the records of `range` that have both of two numeric
    /// features (times `sign`): the records of each pattern of present features are counted,
    /// then each pattern adds them to the pairs it has (records have few patterns; with too
    /// many features for patterns, each pair of columns is counted instead).
    private mutating func countPresentTogether(_ records: RecordColumns, rows range: Range<Int>, sign: Int) {
        guard numericFeatures.count <= 16 else {
            for a in numericFeatures {
                for b in numericFeatures where b >= a {
                    let (xs, ys) = (records.features[a], records.features[b])
                    var both = 0
                    for row in range where !xs[row].isNaN && !ys[row].isNaN { both += 1 }
                    presentTogether[a][b] += sign * both
                    if a != b { presentTogether[b][a] += sign * both }
                }
            }
            return
        }
        var patterns = [Int](repeating: 0, count: range.count)
        for (bit, feature) in numericFeatures.enumerated() {
            let values = records.features[feature]
            for (offset, row) in range.enumerated() where !values[row].isNaN { patterns[offset] |= 1 << bit }
        }
        var rowsOfPattern = [Int](repeating: 0, count: 1 << numericFeatures.count)
        for pattern in patterns { rowsOfPattern[pattern] += 1 }
        for (pattern, count) in rowsOfPattern.enumerated() where count > 0 {
            for (i, a) in numericFeatures.enumerated() where pattern & (1 << i) != 0 {
                for (j, b) in numericFeatures.enumerated() where pattern & (1 << j) != 0 { presentTogether[a][b] += sign * count }
            }
        }
    }

    /// The report of the records counted, with one table per level of `groupBy` when given.
    public func report(groupBy: String? = nil) throws -> StatisticsReport {
        let names = numericFeatures.map { schema.features[$0].name }
        func variables(_ counts: (NumericCounts) -> ValueCounts) -> [String: Summary] {
            Dictionary(uniqueKeysWithValues: zip(names, numeric.map { counts($0).summary() }))
        }
        var tables = [StatisticsReport.Table(group: "all", rows: rows, variables: variables(\.overall))]
        if let groupBy {
            guard let grouping = groupings.firstIndex(where: { $0.name == groupBy }) else {
                throw PipelineError.unknownColumn(groupBy, expected: groupings.map(\.name))
            }
            let present = levelRows[grouping].indices.filter { levelRows[grouping][$0] > 0 }
            for level in present.sorted(by: { levelName(grouping, $0) < levelName(grouping, $1) }) {
                tables.append(StatisticsReport.Table(
                    group: "\(groupBy)=\(levelName(grouping, level))", rows: levelRows[grouping][level],
                    variables: variables { $0.byLevel[grouping][level] }
                ))
            }
        }
        let categories = levelCounts
        var islandBySex: [String: [String: Int]]?
        if let crossed {
            var table: [String: [String: Int]] = [:]
            for (island, row) in crossRows.enumerated() where row.contains(where: { $0 > 0 }) {
                table[levelName(crossed.island, island)] = counts(row) { levelName(crossed.sex, $0) }
            }
            islandBySex = table
        }
        return StatisticsReport(tables: tables, categories: categories, countsByIslandAndSex: islandBySex)
    }

    /// The records of each level of the target and of every categorical feature, by column
    /// name (a missing level as `missing`; levels without records left out).
    public var levelCounts: [String: [String: Int]] {
        var categories: [String: [String: Int]] = [:]
        for grouping in groupings.indices {
            categories[groupings[grouping].name] = counts(levelRows[grouping]) { levelName(grouping, $0) }
        }
        return categories
    }

    /// The values of each numeric feature over every record counted, by name.
    public var valueCounts: [String: ValueCounts] {
        Dictionary(uniqueKeysWithValues: zip(numericFeatures, numeric).map { (schema.features[$0].name, $1.overall) })
    }

    /// The summary of each partition that has records, ordered by partition value, as
    /// ``RecordWarehouse/summariesByPartition()`` reads it: counts from the aggregate, the
    /// records usable for training and scored from `usableAndScored` (which writes of
    /// predictions change, and the aggregate does not follow).
    public func partitionSummaries(usableAndScored: [String: UsableAndScored]) -> [PartitionSummary] {
        guard let grouping = groupings.firstIndex(where: { $0.name == schema.partition }) else { return [] }
        let levels = groupings[grouping].levels
        var summaries: [PartitionSummary] = []
        for level in levels.indices where levelRows[grouping][level] > 0 {
            var summary = PartitionSummary(partition: levels[level], classes: schema.target.classes.count, features: schema.features.count)
            summary.count = levelRows[grouping][level]
            summary.countByClass = levelClassRows[grouping][level]
            summary.usableForTraining = usableAndScored[levels[level]]?.usable ?? 0
            summary.scored = usableAndScored[levels[level]]?.scored ?? 0
            for (position, feature) in numericFeatures.enumerated() {
                let counts = numeric[position].byLevel[grouping][level]
                summary.featureSums[feature] = counts.sum
                summary.featureCounts[feature] = counts.presentCount
            }
            summaries.append(summary)
        }
        return summaries.sorted { $0.partition < $1.partition }
    }

    private func levelName(_ grouping: Int, _ level: Int) -> String {
        let levels = groupings[grouping].levels
        return level < levels.count ? levels[level] : "missing"
    }

    /// The levels that occur, by name, with their counts.
    private func counts(_ byLevel: [Int], name: (Int) -> String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for (level, count) in byLevel.enumerated() where count > 0 { counts[name(level)] = count }
        return counts
    }
}

/// The levels of every grouping of a chunk's records as one number per record (mixed radix),
/// so that a numeric feature's values are first counted once per distinct (value, levels) in
/// the chunk, then added to the value counts of each level: one hash per value rather than one
/// per grouping.
private struct Combinations: Sendable {
    /// Each grouping's level count, the missing level included.
    let radices: [Int]
    /// Each record's combination, by offset in the chunk.
    let ofRecord: [Int]

    /// Nil when the groupings have more combinations of levels than an `Int` counts (the
    /// values are then counted per grouping).
    init?(radices: [Int], levels: [[Int]]) {
        var combinations = 1
        for radix in radices {
            let (product, overflow) = combinations.multipliedReportingOverflow(by: radix)
            guard !overflow else { return nil }
            combinations = product
        }
        self.radices = radices
        var ofRecord = [Int](repeating: 0, count: levels.first?.count ?? 0)
        for (grouping, recordLevels) in levels.enumerated() {
            for (offset, level) in recordLevels.enumerated() { ofRecord[offset] = ofRecord[offset] * radices[grouping] + level }
        }
        self.ofRecord = ofRecord
    }

    /// Counts `values` of the records of `range` (the chunk `ofRecord` describes) into `counts`,
    /// each `sign` times (-1 takes them out). Answers false when some were taken out that the
    /// counts did not hold.
    func count(_ values: [Double], rows range: Range<Int>, sign: Int, into counts: inout StatisticsAggregate.NumericCounts) -> Bool {
        var cells = CellCounts(expected: Swift.min(range.count, 1_024))
        let missing = Double.nan.bitPattern
        for (offset, row) in range.enumerated() {
            let value = values[row]
            cells.add(value.isNaN ? missing : value.bitPattern, ofRecord[offset], count: 1)
        }
        var held = true
        cells.forEach { valueBits, combination, cellCount in
            let (value, count) = (Double(bitPattern: valueBits), sign * cellCount)
            held = counts.overall.add(value, count: count) && held
            var rest = combination
            for grouping in radices.indices.reversed() {
                held = counts.byLevel[grouping][rest % radices[grouping]].add(value, count: count) && held
                rest /= radices[grouping]
            }
        }
        return held
    }
}

/// How many times each (value, combination of levels) occurs in a chunk: the cells that
/// ``Combinations/count(_:rows:sign:into:)`` counts before adding them to the value counts.
///
/// An open-addressing table with linear probing and a multiplicative (Fibonacci) hash of the
/// value's bits and the combination, written here rather than taken from `Dictionary`,
/// whose hash of every key (SipHash) was a fifth of the time the summaries took in an
/// ingestion. The values' bits are NaN's canonical ones for a missing value, so a column the
/// file lacks fills one cell per combination of levels.
private struct CellCounts {
    private var values: [UInt64]
    private var combinations: [Int]
    /// Each slot's count; 0 marks an empty slot (every cell added has a positive count).
    private var counts: [Int]
    private var shift: Int
    private var filled = 0

    /// A table with room for `expected` cells before it grows.
    init(expected: Int) {
        var slots = 16
        while slots < 2 * expected { slots *= 2 }
        values = [UInt64](repeating: 0, count: slots)
        combinations = [Int](repeating: 0, count: slots)
        counts = [Int](repeating: 0, count: slots)
        shift = 64 - slots.trailingZeroBitCount
    }

    private func slot(_ value: UInt64, _ combination: Int) -> Int {
        let mixed = value ^ (UInt64(bitPattern: Int64(combination)) &* 0x9E37_79B9_7F4A_7C15)
        return Int(truncatingIfNeeded: (mixed &* 0xBF58_476D_1CE4_E5B9) >> UInt64(shift))
    }

    /// Adds `count` (positive) occurrences of the cell (`value`'s bits, `combination`).
    mutating func add(_ value: UInt64, _ combination: Int, count: Int) {
        let mask = counts.count - 1
        var index = slot(value, combination)
        while counts[index] != 0 {
            if values[index] == value, combinations[index] == combination {
                counts[index] += count
                return
            }
            index = (index + 1) & mask
        }
        (values[index], combinations[index], counts[index]) = (value, combination, count)
        filled += 1
        if filled * 2 > counts.count { grow() }
    }

    /// Doubles the slots, each cell placed anew.
    private mutating func grow() {
        let old = (values, combinations, counts)
        self = CellCounts(expected: counts.count)
        for index in old.2.indices where old.2[index] != 0 { add(old.0[index], old.1[index], count: old.2[index]) }
    }

    /// Calls `body` with each cell's value bits, combination and count.
    func forEach(_ body: (UInt64, Int, Int) -> Void) {
        for index in counts.indices where counts[index] != 0 { body(values[index], combinations[index], counts[index]) }
    }
}

extension StatisticsAggregate: Codable {
    private enum CodingKeys: String, CodingKey {
        case schema, rows, numeric, levelRows, levelClassRows, crossRows, reservoir, presentTogether
    }

    /// An aggregate saved by ``encode(to:)``: what it counted, with the schema it counted it
    /// by (the rest follows from the schema); counts of another shape than the schema's are
    /// refused as corrupt.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(schema: try container.decode(DatasetSchema.self, forKey: .schema))
        let empty = self
        rows = try container.decode(Int.self, forKey: .rows)
        numeric = try container.decode([NumericCounts].self, forKey: .numeric)
        levelRows = try container.decode([[Int]].self, forKey: .levelRows)
        levelClassRows = try container.decode([[[Int]]].self, forKey: .levelClassRows)
        crossRows = try container.decode([[Int]].self, forKey: .crossRows)
        reservoir = try container.decode(RecordReservoir.self, forKey: .reservoir)
        presentTogether = try container.decode([[Int]].self, forKey: .presentTogether)
        guard shape == empty.shape else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "counts of another shape than the schema's"))
        }
    }

    /// The sizes of its counts: the schema's.
    private var shape: [Int] {
        var sizes: [Int] = [numeric.count, levelRows.count, levelClassRows.count, crossRows.count, presentTogether.count]
        sizes += numeric.flatMap { $0.byLevel.map(\.count) }
        sizes += levelRows.map(\.count) + levelClassRows.flatMap { $0.map(\.count) }
        sizes += crossRows.map(\.count) + presentTogether.map(\.count)
        return sizes + [reservoir.records.features.count, reservoir.limit]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(rows, forKey: .rows)
        try container.encode(numeric, forKey: .numeric)
        try container.encode(levelRows, forKey: .levelRows)
        try container.encode(levelClassRows, forKey: .levelClassRows)
        try container.encode(crossRows, forKey: .crossRows)
        try container.encode(reservoir, forKey: .reservoir)
        try container.encode(presentTogether, forKey: .presentTogether)
    }
}
