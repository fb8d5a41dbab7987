import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The behaviour every penguins' lake (``RecordLake`` of their schema) must show. `lake` must start empty.
func checkLakeContract(_ lake: some RecordLake) async throws {
    #expect(try await lake.count() == 0)
    #expect(try await lake.document(id: "nobody") == nil)
    #expect(try await lake.scan(after: nil, limit: 10).isEmpty)

    // A field no schema knows about is kept as it came.
    let tagged = Fixtures.penguin("p-07", otherFields: ["nest_colour": .string("blue"), "clutch": .null])
    let ids = ["p-03", "p-10", "p-01", "p-2", "p-05"]
    let penguins = ids.map { Fixtures.penguin($0, .chinstrap, .dream) } + [tagged]
    try await lake.upsert(penguins)
    try await lake.upsert([])
    #expect(try await lake.count() == 6)

    let stored = try #require(try await lake.document(id: "p-07"))
    #expect(stored.id == "p-07")
    #expect(stored.body == tagged.document)
    #expect(stored.body["nest_colour"] == .string("blue"))
    #expect(stored.body["clutch"] == .null)
    #expect(stored.body["features"]?["bill_length"] == .number(39.1))

    // Writing the same documents again changes nothing.
    try await lake.upsert(penguins)
    #expect(try await lake.count() == 6)
    #expect(try await lake.document(id: "p-07") == stored)

    // A changed document replaces the old one.
    var changed = tagged
    changed.measurements.bodyMass = 4100
    try await lake.upsert([changed])
    #expect(try await lake.count() == 6)
    #expect(try await lake.document(id: "p-07")?.body["features"]?["body_mass"] == .number(4100))

    // Within one batch, the last document of an id wins.
    var first = Fixtures.penguin("p-05", .chinstrap, .dream)
    first.year = 2008
    var last = first
    last.year = 2009
    try await lake.upsert([first, last])
    #expect(try await lake.count() == 6)
    #expect(try await lake.document(id: "p-05")?.body["year"] == .number(2009))

    // Where a document was read from comes back as its `_provenance`, and follows re-ingests.
    var traced = Fixtures.penguin("p-10", .chinstrap, .dream)
    traced.sourceLine = 12
    var sibling = Fixtures.penguin("p-2", .chinstrap, .dream)
    sibling.sourceLine = 13
    let french = Provenance(file: "relevés été.csv", dialect: CSVDialect(delimiter: .semicolon, decimalMark: .comma, encoding: .windows1252))
    try await lake.upsert([traced, sibling], from: french)
    #expect(try await lake.document(id: "p-10")?.body == traced.document(from: french))
    #expect(try await lake.document(id: "p-10")?.body["_provenance"]?["encoding"] == .string("windows-1252"))
    #expect(try await lake.document(id: "p-2")?.body["_provenance"]?["line"] == .number(13))
    let other = Provenance(file: "other.csv", dialect: .standard)
    traced.sourceLine = 40
    try await lake.upsert([traced], from: other)
    #expect(try await lake.document(id: "p-10")?.body == traced.document(from: other), "a new source replaces the old one")
    #expect(try await lake.scan(after: "p-07", limit: 1).first?.body == traced.document(from: other))
    #expect(try await lake.document(id: "p-2")?.body == sibling.document(from: french))
    try await lake.upsert([traced])
    #expect(try await lake.document(id: "p-10")?.body["_provenance"] == nil, "a batch with no file has no provenance")
    #expect(try await lake.document(id: "p-10")?.body == traced.document)
    #expect(try await lake.count() == 6)

    // Scans come in id order and page without gaps or repeats.
    let expectedOrder = ["p-01", "p-03", "p-05", "p-07", "p-10", "p-2"]
    var scanned: [String] = []
    var cursor: String?
    while true {
        let page = try await lake.scan(after: cursor, limit: 4)
        #expect(page.count <= 4)
        guard let last = page.last else { break }
        scanned += page.map(\.id)
        cursor = last.id
    }
    #expect(scanned == expectedOrder)
    #expect(try await lake.scan(after: "p-05", limit: 2).map(\.id) == ["p-07", "p-10"])
    #expect(try await lake.scan(after: "p-2", limit: 2).isEmpty)
    #expect(try await lake.scan(after: nil, limit: 0).isEmpty)
    #expect(try await lake.scan(after: nil, limit: 100).map { $0.body["penguin_id"]?.stringValue } == expectedOrder)
}
