import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// What a warehouse tells an analysis kept at a data version: its columns with their version,
/// then the records inserted since, and those updated with their values then and now; what each
/// upsert changed. `keepsLog`: whether the store keeps an insertion log (else it may only say
/// that nothing changed). `provider` must hold no tables of `otters`.
func checkInsertionsContract(_ provider: some DatasetTablesProvider, keepsLog: Bool) async throws {
    let warehouse = try await provider.warehouse(for: otterSchema())
    let all = [0, 1, 2]
    /// Every record's columns in one chunk, with the version they are of.
    func whole() async throws -> (version: Int64, records: RecordColumns) {
        let read = try #require(try await warehouse.foldColumns(featureIndices: all, chunk: .max, into: RecordColumns(features: [[], [], []])) {
            records, chunk in
            records.append(contentsOf: chunk)
            return true
        })
        return (read.version, read.state)
    }
    let empty = try await whole()
    #expect(empty.records.count == 0)
    #expect(empty.version == (try await warehouse.dataVersion()))
    #expect(try await warehouse.changes(after: empty.version, featureIndices: all, limit: 1_000)?.isEmpty == true, "nothing changed")

    // New records: exactly those, at the version they made. Each upsert tells the version it
    // made, one past the one before, and that it inserted every record (the last of an id).
    let first = try await warehouse.upsert([
        otter("o1", kind: 0, site: 0, length: 90, coat: 0), otter("o1", kind: 0, site: 0, length: 95.5, coat: 1),
        otter("o2", kind: 1, site: 1, length: nil, coat: nil),
    ])
    #expect(first == UpsertOutcome(version: empty.version + 1, change: .insertedAll, records: 2))
    let second = try await warehouse.upsert([otter("o3", kind: 0, site: 1, length: 60, coat: 0)])
    #expect(second == UpsertOutcome(version: empty.version + 2, change: .insertedAll, records: 1))
    #expect(try await warehouse.upsert([]) == UpsertOutcome(version: second.version, change: .none, records: 0), "no records: no write")
    let afterInsertions = try await warehouse.dataVersion()
    #expect(afterInsertions == second.version)
    if let inserted = try await warehouse.changes(after: empty.version, featureIndices: all, limit: 1_000) {
        #expect(inserted.version == afterInsertions)
        #expect(inserted.inserted.ids.sorted() == ["o1", "o2", "o3"])
        #expect(inserted.previous.count == 0 && inserted.current.count == 0)
        let o2 = try #require(inserted.inserted.ids.firstIndex(of: "o2"))
        #expect(inserted.inserted.targetClasses[o2] == 1)
        #expect(inserted.inserted.features[0][o2] == 1 && inserted.inserted.features[1][o2].isNaN && inserted.inserted.features[2][o2].isNaN)
    } else {
        #expect(!keepsLog, "a store with an insertion log names the records it inserted")
    }
    let versioned = try await whole()
    #expect(versioned.version == afterInsertions)
    let columns = try await warehouse.columns(featureIndices: all)
    #expect(versioned.records.ids == columns.ids && versioned.records.targetClasses == columns.targetClasses)
    #expect(zip(versioned.records.features, columns.features).allSatisfy { zip($0, $1).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) } })

    // Folded a chunk at a time: the same records, in the same order, in chunks of at most two;
    // a fold that answers false stops the read.
    let folded = try #require(try await warehouse.foldColumns(featureIndices: all, chunk: 2, into: [[String]]()) { chunks, records in
        chunks.append(records.ids)
        return true
    })
    #expect(folded.version == afterInsertions)
    #expect(folded.state == [Array(columns.ids.prefix(2)), Array(columns.ids.dropFirst(2))])
    let stopped = try await warehouse.foldColumns(featureIndices: all, chunk: 1, into: 0) { count, _ in
        count += 1
        return count < 2
    }
    #expect(stopped == nil)

    // Writing the same records again, or batch predictions, inserts nothing.
    #expect(try await warehouse.upsert([otter("o3", kind: 0, site: 1, length: 60, coat: 0)]) == UpsertOutcome(version: afterInsertions + 1, change: .none, records: 1))
    let prediction = RecordPrediction(predictedClass: 0, probabilities: [1, 0], modelVersion: 1, predictedAt: Date())
    #expect(try await warehouse.writePredictions([("o1", prediction, [0, 95.5, 1])], featureIndices: all) == 1)
    let unchanged = try await warehouse.changes(after: afterInsertions, featureIndices: all, limit: 1_000)
    if keepsLog {
        #expect(unchanged?.isEmpty == true)
        #expect(unchanged?.version == (try await warehouse.dataVersion()))
    }

    // An update: the upsert names the values it replaced, and so do the changes since.
    let beforeUpdate = try await warehouse.dataVersion()
    let update = try await warehouse.upsert([otter("o1", kind: 0, site: 0, length: 96, coat: 1)])
    #expect(update.version == beforeUpdate + 1 && update.change == .other && update.records == 1)
    #expect(update.changes?.inserted == [])
    #expect(update.changes?.previous == RecordColumns(ids: ["o1"], targetClasses: [0], features: [[0], [95.5], [1]]))
    if keepsLog {
        let changed = try #require(try await warehouse.changes(after: beforeUpdate, featureIndices: [1], limit: 1_000))
        #expect(changed.version == update.version)
        #expect(changed.inserted.count == 0)
        #expect(changed.previous == RecordColumns(ids: ["o1"], targetClasses: [0], features: [[95.5]]))
        #expect(changed.current == RecordColumns(ids: ["o1"], targetClasses: [0], features: [[96]]))
    }

    // One upsert that updates a record, moves one to another partition, inserts one and leaves
    // one as it is: each told apart. A record updated again later has its values at the start.
    let beforeMixed = try await warehouse.dataVersion()
    let mixed = try await warehouse.upsert([
        otter("o1", kind: 1, site: 0, length: 97, coat: 1), otter("o2", kind: 1, site: 0, length: nil, coat: nil),
        otter("o4", kind: 1, site: 0, length: 70, coat: 0), otter("o3", kind: 0, site: 1, length: 60, coat: 0),
    ])
    #expect(mixed.version == beforeMixed + 1 && mixed.change == .other && mixed.records == 4)
    #expect(mixed.changes?.inserted == ["o4"])
    let replaced = try #require(mixed.changes?.previous)
    #expect(replaced.ids.sorted() == ["o1", "o2"])
    let o2Before = try #require(replaced.ids.firstIndex(of: "o2"))
    #expect(replaced.features[0][o2Before] == 1 && replaced.targetClasses[o2Before] == 1, "o2 was in the second partition")
    try await warehouse.upsert([otter("o1", kind: 1, site: 0, length: 98, coat: 1)])
    if keepsLog {
        let changed = try #require(try await warehouse.changes(after: beforeMixed, featureIndices: all, limit: 1_000))
        #expect(changed.version == (try await warehouse.dataVersion()))
        #expect(changed.inserted == RecordColumns(ids: ["o4"], targetClasses: [1], features: [[0], [70], [0]]))
        let o1 = try #require(changed.previous.ids.firstIndex(of: "o1"))
        #expect(changed.previous.ids.count == 2 && changed.current.ids == changed.previous.ids)
        #expect(changed.previous.features[1][o1] == 96 && changed.previous.targetClasses[o1] == 0, "o1 as it was at the start")
        #expect(changed.current.features[1][o1] == 98 && changed.current.targetClasses[o1] == 1)
        let o2 = try #require(changed.previous.ids.firstIndex(of: "o2"))
        #expect(changed.previous.features[0][o2] == 1 && changed.current.features[0][o2] == 0)
        // More changed records than asked for: read them all instead.
        #expect(try await warehouse.changes(after: beforeMixed, featureIndices: all, limit: 2) == nil, "o4 inserted, o1 updated twice, o2 moved")
        #expect(try await warehouse.changes(after: beforeMixed, featureIndices: all, limit: 4) != nil, "four records to read: o1's values counted twice")
        #expect(try await warehouse.changes(after: beforeMixed, featureIndices: all, limit: 3) == nil)
        // From before the first update: o1's values then.
        let sinceUpdate = try #require(try await warehouse.changes(after: beforeUpdate, featureIndices: [1], limit: 1_000))
        #expect(sinceUpdate.previous.features[0][try #require(sinceUpdate.previous.ids.firstIndex(of: "o1"))] == 95.5)
    }

    // New records beside records stored as they are: the new ones alone are inserted.
    let beforeLast = try await warehouse.dataVersion()
    let last = try await warehouse.upsert([otter("o3", kind: 0, site: 1, length: 60, coat: 0), otter("o5", kind: 1, site: 0, length: 71, coat: 0)])
    #expect(last.change == .other && last.changes == UpsertChanges(inserted: ["o5"], previous: RecordColumns(features: [[], [], []])))
    if keepsLog {
        let changed = try await warehouse.changes(after: beforeLast, featureIndices: all, limit: 1_000)
        #expect(changed?.inserted.ids == ["o5"] && changed?.previous.count == 0)
    }
    #expect(try await warehouse.count() == 5)
}

