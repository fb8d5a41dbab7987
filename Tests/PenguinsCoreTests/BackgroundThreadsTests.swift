import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import PenguinsCore

@Suite("Threads of low priority")
struct BackgroundThreadsTests {
    @Test("work runs on a thread of lowered priority and says so; the caller's priority is unchanged")
    func workRunsAtLowPriority() async throws {
        #if canImport(Glibc)
        let before = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let (niceness, current) = try await BackgroundThreads.shared.run {
            (getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0), BackgroundThreads.isCurrent)
        }
        #expect(niceness == BackgroundThreads.niceness)
        #expect(current)
        #expect(!BackgroundThreads.isCurrent)
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == before)
        #endif
    }

    @Test("many jobs at once all run, and their errors reach their callers")
    func jobsAndErrors() async throws {
        struct Failure: Error {}
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 { group.addTask { try await BackgroundThreads.shared.run { (0...index).reduce(0, +) } } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(sums.sorted() == (0..<50).map { $0 * ($0 + 1) / 2 }.sorted())
        await #expect(throws: Failure.self) { try await BackgroundThreads.shared.run { throw Failure() } }
    }
}
