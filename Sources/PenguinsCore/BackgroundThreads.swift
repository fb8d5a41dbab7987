import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads of low scheduling priority for bulk work that no request waits on alone: an
/// analysis reading a whole warehouse into the aggregates it keeps. On a busy machine the
/// kernel gives them what the serving threads leave, so predictions keep their throughput while
/// such a read runs; on an idle one they run at full speed.
///
/// The threads are made once and kept (a thread's priority, once lowered, cannot be raised
/// again without privileges), and work run on them knows it (``isCurrent``) so that it does not
/// fan out to threads of normal priority.
public final class BackgroundThreads: @unchecked Sendable {
    /// The threads shared by the process: one per core.
    public static let shared = BackgroundThreads(count: ProcessInfo.processInfo.activeProcessorCount)
    /// The niceness the threads take (0 is normal, 19 the lowest priority).
    public static let niceness: Int32 = 19
    private static let marker = "penguins.background"

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    private init(count: Int) {
        for index in 0..<max(1, count) {
            let thread = Thread { [self] in work() }
            thread.name = "penguins-background-\(index)"
            thread.start()
        }
    }

    /// Whether the caller runs on one of these threads.
    public static var isCurrent: Bool { Thread.current.threadDictionary[marker] != nil }

    /// Runs `body` on one of the threads and answers what it returns.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(with: Result { try body() }) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Lowers the calling thread's priority to the threads' and marks it as one of them
    /// (``isCurrent``): for a thread made for one piece of bulk work (``ChunkFolder``).
    static func lowerCurrentThread() {
        Thread.current.threadDictionary[marker] = true
        #if canImport(Glibc)
        // On Linux the niceness is the thread's own: `who` 0 names the calling thread alone.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        #endif
    }

    private func work() {
        Self.lowerCurrentThread()
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
