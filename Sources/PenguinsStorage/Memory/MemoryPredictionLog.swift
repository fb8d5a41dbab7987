import PenguinsCore

/// The prediction log held in memory, for tests and `memory://` stores.
public actor MemoryPredictionLog: PredictionLog {
    private var entries: [PredictionLogEntry] = []

    /// An empty log.
    public init() {}

    /// Appends entries in the given order.
    public func append(_ entries: [PredictionLogEntry]) {
        self.entries.append(contentsOf: entries)
    }

    /// The newest entries first, at most `limit`.
    public func recent(limit: Int) -> [PredictionLogEntry] {
        Array(entries.reversed().prefix(max(limit, 0)))
    }

    /// The newest `limit` present values of one feature, oldest first.
    public func values(of feature: Feature, limit: Int) -> [Double] {
        Array(entries.lazy.compactMap { $0.measurements[feature] }.suffix(max(limit, 0)))
    }

    /// The number of logged predictions.
    public func count() -> Int {
        entries.count
    }
}
