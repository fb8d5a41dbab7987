import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log of a SQLite database back into the database file on a connection
/// and a thread of its own, so that the writer does not stop to do it.
///
/// SQLite's own automatic checkpoint runs on the writing connection right after the commit that
/// takes the log past its threshold: the writer then copies the log's pages into the database
/// file before it can begin its next transaction, which is about a fifth of a bulk ingestion's
/// time. Here the writer's commit hook (``install(on:)``) only asks for a checkpoint, which a
/// second connection runs in `PASSIVE` mode (it waits for no reader nor writer, and SQLite lets
/// it run while the writer appends). Should the log still grow to ``limitPages`` (a checkpoint
/// held back by a long read), the writer checkpoints it itself, as SQLite would, so the log stays
/// bounded.
final class WALCheckpointer: Sendable {
    /// The log's size, in pages, past which a checkpoint is asked for (with the 16 KiB pages of
    /// ``SQLiteStore``, 128 MiB, where SQLite's automatic checkpoint was set).
    let thresholdPages: Int32
    /// The log's size past which the writer checkpoints it itself.
    let limitPages: Int32

    private let path: String
    /// The connection checkpoints run on, opened on first use; nil when it cannot be opened
    /// (the writer then checkpoints at ``limitPages``).
    private let connection = Mutex<DatabaseQueue?>(nil)
    /// Whether a checkpoint is asked for and not yet done.
    private let pending = Atomic<Bool>(false)
    private let queue = DispatchQueue(label: "penguins.sqlite.checkpoint", qos: .utility)

    /// A checkpointer of the database file at `path`, asked for a checkpoint once the log holds
    /// `thresholdPages` pages; at `limitPages` the writer checkpoints itself.
    init(path: String, thresholdPages: Int32 = 8_192, limitPages: Int32 = 32_768) {
        self.path = path
        self.thresholdPages = thresholdPages
        self.limitPages = limitPages
    }

    /// Makes `db`, a writing connection, ask this checkpointer for its checkpoints instead of
    /// running them itself (it replaces SQLite's automatic checkpoint on that connection).
    /// The checkpointer must outlive the connection.
    func install(on db: Database) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, _, pages in
            guard let context else { return SQLITE_OK }
            let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
            if pages >= checkpointer.limitPages {
                sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else if pages >= checkpointer.thresholdPages {
                checkpointer.request()
            }
            return SQLITE_OK
        }, context)
    }

    /// Runs one passive checkpoint on the checkpointer's connection, unless one is already asked for.
    private func request() {
        guard pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.async { [self] in
            pending.store(false, ordering: .releasing)
            try? checkpointConnection()?.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
        }
    }

    /// Waits for the checkpoint under way, if any, and closes the checkpointer's connection,
    /// so that the store's own connections are the last ones and the last of them to close
    /// copies what is left of the log into the database and removes it, as SQLite does.
    func close() {
        queue.sync {}
        connection.withLock { $0 = nil }
    }

    private func checkpointConnection() -> DatabaseQueue? {
        connection.withLock { queue in
            if queue == nil { queue = try? DatabaseQueue(path: path) }
            return queue
        }
    }
}
