import Foundation
import PenguinsCore
import Testing
@testable import PenguinsStorage

/// The insertion log's ids and the upsert's reading of what it inserted, on their own.
@Suite struct SQLiteInsertionLogTests {
    @Test func idsAreWrittenAsAJSONArrayOfExactlyThem() throws {
        for ids in [[], ["o1"], ["o1", "o2"], ["a \"quoted\" id", "back\\slash", "tab\there"]] {
            let text = SQLiteInsertionLog.jsonArray(ids)
            #expect(try JSONDecoder().decode([String].self, from: Data(text.utf8)) == ids, "\(text)")
        }
        #expect(SQLiteInsertionLog.jsonArray([]) == "[]")
    }

    @Test func theRowsWrittenAndUpdatedTellTheInsertedIDsWhenTheyCan() {
        let updated = RecordColumns(ids: ["b"], targetClasses: [0], features: [[1]])
        let none = RecordColumns(features: [[]])
        #expect(SQLiteRecordWarehouse.insertedIDs(["a", "b", "c"], written: 3, updated: updated) == ["a", "c"])
        #expect(SQLiteRecordWarehouse.insertedIDs(["a", "b", "c"], written: 1, updated: updated) == [], "only the update was written")
        #expect(SQLiteRecordWarehouse.insertedIDs(["a", "b"], written: 2, updated: none) == ["a", "b"])
        #expect(SQLiteRecordWarehouse.insertedIDs(["a", "b", "c"], written: 2, updated: updated) == nil, "a or c is new, the other as it was")
    }

    @Test func aRecordUpdatedAndRemovedByHandCannotBeFollowed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = try SQLiteStore(directory: directory.url)
        let warehouse = try await store.warehouse(for: otterSchema())
        try await warehouse.upsert([otter("o1", kind: 0, site: 0, length: 90, coat: 0), otter("o2", kind: 1, site: 1, length: 70, coat: 1)])
        let version = try await warehouse.dataVersion()
        try await warehouse.upsert([otter("o1", kind: 0, site: 0, length: 91, coat: 0)])
        #expect(try await warehouse.changes(after: version, featureIndices: [1], limit: 10)?.current.ids == ["o1"])
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM ds_otters_warehouse WHERE otter_id = 'o1'") }
        #expect(try await warehouse.changes(after: version, featureIndices: [1], limit: 10) == nil, "read every record instead")
    }
}
