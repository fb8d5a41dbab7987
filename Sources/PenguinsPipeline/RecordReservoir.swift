import Foundation
import PenguinsCore
import PenguinsStorage

/// A uniform sample of the records offered to it (reservoir sampling): the record offered after
/// `seen` others takes a slot with probability `limit / (seen + 1)`, so every record offered so
/// far is in the sample equally likely, however many there were.
struct RecordReservoir: Sendable, Codable {
    /// The records the sample holds at most.
    let limit: Int
    /// The sample, with every feature of the records offered.
    private(set) var records: RecordColumns
    /// The records offered so far.
    private(set) var seen = 0
    private var sampler: SplitMix64

    init(limit: Int, features: Int, seed: UInt64) {
        self.limit = limit
        records = RecordColumns(features: Array(repeating: [], count: features))
        sampler = SplitMix64(seed: seed)
    }

    /// A sample drawn uniformly from `seen` records by other means (at most `limit` of them,
    /// every one if there are fewer), going on as if it had been offered them.
    init(limit: Int, sample: RecordColumns, seen: Int, seed: UInt64) {
        precondition(sample.count <= limit && sample.count == min(limit, seen), "a uniform sample of min(limit, seen) records")
        self.limit = limit
        records = sample
        self.seen = seen
        sampler = SplitMix64(seed: seed)
    }

    /// Gives the records of the sample that are among `updated` (by id) their values there: an
    /// update changes a record's values, not which records are in the sample.
    mutating func update(_ updated: RecordColumns) {
        guard updated.count > 0, records.count > 0 else { return }
        let slots = Dictionary(records.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for (row, id) in updated.ids.enumerated() {
            guard let slot = slots[id] else { continue }
            records.targetClasses[slot] = updated.targetClasses[row]
            for feature in records.features.indices { records.features[feature][slot] = updated.features[feature][row] }
        }
    }

    /// Offers the record at `row` of `offered`.
    mutating func offer(_ offered: RecordColumns, row: Int) {
        defer { seen += 1 }
        if seen < limit {
            records.ids.append(offered.ids[row])
            records.targetClasses.append(offered.targetClasses[row])
            for feature in records.features.indices { records.features[feature].append(offered.features[feature][row]) }
            return
        }
        let slot = Int(sampler.next() % UInt64(seen + 1))
        guard slot < limit else { return }
        records.ids[slot] = offered.ids[row]
        records.targetClasses[slot] = offered.targetClasses[row]
        for feature in records.features.indices { records.features[feature][slot] = offered.features[feature][row] }
    }
}
