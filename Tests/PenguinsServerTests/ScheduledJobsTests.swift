import Foundation
import HummingbirdTesting
import PenguinsCore
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import Testing

/// Jobs the server runs on its own: a scheduled score scores the warehouse, a scheduled drift
/// sets the drift gauges; `GET /api/v1/jobs` and the overview page show how each last went.
@Suite struct ScheduledJobsTests {
    @Test func scheduledScoreAndDriftRunOnTheirOwn() async throws {
        let platform = try await makePlatform(score: false)
        #expect(try await platform.warehouse.row(id: knownPenguinID)?.prediction == nil)
        // A day of predictions 900 g heavier than the training sample.
        let columns = try await DatasetColumns.load(from: platform.warehouse.recordWarehouse)
        var entries = DriftHistoryAPITests.log(from: columns).suffix(342).map { $0 }
        // All in today's UTC day (the drift job's newest window), however soon after midnight.
        let now = Date()
        let sinceMidnight = now.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
        let spacing = min(1, sinceMidnight / Double(entries.count + 1))
        for index in entries.indices { entries[index].prediction.predictedAt = now.addingTimeInterval(-Double(index) * spacing) }
        try await platform.predictionLog.append(entries)

        let metrics = ServerMetrics()
        var options = testOptions(metrics: metrics)
        options.schedules = [try JobSchedule(argument: "score every 1s"), try JobSchedule(argument: "drift every 1s")]
        let app = try await makeApp(platform, options: options)
        try await app.test(.live) { client in
            var jobs: [[String: Any]] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                jobs = try #require(try await client.send(.get, "/api/v1/jobs").object()["jobs"] as? [[String: Any]])
                if jobs.allSatisfy({ ($0["runs"] as? Int ?? 0) >= 1 }) { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(jobs.map { $0["schedule"] as? String } == ["score every 1s", "drift every 1s"])
            #expect(jobs.allSatisfy { $0["last_outcome"] as? String == "ok" }, "\(jobs)")
            #expect((jobs[0]["last_message"] as? String)?.contains("penguins: scored") == true, "\(jobs)")
            #expect(jobs.allSatisfy { $0["next_run"] is String })
            #expect(try await platform.warehouse.row(id: knownPenguinID)?.prediction?.modelVersion == 1, "the scheduled score scored the warehouse")

            let exposition = try await client.send(.get, "/api/v1/metrics").text
            #expect(exposition.contains(#"penguins_feature_drift{dataset="penguins",feature="body_mass_g"} 1"#), "\(exposition.split(separator: "\n").filter { $0.contains("drift") })")
            #expect(exposition.contains(#"penguins_drift_share{dataset="penguins"}"#))
            let page = try await client.send(.get, "/").text
            #expect(page.contains("<h2>Scheduled jobs</h2>") && page.contains("score every 1s"))
        }
    }

    @Test func aScoreJobShowsTheEngineItRunsOn() {
        let board = JobBoard(schedules: [try! JobSchedule(argument: "score daily 02:00"), try! JobSchedule(argument: "drift hourly")], scoringEngine: "sc://spark:15002")
        #expect(board.all.map(\.engine) == ["sc://spark:15002", "local"])
    }
}
