import Foundation
import GRDB
@testable import PenguinsStorage
import Testing

/// The write-ahead log is copied into the database file while the writer goes on (by the
/// checkpointer's own connection, or by the writer once the log reaches its limit), and what
/// is left of it when the store closes is copied and the log removed.
@Suite struct WALCheckpointerTests {
    /// A pool on `directory`'s `test.sqlite` in WAL mode whose writer hands its checkpoints to `checkpointer`.
    private func pool(in directory: URL, checkpointer: WALCheckpointer) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            if !db.configuration.readonly { checkpointer.install(on: db) }
        }
        return try DatabasePool(path: directory.appendingPathComponent("test.sqlite").path, configuration: configuration)
    }

    /// Writes `transactions` transactions of 20 rows of 2 KB each (ten 4 KiB pages or more apiece).
    private func write(_ pool: DatabasePool, transactions: Int) throws {
        try pool.write { db in try db.execute(sql: "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, text TEXT)") }
        let text = String(repeating: "x", count: 2_000)
        for _ in 0..<transactions {
            try pool.write { db in
                for _ in 0..<20 { try db.execute(sql: "INSERT INTO rows (text) VALUES (?)", arguments: [text]) }
            }
        }
    }

    private func size(_ url: URL) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0
    }

    /// Waits up to five seconds for `condition`.
    private func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    @Test func theCheckpointerCopiesTheLogWhileTheWriterGoesOn() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let database = directory.url.appendingPathComponent("test.sqlite")
        // The writer would checkpoint only at a million pages: what reaches the file is the checkpointer's.
        let checkpointer = WALCheckpointer(path: database.path, thresholdPages: 64, limitPages: 1_000_000)
        var pool: DatabasePool? = try pool(in: directory.url, checkpointer: checkpointer)
        let before = size(database)
        try write(pool!, transactions: 40)  // about 400 pages
        #expect(try await eventually { size(database) > before + 64 * 4096 }, "the log reached the database file: \(size(database)) bytes")

        checkpointer.close()
        pool = nil
        #expect(!FileManager.default.fileExists(atPath: database.path + "-wal"), "the last connection to close removes the log")
        let rows = try await DatabaseQueue(path: database.path).read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM rows") }
        #expect(rows == 800)
    }

    @Test func theWriterCheckpointsItselfAtTheLimit() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let database = directory.url.appendingPathComponent("test.sqlite")
        // No checkpoint is ever asked for; the writer copies the log once it holds 100 pages.
        let checkpointer = WALCheckpointer(path: database.path, thresholdPages: 1_000_000, limitPages: 100)
        let pool = try pool(in: directory.url, checkpointer: checkpointer)
        let before = size(database)
        try write(pool, transactions: 40)
        #expect(size(database) > before + 100 * 4096, "the writer copied the log into the file: \(size(database)) bytes")
        // A log of 100-odd pages is reused from its start once copied, so it stays about that size.
        #expect(size(URL(fileURLWithPath: database.path + "-wal")) < 300 * 4096)
        checkpointer.close()
    }
}
