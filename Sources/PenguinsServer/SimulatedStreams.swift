import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// The simulated production streams of the dashboard's drift page, kept apart from the
/// prediction log so that drift on real predictions is never computed on synthetic rows.
///
/// They live in this server's memory (the newest ``capacity`` predictions per dataset): a
/// simulation is a what-if to look at, not a record; a restart forgets it.
actor SimulatedStreams {
    /// The most simulated predictions kept per dataset; older ones are dropped first.
    let capacity: Int
    private var entries: [String: [RecordLogEntry]] = [:]

    init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Adds predictions of a simulated stream of `dataset`.
    func append(_ new: [RecordLogEntry], dataset: String) {
        var stream = entries[dataset, default: []]
        stream.append(contentsOf: new)
        if stream.count > capacity { stream.removeFirst(stream.count - capacity) }
        entries[dataset] = stream
    }

    /// How many simulated predictions `dataset` has.
    func count(dataset: String) -> Int { entries[dataset]?.count ?? 0 }

    /// The simulated stream of `dataset` as a drift sample.
    /// - Throws: ``PipelineError/notEnoughRows(_:)`` when none was simulated.
    func sample(dataset schema: DatasetSchema) throws -> DriftSample {
        guard let stream = entries[schema.name], !stream.isEmpty else {
            throw PipelineError.notEnoughRows("no simulated stream: an admin can run one from the Drift page (POST /drift/simulate)")
        }
        return DriftSample(log: stream, schema: schema)
    }
}
