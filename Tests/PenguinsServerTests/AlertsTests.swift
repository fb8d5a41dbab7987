import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsPipeline
@testable import PenguinsServer
import Synchronization
import Testing

/// Alert rules: read from YAML, one event per change of state within a cooldown, and POSTed to
/// a webhook receiver on 127.0.0.1 when the production accuracy falls below its floor and
/// comes back.
@Suite struct AlertsTests {
    @Test func rulesAreReadFromYAMLAndCheckedAsAWhole() throws {
        let configuration = try AlertConfiguration(yaml: """
            webhooks: [http://127.0.0.1:9000/hook]
            check_every: 30
            rules:
              - { name: drift, when: drift_share }
              - { name: mass, when: feature_drift, feature: body_mass_g, dataset: iris }
              - { name: floor, when: production_accuracy, below: 0.9, min_rows: 50 }
              - { name: log, when: log_write_failures }
            """, source: "alerts.yaml")
        #expect(configuration.checkEvery == 30 && configuration.cooldown == 300)
        #expect(configuration.rules.map(\.kind) == [.driftShare, .featureDrift, .productionAccuracy, .logWriteFailures])
        #expect(configuration.rules[0].threshold == 0.5 && configuration.rules[0].dataset == "penguins")
        #expect(configuration.rules[1].dataset == "iris" && configuration.rules[2].minRows == 50)
        for (text, reason) in [
            ("rules: []", "at least one rule"),
            ("rules: [{ name: a, when: feature_drift }]", "needs a feature"),
            ("rules: [{ name: a, when: production_accuracy }]", "needs below"),
            ("rules: [{ name: a, when: drift_share }, { name: a, when: drift_share }]", "two rules are named"),
            ("webhooks: [ftp://x/y]\nrules: [{ name: a, when: drift_share }]", "http or https"),
            ("rules: [{ name: a, when: sunshine }]", "alerts.yaml"),
        ] {
            #expect(throws: AlertConfigurationError.self, "\(text)") { try AlertConfiguration(yaml: text, source: "alerts.yaml") }
            let error = try? AlertConfiguration(yaml: text, source: "alerts.yaml")
            #expect(error == nil)
            do { _ = try AlertConfiguration(yaml: text, source: "alerts.yaml") } catch { #expect(error.description.contains(reason), "\(error)") }
        }
    }

    @Test func oneEventPerChangeAndNoneWithinTheCooldown() {
        let board = AlertBoard(rules: [AlertRule(name: "floor", kind: .productionAccuracy, below: 0.9)])
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let low = AlertReading(firing: true, value: 0.5, message: "low")
        let fine = AlertReading(firing: false, value: 0.95, message: "fine")
        #expect(board.record(0, fine, at: start, cooldown: 60) == nil, "a rule that never fired sends nothing while it does not")
        let firing = board.record(0, low, at: start.addingTimeInterval(1), cooldown: 60)
        #expect(firing?.status == "firing" && firing?.value == 0.5 && firing?.threshold == 0.9)
        #expect(board.record(0, low, at: start.addingTimeInterval(2), cooldown: 60) == nil, "still firing: no second event")
        #expect(board.record(0, fine, at: start.addingTimeInterval(30), cooldown: 60) == nil, "within the cooldown")
        #expect(board.all.first?.firing == true)
        #expect(board.record(0, fine, at: start.addingTimeInterval(62), cooldown: 60)?.status == "resolved")
        #expect(board.all.first?.firing == false && board.all.first?.message == "fine")
    }

    @Test func aWebhookHearsTheAccuracyFireAndResolve() async throws {
        let received = Mutex<[Data]>([])
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = Data(buffer: try await request.body.collect(upTo: 1 << 16))
            received.withLock { $0.append(body) }
            return .noContent
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { hook in
            let port = try #require(hook.port)
            let platform = try await makePlatform()
            var options = testOptions()
            options.alerts = AlertConfiguration(
                webhooks: [URL(string: "http://127.0.0.1:\(port)/hook")!], checkEvery: 0.2, cooldown: 0,
                rules: [AlertRule(name: "accuracy floor", kind: .productionAccuracy, below: 0.9, minRows: 4)])
            let app = try await makeApp(platform, options: options)
            try await app.test(.live) { client in
                let batch = try await client.postJSON("/api/v1/predict/batch", FeedbackAPITests.penguins).object()
                let predictions = try #require(batch["predictions"] as? [[String: Any]])
                let answers = predictions.map { ($0["prediction_id"] as! String, $0["species"] as! String) }
                func report(_ truth: (String) -> String) async throws {
                    let items = answers.map { #"{"prediction_id": "\#($0.0)", "actual": "\#(truth($0.1))"}"# }.joined(separator: ",")
                    #expect(try await client.postJSON("/api/v1/feedback", #"{"feedback": [\#(items)]}"#).status == .ok)
                }
                func waitForEvents(_ count: Int) async throws {
                    let deadline = ContinuousClock.now + .seconds(20)
                    while received.withLock({ $0.count }) < count, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                }
                // Every answer wrong: accuracy 0, below the floor.
                try await report { $0 == "Gentoo" ? "Adelie" : "Gentoo" }
                try await waitForEvents(1)
                let alerts = try #require(try await client.send(.get, "/api/v1/alerts").object()["alerts"] as? [[String: Any]])
                #expect(alerts.first?["firing"] as? Bool == true)
                // The truth corrected: accuracy 1, resolved.
                try await report { $0 }
                try await waitForEvents(2)
                try await Task.sleep(for: .milliseconds(800))
                let events = received.withLock { $0 }.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                #expect(events.map { $0["status"] as? String } == ["firing", "resolved"], "one event per change: \(events)")
                #expect(events.allSatisfy { $0["alert"] as? String == "accuracy floor" && $0["dataset"] as? String == "penguins" })
                #expect(events.map { $0["value"] as? Double } == [0, 1])
                #expect(events.first?["threshold"] as? Double == 0.9)
                #expect((events.first?["message"] as? String)?.contains("production accuracy 0.000 on 4 answers") == true)
            }
        }
    }
}