/// A store's insertion log remembers the last 256 upserts: a reader further behind is told to
/// read everything again, one within them gets what was inserted and updated since.
func checkInsertionLogIsBounded(_ provider: some DatasetTablesProvider) async throws {
    let warehouse = try await provider.warehouse(for: otterSchema())
    let start = try await warehouse.dataVersion()
    var versions: [Int64] = []
    for index in 0..<260 {
        // Each upsert inserts a record and updates the first one.
        let first = otter("o0", kind: 0, site: 0, length: 100 + Double(index), coat: 0)
        try await warehouse.upsert([first, otter("o\(index + 1)", kind: index % 2, site: index % 2, length: Double(index % 50) + 20, coat: 0)])
        versions.append(try await warehouse.dataVersion())
    }
    #expect(try await warehouse.changes(after: start, featureIndices: [0, 1, 2], limit: 1_000) == nil)
    #expect(try await warehouse.changes(after: versions[2], featureIndices: [0, 1, 2], limit: 1_000) == nil)
    let recent = try #require(try await warehouse.changes(after: versions[4], featureIndices: [0, 1, 2], limit: 1_000))
    #expect(recent.inserted.ids.sorted() == (6...260).map { "o\($0)" }.sorted())
    #expect(recent.previous == RecordColumns(ids: ["o0"], targetClasses: [0], features: [[0], [104], [0]]), "o0 as it was at versions[4]")
    #expect(recent.current == RecordColumns(ids: ["o0"], targetClasses: [0], features: [[0], [359], [0]]))
    #expect(recent.version == versions.last)
}
