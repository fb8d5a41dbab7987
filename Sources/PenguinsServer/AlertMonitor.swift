import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import PenguinsPipeline
import ServiceLifecycle
import Synchronization

/// The state of each alert rule, for `GET /api/v1/alerts`.
public struct AlertStatus: Sendable, Encodable, Equatable {
    public var name: String
    public var rule: String
    public var dataset: String
    public var firing: Bool
    public var value: Double?
    public var message: String
    /// When the rule last changed state (nil before its first change).
    public var since: Date?
}

/// Evaluates the alert rules every `check_every` seconds under the service group: reads what
/// they watch (drift of each dataset's newest day, production accuracy, the prediction log's
/// writes), and when a rule starts or stops firing, logs it and POSTs one JSON event to each
/// webhook (three attempts, waiting 1 s then 2 s), at most one per rule per cooldown. The drift
/// and production gauges follow each evaluation.
struct AlertMonitor: Service {
    let configuration: AlertConfiguration
    let work: ScheduledWork
    let platform: Platform
    let logBuffer: PredictionLogBuffer
    let metrics: ServerMetrics
    let minimumDriftRows: Int
    let board: AlertBoard
    let logger: Logger

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await repeatUntilShutdown(every: .milliseconds(Int(configuration.checkEvery * 1000))) {
            await check(client)
        }
        try? await client.shutdown()
    }

    /// One evaluation of every rule, and the events of the rules that changed state.
    func check(_ client: HTTPClient) async {
        let facts = await gatherFacts()
        let now = Date()
        for (index, rule) in configuration.rules.enumerated() {
            let reading = rule.read(facts)
            guard let event = board.record(index, reading, at: now, cooldown: configuration.cooldown) else { continue }
            logger.warning("alert \(event.status): \(rule.name): \(reading.message)")
            for url in configuration.webhooks { await deliver(event, to: url, with: client) }
        }
    }

    /// What the rules watch, for the datasets they name.
    private func gatherFacts() async -> AlertFacts {
        var facts = AlertFacts(logFailing: logBuffer.writeFailing.load(ordering: .relaxed))
        let datasets = Set(configuration.rules.map(\.dataset))
        if configuration.rules.contains(where: { $0.kind == .driftShare || $0.kind == .featureDrift }) {
            do {
                for result in try await work.drift(minimumRows: minimumDriftRows) where datasets.contains(result.dataset) {
                    facts.drift[result.dataset] = result
                    metrics.drift(result)
                }
            } catch {
                logger.error("alert check: drift could not be read: \(error)")
            }
        }
        if configuration.rules.contains(where: { $0.kind == .productionAccuracy }) {
            for name in datasets {
                do {
                    let schema = try await platform.schema(ofDataset: name)
                    guard let version = try await platform.registry(ofDataset: name).current()?.version else { continue }
                    let report = try await GroundTruth(dataset: schema, platform: platform).production(modelVersion: version)
                    facts.production[name] = report.overall
                    metrics.production(dataset: name, report.overall)
                } catch {
                    logger.error("alert check: the production accuracy of \(name) could not be read: \(error)")
                }
            }
        }
        return facts
    }

    /// POSTs the event as JSON, three attempts at most; a failure is logged, not retried later.
    private func deliver(_ event: AlertEvent, to url: URL, with client: HTTPClient) async {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        guard let body = try? encoder.encode(event) else { return }
        var pause = Duration.seconds(1)
        for attempt in 1...3 {
            var request = HTTPClientRequest(url: url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "penguins-alerts")
            request.body = .bytes(ByteBuffer(bytes: body))
            do {
                let response = try await client.execute(request, timeout: .seconds(5))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) { return }
                logger.warning("alert webhook \(url.absoluteString) answered \(response.status.code) (attempt \(attempt) of 3)")
            } catch {
                logger.warning("alert webhook \(url.absoluteString) failed: \(error) (attempt \(attempt) of 3)")
            }
            if attempt < 3 {
                try? await Task.sleep(for: pause)
                pause *= 2
            }
        }
        logger.error("alert webhook \(url.absoluteString) did not take the \(event.status) event of \(event.alert)")
    }
}

/// The alert rules' states: each rule's last reading, the state last announced, and when; a
/// change becomes an event once the rule's cooldown since its last event has passed.
final class AlertBoard: Sendable {
    private struct State {
        var rule: AlertRule
        var announcedFiring = false
        var lastEvent: Date?
        var reading: AlertReading?
        var since: Date?
    }

    private let states: Mutex<[State]>

    init(rules: [AlertRule]) {
        states = Mutex(rules.map { State(rule: $0) })
    }

    /// Every rule's state, in configuration order.
    var all: [AlertStatus] {
        states.withLock { states in
            states.map { state in
                AlertStatus(
                    name: state.rule.name, rule: state.rule.kind.rawValue, dataset: state.rule.dataset, firing: state.announcedFiring,
                    value: state.reading?.value, message: state.reading?.message ?? "not checked yet", since: state.since)
            }
        }
    }

    /// Records a reading of rule `index`; returns the event to send when its state changed and
    /// its cooldown has passed (a rule that never fired sends nothing while it does not).
    func record(_ index: Int, _ reading: AlertReading, at now: Date, cooldown: Double) -> AlertEvent? {
        states.withLock { states in
            var state = states[index]
            defer { states[index] = state }
            state.reading = reading
            guard reading.firing != state.announcedFiring else { return nil }
            if let last = state.lastEvent, now.timeIntervalSince(last) < cooldown { return nil }
            state.announcedFiring = reading.firing
            state.lastEvent = now
            state.since = now
            let rule = state.rule
            return AlertEvent(
                alert: rule.name, status: reading.firing ? "firing" : "resolved", rule: rule.kind.rawValue, dataset: rule.dataset,
                feature: rule.feature, value: reading.value, threshold: rule.threshold, message: reading.message, at: now)
        }
    }
}
