import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// What a warehouse tells an analysis kept at a data version: its columns with their version,
/// then the records inserted since. `keepsLog`: whether the store keeps an insertion log (else
/// it may only say that nothing changed). `provider` must hold no tables of `otters`.
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
    #expect(try await warehouse.insertions(after: empty.version, featureIndices: all)?.records.count == 0, "nothing changed")

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
    if let inserted = try await warehouse.insertions(after: empty.version, featureIndices: all) {
        #expect(inserted.version == afterInsertions)
        #expect(inserted.records.ids.sorted() == ["o1", "o2", "o3"])
        let o2 = try #require(inserted.records.ids.firstIndex(of: "o2"))
        #expect(inserted.records.targetClasses[o2] == 1)
        #expect(inserted.records.features[0][o2] == 1 && inserted.records.features[1][o2].isNaN && inserted.records.features[2][o2].isNaN)
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
    let unchanged = try await warehouse.insertions(after: afterInsertions, featureIndices: all)
    if keepsLog {
        #expect(unchanged?.records.count == 0)
        #expect(unchanged?.version == (try await warehouse.dataVersion()))
    }

    // An update of a stored record cannot be told record by record: the old values are gone.
    let beforeUpdate = try await warehouse.dataVersion()
    #expect(try await warehouse.upsert([otter("o1", kind: 0, site: 0, length: 96, coat: 1)]) == UpsertOutcome(version: beforeUpdate + 1, change: .other, records: 1))
    #expect(try await warehouse.insertions(after: beforeUpdate, featureIndices: all) == nil)
    // Nor, on some stores, a batch that both inserts and leaves a record as it was; those that
    // tell name the inserted one alone.
    let beforeMixed = try await warehouse.dataVersion()
    let mixedOutcome = try await warehouse.upsert([otter("o3", kind: 0, site: 1, length: 60, coat: 0), otter("o4", kind: 1, site: 0, length: 70, coat: 0)])
    #expect(mixedOutcome == UpsertOutcome(version: beforeMixed + 1, change: .other, records: 2), "one record inserted, one unchanged")
    if let mixed = try await warehouse.insertions(after: beforeMixed, featureIndices: all) {
        #expect(mixed.records.ids == ["o4"])
    }
    // Later insertions are known again from then on.
    let beforeLast = try await warehouse.dataVersion()
    try await warehouse.upsert([otter("o5", kind: 1, site: 0, length: 71, coat: 0)])
    if keepsLog {
        #expect(try await warehouse.insertions(after: beforeLast, featureIndices: all)?.records.ids == ["o5"])
    }
}

/// A store's insertion log remembers the last 256 upserts: a reader further behind is told to
/// read everything again, one within them gets what was inserted since.
func checkInsertionLogIsBounded(_ provider: some DatasetTablesProvider) async throws {
    let warehouse = try await provider.warehouse(for: otterSchema())
    let start = try await warehouse.dataVersion()
    var versions: [Int64] = []
    for index in 0..<260 {
        try await warehouse.upsert([otter("o\(index)", kind: index % 2, site: index % 2, length: Double(index % 50) + 20, coat: 0)])
        versions.append(try await warehouse.dataVersion())
    }
    #expect(try await warehouse.insertions(after: start, featureIndices: [0, 1, 2]) == nil)
    #expect(try await warehouse.insertions(after: versions[2], featureIndices: [0, 1, 2]) == nil)
    let recent = try #require(try await warehouse.insertions(after: versions[4], featureIndices: [0, 1, 2]))
    #expect(recent.records.ids.sorted() == (5..<260).map { "o\($0)" }.sorted())
    #expect(recent.version == versions.last)
}
