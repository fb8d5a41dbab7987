import Foundation
import PenguinsServer
import PenguinsStorage
import Synchronization
import Testing

@Suite struct CircuitBreakerTests {
    let start = ContinuousClock.now

    @Test func aClosedBreakerLetsEveryCallThrough() {
        var breaker = CircuitBreaker(retryInterval: .seconds(1))
        #expect(breaker.admit(at: start) == .call)
        #expect(breaker.admit(at: start + .seconds(10)) == .call)
        #expect(breaker.isClosed)
    }

    @Test func aFailureSkipsCallsUntilTheIntervalThenOneProbes() {
        var breaker = CircuitBreaker(retryInterval: .seconds(1), probeTimeout: .seconds(5))
        breaker.failed(at: start)
        #expect(!breaker.isClosed)
        #expect(breaker.admit(at: start + .milliseconds(999)) == .skip)
        #expect(breaker.admit(at: start + .seconds(1)) == .probe)
        // While the probe runs, the other calls are still skipped.
        #expect(breaker.admit(at: start + .milliseconds(1_100)) == .skip)
        breaker.succeeded()
        #expect(breaker.isClosed)
        #expect(breaker.consecutiveFailures == 0)
        #expect(breaker.admit(at: start + .milliseconds(1_200)) == .call)
    }

    @Test func aFailedProbeOpensAgainForAnotherInterval() {
        var breaker = CircuitBreaker(retryInterval: .seconds(1))
        breaker.failed(at: start)
        #expect(breaker.admit(at: start + .seconds(1)) == .probe)
        breaker.failed(at: start + .seconds(2))
        #expect(breaker.consecutiveFailures == 2)
        #expect(breaker.state == .open(retryAt: start + .seconds(3)))
        #expect(breaker.admit(at: start + .milliseconds(2_500)) == .skip)
        #expect(breaker.admit(at: start + .seconds(3)) == .probe)
    }

    @Test func aProbeThatNeverReportsIsReplacedAfterItsTimeout() {
        var breaker = CircuitBreaker(retryInterval: .seconds(1), probeTimeout: .seconds(4))
        breaker.failed(at: start)
        #expect(breaker.admit(at: start + .seconds(1)) == .probe)
        #expect(breaker.admit(at: start + .seconds(4)) == .skip)
        #expect(breaker.admit(at: start + .seconds(5)) == .probe)
    }
}

@Suite struct ReadinessTests {
    @Test func readyWhenTheModelIsLoadedAndEveryStoreAnswers() {
        #expect(Readiness.verdict(modelLoaded: true, failing: []) == .ready)
    }

    @Test func degradedNamesTheFailingRolesInRoleOrder() {
        #expect(Readiness.verdict(modelLoaded: true, failing: [.cache]) == .degraded(failing: [.cache]))
        #expect(Readiness.verdict(modelLoaded: true, failing: [.predictionLog, .lake, .warehouse])
            == .degraded(failing: [.lake, .warehouse, .predictionLog]))
    }

    @Test func notReadyWithoutAModelWhateverTheStoresSay() {
        #expect(Readiness.verdict(modelLoaded: false, failing: []) == .notReady)
        #expect(Readiness.verdict(modelLoaded: false, failing: StoreRole.allCases) == .notReady)
    }

    @Test func everyRoleHasAnImpactAndAnAPIName() {
        let names = StoreRole.allCases.map(\.apiName)
        #expect(names == ["lake", "warehouse", "cache", "model_registry", "prediction_log", "quarantine"])
        for role in StoreRole.allCases { #expect(!Readiness.impact(of: role).isEmpty) }
    }
}

@Suite struct StoreHealthTests {
    struct Failure: Error, CustomStringConvertible { var description: String { "connection refused" } }

