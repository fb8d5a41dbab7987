import Foundation
@testable import PenguinsStorage
import PenguinsTestSupport
import Synchronization
import Testing

/// An operation that ignores cancellation: it stays suspended until released.
private final class Stubborn: Sendable {
    private let state = Mutex<(released: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))
    private let ended = Atomic<Bool>(false)

    /// True once ``run()`` has returned.
    var finished: Bool { ended.load(ordering: .relaxed) }

    func release() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.released = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    func run() async -> Int {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.released { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        ended.store(true, ordering: .relaxed)
        return 1
    }
}

struct DeadlineTests {
    @Test func anOperationThatIgnoresCancellationStillEndsItsCallerAtTheBound() async throws {
        let stubborn = Stubborn()
        defer { stubborn.release() }
        await #expect(throws: DeadlineExceeded.self) {
            _ = try await withDeadline(.milliseconds(200)) { await stubborn.run() }
        }
        // The caller has its answer while the operation still runs: it was not waited for.
        #expect(!stubborn.finished)
    }

    @Test func theFirstOutcomeWins() async throws {
        #expect(try await withDeadline(.seconds(30)) { 42 } == 42)
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await withDeadline(.seconds(30)) { () async throws -> Int in throw Refused() } }
        // A watchdog that throws ends the call with its error; one that returns changes nothing.
        let stubborn = Stubborn()
        defer { stubborn.release() }
        await #expect(throws: Refused.self) {
            _ = try await withDeadline(.seconds(30), watchdog: { throw Refused() }) { await stubborn.run() }
        }
        #expect(try await withDeadline(.seconds(30), watchdog: {}) { 7 } == 7)
    }

    @Test func theCallersCancellationEndsTheCall() async throws {
        let stubborn = Stubborn()
        defer { stubborn.release() }
        let call = Task { try await withDeadline(.seconds(30)) { await stubborn.run() } }
        try await Task.sleep(for: .milliseconds(50))
        call.cancel()
        await #expect(throws: CancellationError.self) { _ = try await call.value }
        #expect(!stubborn.finished)
    }
}

/// The server check of slow pool operations against a real PostgreSQL server.
@Suite(TestService.postgres.gate())
struct PostgresServerWatchTests {
    /// With the check due at once, it is often still connecting when a quick operation ends and
    /// cancels it: a cancelled check says nothing about the server, so the next operations still run.
    @Test func aCheckCancelledByTheOperationsEndDoesNotMarkTheServerDown() async throws {
        let location = try #require(TestServers.postgres)
        let store = try PostgresStore(location: location, slowOperationCheck: .milliseconds(1))
        defer { Task { await store.shutdown() } }
        for _ in 0..<200 {
            let one = try await store.run(.lake) { client -> Int in
                var value = 0
                for try await number in try await client.query("SELECT 1").decode(Int.self) { value = number }
                return value
            }
            #expect(one == 1)
        }
    }
}
