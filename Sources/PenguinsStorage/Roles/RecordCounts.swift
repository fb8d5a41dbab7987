import Foundation
import PenguinsCore

/// A warehouse's records counted by its store, where the rows are (``RecordWarehouse/countRecords(sampleSize:cellLimit:)``):
/// for every numeric feature, how many records share a class, a level of every categorical
/// feature and a value of that feature; how many share a class, those levels and the numeric
/// features they have; and a uniform sample of the records. Everything a statistics summary
/// keeps follows from these exactly, without reading the records into the process.
public struct RecordCounts: Sendable {
    /// The records that share a class, a level of every categorical feature and a key.
    public struct Cell<Key: Sendable & Equatable>: Sendable, Equatable {
        /// The class index (a class unknown to the schema is refused when read).
        public var targetClass: Int
        /// The level index of every categorical feature, in schema order
        /// (``DatasetSchema/categoricalFeatureIndices``); a missing level is the level count.
        public var levels: [Int]
        public var key: Key
        public var count: Int

        public init(targetClass: Int, levels: [Int], key: Key, count: Int) {
            self.targetClass = targetClass
            self.levels = levels
            self.key = key
            self.count = count
        }
    }

    /// The data version the counts are of.
    public var version: Int64
    /// For each numeric feature, by schema index, the records by class, levels and the
    /// feature's value (the key; NaN when missing).
    public var values: [Int: [Cell<Double>]]
    /// The records by class, levels and the numeric features they have (the key: bit `i` for
    /// the `i`-th numeric feature in schema order).
    public var presence: [Cell<UInt64>]
    /// A uniform sample of the records (at most the size asked for), with every feature in schema order.
    public var sample: RecordColumns

    public init(version: Int64, values: [Int: [Cell<Double>]], presence: [Cell<UInt64>], sample: RecordColumns) {
        self.version = version
        self.values = values
        self.presence = presence
        self.sample = sample
    }
}
