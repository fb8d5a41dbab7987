import Foundation
import Logging
import PenguinsPipeline
import ServiceLifecycle
import Synchronization

/// The scheduled jobs of a server and how each last went: what `GET /api/v1/jobs` and the
/// overview page show.
public final class JobBoard: Sendable {
    private let statuses: Mutex<[JobStatus]>

    /// The jobs of `schedules`, a `score` job running on `scoringEngine`.
    public init(schedules: [JobSchedule], scoringEngine: String = "local") {
        statuses = Mutex(schedules.map {
            JobStatus(schedule: $0.description, job: $0.job.rawValue, engine: $0.job == .score ? scoringEngine : "local")
        })
    }

    /// Every job, in the order they were given.
    public var all: [JobStatus] { statuses.withLock { $0 } }

    func update(_ index: Int, _ change: (inout JobStatus) -> Void) {
        statuses.withLock { change(&$0[index]) }
    }
}

/// Runs the server's scheduled jobs under the service group, one at a time (a job due while
/// another runs waits for it), until shutdown; each run's outcome goes to the ``JobBoard``
/// and the log, and a drift run sets the drift gauges.
struct ScheduledJobRunner: Service {
    let schedules: [JobSchedule]
    let board: JobBoard
    let work: ScheduledWork
    let metrics: ServerMetrics
    let minimumDriftRows: Int
    let logger: Logger

    func run() async throws {
        // A service that returns before shutdown ends the group: with nothing to run, wait for it.
        guard !schedules.isEmpty else { return try await gracefulShutdown() }
        let start = Date()
        var next = schedules.map { $0.nextRun(after: start) }
        for index in schedules.indices { board.update(index) { $0.nextRun = next[index] } }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let due = next.indices.min { next[$0] < next[$1] }!
            let wait = next[due].timeIntervalSinceNow
            if wait > 0 {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up)))) }
                } catch {
                    return
                }
            }
            await runJob(due)
            next[due] = schedules[due].nextRun(after: max(Date(), next[due]))
            board.update(due) { $0.nextRun = next[due] }
        }
    }

    private func runJob(_ index: Int) async {
        let schedule = schedules[index]
        let started = Date()
        board.update(index) { $0.running = true; $0.lastStart = started }
        let outcome: (String, String)
        do {
            outcome = ("ok", try await withTaskExecutorPreference(HeavyWorkExecutor.shared) { try await perform(schedule.job) })
            logger.info("scheduled \(schedule.description): \(outcome.1)")
        } catch {
            outcome = ("failed", String(describing: error))
            logger.error("scheduled \(schedule.description) failed: \(error)")
        }
        let seconds = Date().timeIntervalSince(started)
        board.update(index) { status in
            status.running = false
            status.runs += 1
            status.lastDuration = seconds
            (status.lastOutcome, status.lastMessage) = outcome
        }
    }

    private func perform(_ job: JobSchedule.Job) async throws -> String {
        switch job {
        case .score:
            return try await work.score()
        case .drift:
            let results = try await work.drift(minimumRows: minimumDriftRows)
            for result in results { metrics.drift(result) }
            guard !results.isEmpty else { return "no dataset has predictions logged in the last day" }
            return results.map { result in
                result.driftedShare.map { "\(result.dataset): \(Int(($0 * 100).rounded())) % of columns drifted" } ?? "\(result.dataset): not enough data"
            }.joined(separator: "; ")
        }
    }
}
