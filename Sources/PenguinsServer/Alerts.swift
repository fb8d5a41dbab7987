import Foundation
import PenguinsCore
import PenguinsPipeline
import Yams

/// The alert rules of a server (`serve --alerts FILE`, or `PENGUINS_ALERTS`), written as YAML:
///
/// ```yaml
/// webhooks: [http://127.0.0.1:9000/hooks/penguins]
/// check_every: 60      # seconds between evaluations (default 60)
/// cooldown: 300        # seconds after an event before a rule sends another (default 300)
/// rules:
///   - name: penguins drift
///     when: drift_share          # share of drifted columns in the newest day of the log
///     above: 0.5
///   - name: body mass drift
///     when: feature_drift
///     feature: body_mass_g
///   - name: accuracy floor
///     when: production_accuracy  # the current model on predictions with ground truth
///     below: 0.9
///     min_rows: 30
///   - name: log failing
///     when: log_write_failures   # the prediction log cannot be written
/// ```
///
/// `dataset` (default `penguins`) names the dataset a rule watches.
public struct AlertConfiguration: Sendable, Equatable, Decodable {
    public var webhooks: [URL]
    public var checkEvery: Double
    public var cooldown: Double
    public var rules: [AlertRule]

    enum CodingKeys: String, CodingKey {
        case webhooks, rules, cooldown
        case checkEvery = "check_every"
    }

    public init(webhooks: [URL], checkEvery: Double = 60, cooldown: Double = 300, rules: [AlertRule]) {
        self.webhooks = webhooks
        self.checkEvery = checkEvery
        self.cooldown = cooldown
        self.rules = rules
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        webhooks = try container.decodeIfPresent([URL].self, forKey: .webhooks) ?? []
        checkEvery = try container.decodeIfPresent(Double.self, forKey: .checkEvery) ?? 60
        cooldown = try container.decodeIfPresent(Double.self, forKey: .cooldown) ?? 300
        rules = try container.decode([AlertRule].self, forKey: .rules)
    }

    /// Reads and checks a configuration written as YAML; `source` names it in messages.
    public init(yaml: String, source: String) throws(AlertConfigurationError) {
        do {
            self = try YAMLDecoder().decode(AlertConfiguration.self, from: yaml)
        } catch {
            throw AlertConfigurationError(source: source, reason: "\(error)".split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        func invalid(_ reason: String) -> AlertConfigurationError { AlertConfigurationError(source: source, reason: reason) }
        guard checkEvery > 0 else { throw invalid("check_every must be above 0 seconds") }
        guard cooldown >= 0 else { throw invalid("cooldown cannot be negative") }
        guard !rules.isEmpty else { throw invalid("rules must hold at least one rule") }
        for url in webhooks where !["http", "https"].contains(url.scheme ?? "") {
            throw invalid("webhook \(url.absoluteString) must be an http or https URL")
        }
        var names = Set<String>()
        for rule in rules {
            guard names.insert(rule.name).inserted else { throw invalid("two rules are named \"\(rule.name)\"") }
            switch rule.kind {
            case .featureDrift where rule.feature == nil: throw invalid("rule \"\(rule.name)\": feature_drift needs a feature")
            case .productionAccuracy where rule.below == nil: throw invalid("rule \"\(rule.name)\": production_accuracy needs below")
            default: break
            }
        }
    }
}

/// Why an alert configuration was refused.
public struct AlertConfigurationError: Error, CustomStringConvertible {
    public var source: String
    public var reason: String
    public var description: String { "the alert rules in \(source) cannot be used: \(reason)" }

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }
}

/// One alert rule: what it watches and when it fires.
public struct AlertRule: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Decodable {
        case driftShare = "drift_share"
        case featureDrift = "feature_drift"
        case productionAccuracy = "production_accuracy"
        case logWriteFailures = "log_write_failures"
    }

    public var name: String
    public var kind: Kind
    public var dataset: String
    public var feature: String?
    /// `drift_share` fires at or above this share (default 0.5).
    public var above: Double?
    /// `production_accuracy` fires below this accuracy.
    public var below: Double?
    /// `production_accuracy` needs this many answers before it judges (default 30).
    public var minRows: Int

