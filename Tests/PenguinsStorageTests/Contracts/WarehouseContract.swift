import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The behaviour the penguins' warehouse (``PenguinWarehouseView``) must show over every backend. `warehouse` must start empty.
func checkWarehouseContract(_ warehouse: some PenguinWarehouseView) async throws {
    #expect(try await warehouse.count() == 0)
    #expect(try await warehouse.row(id: "nobody") == nil)
    #expect(try await warehouse.recordWarehouse.summariesByPartition().isEmpty)

    let penguins = [
        Fixtures.penguin("b-3", .gentoo, .biscoe),
        Fixtures.penguin("b-1", .gentoo, .biscoe),
        Fixtures.penguin("b-2", .adelie, .biscoe, otherFields: ["comments": .string("not kept")]),
        Fixtures.penguin("b-9", .adelie, .biscoe, billLength: nil, sex: nil),
        Fixtures.penguin("d-1", .chinstrap, .dream),
        Fixtures.penguin("t-1", .adelie, .torgersen),
    ]
    try await warehouse.upsert(penguins)
    try await warehouse.upsert(penguins)
    #expect(try await warehouse.count() == 6)

    // Only the warehouse columns come back.
    let row = try #require(try await warehouse.row(id: "b-2"))
    var expected = penguins[2]
    expected.otherFields = [:]
    #expect(row == WarehouseRow(penguin: expected, prediction: nil))
    #expect(try await warehouse.row(id: "b-9")?.penguin.measurements.billLength == nil)
    #expect(try await warehouse.row(id: "b-9")?.penguin.sex == nil)

    // Island scans: by id, paged by cursor, other islands excluded.
    #expect(try await warehouse.scan(island: .biscoe, after: nil, limit: 10).map(\.penguin.id) == ["b-1", "b-2", "b-3", "b-9"])
    var scanned: [String] = []
    var cursor: WarehouseCursor?
    while true {
        let page = try await warehouse.scan(island: .biscoe, after: cursor, limit: 3)
        #expect(page.count <= 3)
        guard let last = page.last else { break }
        scanned += page.map(\.penguin.id)
        cursor = WarehouseCursor(species: last.penguin.species, penguinID: last.penguin.id)
    }
    #expect(scanned == ["b-1", "b-2", "b-3", "b-9"])
    #expect(try await warehouse.scan(
        island: .biscoe, after: WarehouseCursor(species: .adelie, penguinID: "b-2"), limit: 10
    ).map(\.penguin.id) == ["b-3", "b-9"])
    #expect(try await warehouse.scan(island: Island(rawValue: "Anvers"), after: nil, limit: 10).isEmpty)

    // Predictions: written by id, unknown ids ignored.
    let prediction = Fixtures.prediction(.gentoo)
    try await warehouse.writePredictions([("b-1", prediction), ("b-3", prediction), ("nobody", prediction)])
    #expect(try await warehouse.count() == 6)
    #expect(try await warehouse.row(id: "nobody") == nil)
    #expect(try await warehouse.row(id: "b-1")?.prediction == prediction)

    // An identical upsert keeps the prediction ...
    try await warehouse.upsert([penguins[1]])
    #expect(try await warehouse.row(id: "b-1")?.prediction == prediction)

    // ... a change of any feature (sex and year are features too) or of the measurements clears it.
    var resexed = penguins[1]
    resexed.sex = .female
    resexed.year = 2009
    try await warehouse.upsert([resexed])
    #expect(try await warehouse.row(id: "b-1") == WarehouseRow(penguin: resexed, prediction: nil))
    var remeasured = penguins[0]
    remeasured.measurements.bodyMass = 5200
    try await warehouse.upsert([remeasured])
    #expect(try await warehouse.row(id: "b-3") == WarehouseRow(penguin: remeasured, prediction: nil))

    // A penguin moving island (and species) moves to its new key.
    try await warehouse.writePredictions([("d-1", prediction)])
    let moved = Fixtures.penguin("d-1", .adelie, .torgersen)
    try await warehouse.upsert([moved])
    #expect(try await warehouse.count() == 6)
    #expect(try await warehouse.row(id: "d-1") == WarehouseRow(penguin: moved, prediction: nil))
    #expect(try await warehouse.scan(island: .dream, after: nil, limit: 10).isEmpty)
    #expect(try await warehouse.scan(island: .torgersen, after: nil, limit: 10).map(\.penguin.id) == ["d-1", "t-1"])

    // Within one batch, the last version of a penguin wins, wherever it moves.
    let there = Fixtures.penguin("t-1", .gentoo, .biscoe)
    let back = Fixtures.penguin("t-1", .chinstrap, .dream, year: 2009)
    try await warehouse.upsert([there, back])
    #expect(try await warehouse.count() == 6)
    #expect(try await warehouse.row(id: "t-1") == WarehouseRow(penguin: back, prediction: nil))
    #expect(try await warehouse.scan(island: .biscoe, after: nil, limit: 10).map(\.penguin.id) == ["b-1", "b-2", "b-3", "b-9"])
}

