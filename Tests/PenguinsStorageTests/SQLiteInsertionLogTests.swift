import Foundation
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
}