    @Test func aFailureMarksTheRoleDownAndLaterCallsFailAtOnceWithoutTheStore() async throws {
        let health = StoreHealth(retryInterval: .seconds(3600))
        let calls = Atomic<Int>(0)
        await #expect(throws: StoreDown.self) {
            try await health.call(.warehouse) { calls.add(1, ordering: .relaxed); throw Failure() }
        }
        #expect(!health.isUp(.warehouse))
        #expect(health.isUp(.cache))
        #expect(health.failing.map(\.role) == [.warehouse])
        #expect(health.failing.first?.reason == "connection refused")
        do {
            _ = try await health.call(.warehouse) { calls.add(1, ordering: .relaxed); return 1 }
            Issue.record("a call to a role that is down went through")
        } catch let down as StoreDown {
            #expect(down.skipped)
            #expect(down.role == .warehouse)
            #expect(down.reason == "connection refused")
        }
        #expect(calls.load(ordering: .relaxed) == 1)
    }

    @Test func aSuccessfulCheckBringsTheRoleBack() async throws {
        let health = StoreHealth(retryInterval: .seconds(3600))
        await #expect(throws: StoreDown.self) { try await health.call(.cache) { throw Failure() } }
        #expect(await health.check(.cache) { } == nil)
        #expect(health.isUp(.cache))
        #expect(try await health.call(.cache) { 7 } == 7)
    }

    @Test func answersThatAreNotFailuresKeepTheRoleUp() async throws {
        let health = StoreHealth()
        await #expect(throws: StorageError.notFound("model version 9")) {
            try await health.call(.registry) { throw StorageError.notFound("model version 9") }
        }
        #expect(health.isUp(.registry))
    }

    @Test func aCallThatDoesNotAnswerInTimeIsAFailure() async throws {
        let health = StoreHealth(retryInterval: .seconds(3600))
        let gate = AsyncStream<Void>.makeStream()
        do {
            // The body waits on a stream nobody feeds until the end: it never answers by itself.
            _ = try await health.call(.lake, timeout: .milliseconds(50)) {
                for await _ in gate.stream {}
                return 0
            }
            Issue.record("a call that never answered returned")
        } catch let down as StoreDown {
            #expect(down.role == .lake)
            #expect(!down.skipped)
            #expect(down.reason.contains("did not answer within"))
        }
        #expect(!health.isUp(.lake))
        gate.continuation.finish()
    }

    @Test func theMetricsCountErrorsAndShowEachRoleUpOrDown() async throws {
        let metrics = ServerMetrics()
        let health = StoreHealth(retryInterval: .seconds(3600), metrics: metrics)
        var text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"penguins_store_up{role="cache"} 1"#))
        await #expect(throws: StoreDown.self) { try await health.call(.cache) { throw Failure() } }
        await #expect(throws: StoreDown.self) { try await health.call(.cache) { 1 } }
        text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains(#"penguins_store_up{role="cache"} 0"#))
        #expect(text.contains(#"penguins_store_errors_total{role="cache"} 1"#))
        #expect(text.contains(#"penguins_store_up{role="warehouse"} 1"#))
    }
}

@Suite struct PredictionLogBufferTests {
    @Test func aFullBufferDropsTheOldestAndCountsThem() {
        let buffer = PredictionLogBuffer(batchSize: 10, capacity: 5)
        #expect(buffer.append(contentsOf: (0..<4).map(logEntry), to: penguinLog) == 0)
        #expect(buffer.append(contentsOf: (4..<7).map(logEntry), to: penguinLog) == 2)
        #expect(buffer.append(logEntry(7), to: penguinLog) == 1)
        #expect(buffer.count == 5)
        #expect(buffer.droppedCount == 3)
    }

    @Test func theNewestEntriesAreTheOnesWritten() async throws {
        let buffer = PredictionLogBuffer(batchSize: 10, capacity: 3)
        let log = FlakyLog(failures: 0)
        buffer.appendPenguins((0..<5).map(logEntry))
        #expect(try await PredictionLogWriter(buffer: buffer, logs: TestLogs(penguins: log)).flush() == 3)
        #expect(log.entries == (2..<5).map(logEntry))
    }
}