    enum CodingKeys: String, CodingKey {
        case name, dataset, feature, above, below
        case kind = "when"
        case minRows = "min_rows"
    }

    public init(
        name: String, kind: Kind, dataset: String = BundledSchemas.defaultName, feature: String? = nil, above: Double? = nil,
        below: Double? = nil, minRows: Int = 30
    ) {
        self.name = name
        self.kind = kind
        self.dataset = dataset
        self.feature = feature
        self.above = above
        self.below = below
        self.minRows = minRows
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(Kind.self, forKey: .kind)
        dataset = try container.decodeIfPresent(String.self, forKey: .dataset) ?? BundledSchemas.defaultName
        feature = try container.decodeIfPresent(String.self, forKey: .feature)
        above = try container.decodeIfPresent(Double.self, forKey: .above)
        below = try container.decodeIfPresent(Double.self, forKey: .below)
        minRows = try container.decodeIfPresent(Int.self, forKey: .minRows) ?? 30
    }

    /// The threshold the rule compares with.
    var threshold: Double? {
        switch kind {
        case .driftShare: above ?? 0.5
        case .productionAccuracy: below
        case .featureDrift, .logWriteFailures: nil
        }
    }
}

/// What the monitor knows at one check: each dataset's newest day of drift, each dataset's
/// production accuracy, and whether the prediction log is failing.
struct AlertFacts: Sendable {
    var drift: [String: ScheduledDrift] = [:]
    var production: [String: ProductionMetrics] = [:]
    var logFailing = false
}

/// A rule's state at one check: firing or not, the value it looked at and a sentence.
struct AlertReading: Sendable, Equatable {
    var firing: Bool
    var value: Double?
    var message: String
}

extension AlertRule {
    /// The rule's reading of `facts`; a rule without the data it needs does not fire.
    func read(_ facts: AlertFacts) -> AlertReading {
        switch kind {
        case .driftShare:
            let limit = threshold ?? 0.5
            guard let share = facts.drift[dataset]?.driftedShare else {
                return AlertReading(firing: false, value: nil, message: "\(dataset): not enough predictions in the last day to judge drift")
            }
            let percent = Int((share * 100).rounded())
            return AlertReading(
                firing: share >= limit, value: share,
                message: "\(dataset): \(percent) % of the columns drifted in the last day (alert at \(Int((limit * 100).rounded())) %)")
        case .featureDrift:
            let name = feature ?? ""
            guard let drift = facts.drift[dataset], drift.driftedShare != nil, let column = drift.columns.first(where: { $0.name == name }) else {
                return AlertReading(firing: false, value: nil, message: "\(dataset): no verdict on \(name) in the last day")
            }
            return AlertReading(
                firing: column.drift, value: column.drift ? 1 : 0,
                message: "\(dataset): \(name) \(column.drift ? "drifted" : "did not drift") in the last day")
        case .productionAccuracy:
            let floor = below ?? 0
            guard let metrics = facts.production[dataset], metrics.rows >= minRows, let accuracy = metrics.accuracy else {
                return AlertReading(firing: false, value: nil, message: "\(dataset): fewer than \(minRows) predictions with ground truth")
            }
            return AlertReading(
                firing: accuracy < floor, value: accuracy,
                message: "\(dataset): production accuracy \(String(format: "%.3f", accuracy)) on \(metrics.rows) answers (floor \(String(format: "%.3f", floor)))")
        case .logWriteFailures:
            return AlertReading(
                firing: facts.logFailing, value: facts.logFailing ? 1 : 0,
                message: facts.logFailing ? "the prediction log cannot be written: entries wait in memory" : "the prediction log is written")
        }
    }
}

/// One alert event, as POSTed to the webhooks: a rule starting or stopping to fire.
struct AlertEvent: Sendable, Encodable, Equatable {
    var alert: String
    var status: String
    var rule: String
    var dataset: String
    var feature: String?
    var value: Double?
    var threshold: Double?
    var message: String
    var at: Date
}
