import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// What a warehouse keeps of the aggregates saved in it: the body of each name with the data
/// version it is of, never replaced by one of an earlier version. `saves`: whether the store
/// keeps them (else it has none). `provider` must hold no tables of `otters`.
func checkSavedAggregatesContract(_ provider: some DatasetTablesProvider, saves: Bool) async throws {
    let warehouse = try await provider.warehouse(for: otterSchema())
    #expect(try await warehouse.savedAggregate(named: "counts") == nil)
    // Every byte survives.
    let bytes = Data((0...255).map(UInt8.init) + Array("{\"rows\": 3}".utf8))
    try await warehouse.saveAggregate(bytes, named: "counts", version: 3)
    guard saves else {
        #expect(try await warehouse.savedAggregate(named: "counts") == nil)
        #expect(try await warehouse.savedAggregateVersion(named: "counts") == nil)
        return
    }
    #expect(try await warehouse.savedAggregate(named: "counts") == SavedAggregate(version: 3, body: bytes))
    #expect(try await warehouse.savedAggregateVersion(named: "counts") == 3)
    #expect(try await warehouse.savedAggregateVersion(named: "sums#seed=7") == nil)

    // A save of an earlier version (a slower process) keeps the later one; the same or a later
    // version replaces it.
    try await warehouse.saveAggregate(Data("at 2".utf8), named: "counts", version: 2)
    #expect(try await warehouse.savedAggregate(named: "counts") == SavedAggregate(version: 3, body: bytes))
    try await warehouse.saveAggregate(Data("at 5".utf8), named: "counts", version: 5)
    #expect(try await warehouse.savedAggregate(named: "counts") == SavedAggregate(version: 5, body: Data("at 5".utf8)))
    #expect(try await warehouse.savedAggregateVersion(named: "counts") == 5)

    // Names apart; another dataset's apart.
    try await warehouse.saveAggregate(Data("sums".utf8), named: "sums#seed=7", version: 4)
    #expect(try await warehouse.savedAggregate(named: "sums#seed=7") == SavedAggregate(version: 4, body: Data("sums".utf8)))
    #expect(try await warehouse.savedAggregate(named: "counts")?.version == 5)
    let other = try await provider.warehouse(for: otterSchema(name: "otters_b"))
    #expect(try await other.savedAggregate(named: "counts") == nil)
    #expect(try await other.savedAggregateVersion(named: "counts") == nil)
}
