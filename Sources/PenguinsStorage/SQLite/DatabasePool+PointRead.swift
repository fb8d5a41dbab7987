import Dispatch
import GRDB
import PenguinsCore

extension DatabasePool {
    /// Runs a short read on the calling thread. For point lookups, which take microseconds:
    /// less than suspending, hopping to another thread and resuming (about 0.1 ms here). It may
    /// wait for a free reader connection, but every read gives its connection back on the
    /// thread that took it (this one, or one of ``readInBackground(_:)``), so the wait ends.
    func readOnCallingThread<T>(_ value: (Database) throws -> T) throws -> T {
        try read(value)
    }

    /// Runs a read on a thread of ``SQLiteReads/queue``, not on the caller's, and resumes the
    /// caller with its result.
    ///
    /// Every async read of the SQLite stores goes through here rather than GRDB's own async
    /// `read`. That one can wait for a free reader connection by blocking the thread it runs on,
    /// while the reads holding the connections give them back only once their own tasks resume.
    /// When the server's event loops (which are also Swift's global executor here) all wait so,
    /// no task can resume and the process hangs: 64 concurrent requests on a dataset's rows did
    /// it within seconds. A synchronous read gives its connection back on the thread that took
    /// it, so readers waiting here only queue.
    func readInBackground<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            SQLiteReads.queue.async {
                continuation.resume(with: Result { try self.read(value) })
            }
        }
    }

    /// ``readInBackground(_:)`` on a thread of low priority (``BackgroundThreads``): for a read of
    /// a whole table for an analysis, so that serving keeps the cores it needs while it runs.
    func readAtLowPriority<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await BackgroundThreads.shared.run { try self.read(value) }
    }
}

/// Where the SQLite stores' reads run (see ``GRDB/DatabasePool/readInBackground(_:)``).
enum SQLiteReads {
    /// A concurrent queue of its own: its threads may block waiting for a reader connection
    /// without holding up the event loops.
    static let queue = DispatchQueue(label: "penguins.sqlite.reads", qos: .userInitiated, attributes: .concurrent)
}
