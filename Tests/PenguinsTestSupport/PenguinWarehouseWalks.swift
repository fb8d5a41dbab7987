import PenguinsCore
import PenguinsStorage

extension PenguinWarehouseView {
    /// Every row, island by island in id order, in pages of `batchSize` that run across
    /// islands: how the tests walk the penguins' warehouse.
    public func forEachBatch(batchSize: Int, _ body: ([WarehouseRow]) async throws -> Void) async throws {
        precondition(batchSize > 0, "a batch holds at least one row")
        var page: [WarehouseRow] = []
        for island in PenguinRecords(schema: recordWarehouse.schema).islands.sorted(by: { $0.rawValue < $1.rawValue }) {
            var after: WarehouseCursor?
            while true {
                let rows = try await scan(island: island, after: after, limit: batchSize)
                for row in rows {
                    page.append(row)
                    if page.count == batchSize {
                        try await body(page)
                        page.removeAll(keepingCapacity: true)
                    }
                }
                guard rows.count == batchSize, let last = rows.last else { break }
                after = WarehouseCursor(species: last.penguin.species, penguinID: last.penguin.id)
            }
        }
        if !page.isEmpty { try await body(page) }
    }

    /// Writes each prediction by penguin id, whatever the row's values now (unknown ids are
    /// ignored): how the tests score rows without a model.
    public func writePredictions(_ predictions: [(penguinID: String, prediction: Prediction)]) async throws {
        let coding = PenguinRecords(schema: recordWarehouse.schema)
        try await recordWarehouse.writePredictions(
            predictions.map { ($0.penguinID, coding.recordPrediction($0.prediction), []) }, featureIndices: [])
    }
}