/// Paging and aggregates on a larger mixed set. `warehouse` must start empty.
func checkWarehouseBatchesAndAggregates(_ warehouse: some PenguinWarehouseView) async throws {
    let penguins = Fixtures.mixedPenguins(count: 250)
    try await warehouse.upsert(penguins)
    let scoredIDs = penguins.prefix(40).map(\.id)
    try await warehouse.writePredictions(scoredIDs.map { ($0, Fixtures.prediction(.adelie)) })

    // Every row exactly once, in (island, id) order, pages of at most 32.
    let pages = Collector<[WarehouseRow]>()
    try await warehouse.forEachBatch(batchSize: 32) { page in await pages.append(page) }
    let collected = await pages.items
    #expect(collected.count == 8)
    #expect(collected.allSatisfy { $0.count <= 32 && !$0.isEmpty })
    let visited = collected.flatMap { $0 }
    let expectedOrder = penguins.sorted { ($0.island.rawValue, $0.id) < ($1.island.rawValue, $1.id) }.map(\.id)
    #expect(visited.map(\.penguin.id) == expectedOrder)
    #expect(Set(visited.filter { $0.prediction != nil }.map(\.penguin.id)) == Set(scoredIDs))

    // An exact multiple of the batch size still visits everything once.
    let exactPages = Collector<Int>()
    try await warehouse.forEachBatch(batchSize: 50) { page in await exactPages.append(page.count) }
    #expect(await exactPages.items == [50, 50, 50, 50, 50])

    // Aggregates against sums computed here, from the input.
    let coding = PenguinRecords(schema: warehouse.recordWarehouse.schema)
    let aggregates = try await warehouse.recordWarehouse.summariesByPartition()
    #expect(aggregates.map(\.partition) == Island.known.map(\.rawValue))
    for aggregate in aggregates {
        let islandPenguins = penguins.filter { $0.island.rawValue == aggregate.partition }
        #expect(aggregate.count == islandPenguins.count)
        #expect(aggregate.usableForTraining == islandPenguins.filter { $0.measurements.billLength != nil }.count)
        #expect(aggregate.scored == islandPenguins.filter { scoredIDs.contains($0.id) }.count)
        for (index, name) in coding.schema.target.classes.enumerated() {
            let expected = islandPenguins.filter { $0.species.rawValue == name }.count
            #expect(aggregate.countByClass[index] == expected)
        }
        for (feature, index) in zip(Feature.allCases, coding.measurementIndices) {
            let values = islandPenguins.compactMap { $0.measurements[feature] }
            var sum = 0.0
            for value in values { sum += value }
            let mean = try #require(aggregate.mean(ofFeature: index))
            #expect(abs(mean - sum / Double(values.count)) < 1e-9)
        }
    }
}

/// The change log: every change of a stored row's prediction inputs, and nothing else, is
/// logged in order. `warehouse` must start empty.
func checkWarehouseChangeLog(_ warehouse: some PenguinWarehouseView) async throws {
    #expect(try await warehouse.latestChange() == 0)
    #expect(try await warehouse.changes(after: 0, limit: 10) == WarehouseChanges(ids: [], through: 0, isComplete: true))

    // New rows and identical rows are not changes of prediction inputs.
    let penguins = (1...4).map { Fixtures.penguin("p-\($0)", .adelie, .biscoe) }
    try await warehouse.upsert(penguins)
    try await warehouse.upsert(penguins)
    #expect(try await warehouse.latestChange() == 0)

    // A new measurement, a missing one, a new species and a new island are.
    var heavier = penguins[1]
    heavier.measurements.bodyMass = 5200
    var unmeasured = penguins[2]
    unmeasured.measurements.billLength = nil
    try await warehouse.upsert([heavier, unmeasured])
    let moved = Fixtures.penguin("p-4", .gentoo, .dream)
    try await warehouse.upsert([moved])
    try await warehouse.upsert([moved])
    var again = heavier
    again.measurements.bodyMass = 5300
    try await warehouse.upsert([again])

    let all = try await warehouse.changes(after: 0, limit: 10)
    #expect(all.isComplete)
    #expect(all.ids.count == 4)
    #expect(Set(all.ids.prefix(2)) == ["p-2", "p-3"])
    #expect(Array(all.ids.suffix(2)) == ["p-4", "p-2"])
    let latest = try await warehouse.latestChange()
    #expect(all.through == latest)

    // Reading on from a position, and past the limit.
    let firstTwo = try await warehouse.changes(after: 0, limit: 2)
    #expect(firstTwo.ids.count == 2)
    #expect(!firstTwo.isComplete)
    let rest = try await warehouse.changes(after: firstTwo.through, limit: 10)
    #expect(rest == WarehouseChanges(ids: ["p-4", "p-2"], through: latest, isComplete: true))
    #expect(try await warehouse.changes(after: latest, limit: 10) == WarehouseChanges(ids: [], through: latest, isComplete: true))

    // A position beyond the log (a warehouse since recreated) is incomplete.
    #expect(try await warehouse.changes(after: latest + 100, limit: 10) == WarehouseChanges(ids: [], through: latest, isComplete: false))

    // Pruning everything keeps the newest entry; a reader from before the pruned part is told.
    try await warehouse.pruneChanges(before: Date().addingTimeInterval(3_600))
    #expect(try await warehouse.latestChange() == latest)
    #expect(try await warehouse.changes(after: 0, limit: 10) == WarehouseChanges(ids: ["p-2"], through: latest, isComplete: false))
    #expect(try await warehouse.changes(after: latest - 1, limit: 10) == WarehouseChanges(ids: ["p-2"], through: latest, isComplete: true))
    // Pruning entries older than an hour ago keeps the recent ones.
    var lighter = again
    lighter.measurements.bodyMass = 4000
    try await warehouse.upsert([lighter])
    try await warehouse.pruneChanges(before: Date().addingTimeInterval(-3_600))
    #expect(try await warehouse.changes(after: latest - 1, limit: 10).ids == ["p-2", "p-2"])
}
