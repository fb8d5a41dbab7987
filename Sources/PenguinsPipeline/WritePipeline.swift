import PenguinsStorage

/// A batch of an ingestion, made ready for its writes.
protocol IngestBatch: Sendable {
    /// Rows read.
    var read: Int { get }
    /// Rows stored.
    var stored: Int { get }
    /// Stored rows that lack a feature the models need.
    var notUsable: Int { get }
    /// Rows refused, for the quarantine.
    var rejected: [QuarantinedRow] { get }
}

extension IngestReport {
    /// Counts a written batch; its refused lines join `badLines`.
    mutating func add(_ batch: some IngestBatch, badLines: inout Set<Int>) {
        read += batch.read
        stored += batch.stored
        quarantined += batch.rejected.count
        notUsableForTraining += batch.notUsable
        badLines.formUnion(batch.rejected.map(\.line))
    }
}

/// The writes of an ingestion, batch after batch: each batch's lake write queues behind the
/// previous batch's lake write and its warehouse write behind the previous warehouse write, so
/// each store writes in file order (the last row of an id wins) while a store's writer never
/// waits for the other store, for the next batch's preparation, nor for the report between
/// batches. At most two batches are in flight.
struct WritePipeline<Batch: IngestBatch> {
    let lake: @Sendable (Batch) async throws -> Void
    let warehouse: @Sendable (Batch) async throws -> Void
    let quarantine: any Quarantine

    /// Writes every batch `next` gives until it gives nil, preparing (calling `next`) the
    /// following batch while the current one is written; `written` gets each batch, in file
    /// order, once it is stored. On a failure, the writes already queued end before it is
    /// rethrown: the batches read before a broken line are stored.
    func run(next: @escaping @Sendable () async throws -> Batch?, written: (Batch) async -> Void) async throws {
        var lakeWrites: Task<Void, any Error>?
        var warehouseWrites: Task<Void, any Error>?
        var inFlight: [(batch: Batch, stored: Task<Void, any Error>)] = []
        do {
            var prepared = try await next()
            while let batch = prepared {
                async let following = next()
                let (lake, warehouse, quarantine) = (self.lake, self.warehouse, self.quarantine)
                let (lakeBefore, warehouseBefore) = (lakeWrites, warehouseWrites)
                let lakeWrite = Task { try await lakeBefore?.value; try await lake(batch) }
                let warehouseWrite = Task { try await warehouseBefore?.value; try await warehouse(batch) }
                (lakeWrites, warehouseWrites) = (lakeWrite, warehouseWrite)
                inFlight.append((batch, Task {
                    try await lakeWrite.value
                    try await warehouseWrite.value
                    if !batch.rejected.isEmpty { try await quarantine.append(batch.rejected) }
                }))
                // This batch's writes are queued; now wait for the one before.
                if inFlight.count > 1 {
                    let oldest = inFlight.removeFirst()
                    try await oldest.stored.value
                    await written(oldest.batch)
                }
                prepared = try await following
            }
            for (batch, stored) in inFlight {
                try await stored.value
                await written(batch)
            }
        } catch {
            for (_, stored) in inFlight { _ = try? await stored.value }
            throw error
        }
    }
}
