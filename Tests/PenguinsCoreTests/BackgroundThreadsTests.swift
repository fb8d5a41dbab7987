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

@Suite("Chunks folded beside their read")
struct ChunkFolderTests {
    @Test("every chunk is folded once, in the order handed over, on a thread of low priority")
    func foldsInOrder() {
        let folder = ChunkFolder<[Int], Int>(into: []) { seen, chunk in
            #if canImport(Glibc)
            guard getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == BackgroundThreads.niceness else { return false }
            #endif
            seen.append(chunk)
            return BackgroundThreads.isCurrent
        }
        for chunk in 0..<1_000 { #expect(folder.offer(chunk)) }
        #expect(folder.finish() == Array(0..<1_000))
    }

    @Test("a fold that stops makes the result nil and turns further chunks away")
    func stops() {
        let folder = ChunkFolder<Int, Int>(into: 0) { total, chunk in
            total += chunk
            return chunk < 3
        }
        var offered = 0
        while offered < 1_000, folder.offer(offered) { offered += 1 }
        #expect(offered < 1_000, "the reader is told to stop")
        #expect(folder.finish() == nil)
    }

    @Test("finishing without a chunk answers the initial state")
    func nothingToFold() {
        #expect(ChunkFolder<Int, Int>(into: 7) { _, _ in true }.finish() == 7)
    }
}
