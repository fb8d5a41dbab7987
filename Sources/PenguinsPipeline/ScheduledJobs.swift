import Foundation
import PenguinsCore
import PenguinsStorage

/// A job the server runs on its own (`serve --schedule 'score daily 02:00'`): batch scoring or
/// drift evaluation of every dataset with a model, hourly, daily at a time (UTC) or every N
/// seconds, minutes or hours.
public struct JobSchedule: Sendable, Equatable, CustomStringConvertible {
    public enum Job: String, Sendable, CaseIterable {
        /// Batch scoring: every stored row of every dataset with a model.
        case score
        /// Drift over the last day of each dataset's prediction log, for the drift gauges.
        case drift
    }

    public enum Cadence: Sendable, Equatable {
        /// Every `seconds`, the first time `seconds` after the server starts.
        case every(seconds: Int)
        /// At minute 0 of every hour (UTC).
        case hourly
        /// Every day at this time (UTC).
        case daily(hour: Int, minute: Int)
    }

    public var job: Job
    public var cadence: Cadence

    public init(job: Job, cadence: Cadence) {
        self.job = job
        self.cadence = cadence
    }

    /// Parses `JOB hourly`, `JOB daily HH:MM` or `JOB every N(s|m|h)`, JOB being `score` or `drift`.
    public init(argument: String) throws(PipelineError) {
        let words = argument.split(separator: " ").map(String.init)
        func invalid(_ why: String) -> PipelineError {
            .invalidOption("a schedule is 'JOB hourly', 'JOB daily HH:MM' (UTC) or 'JOB every N(s|m|h)', JOB being \(Job.allCases.map(\.rawValue).joined(separator: " or ")): \(why) in \"\(argument)\"")
        }
        guard let first = words.first, let job = Job(rawValue: first) else { throw invalid("unknown job") }
        switch Array(words.dropFirst()) {
        case ["hourly"]:
            cadence = .hourly
        case let rest where rest.count == 2 && rest[0] == "daily":
            let parts = rest[1].split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else {
                throw invalid("the time must be HH:MM")
            }
            cadence = .daily(hour: hour, minute: minute)
        case let rest where rest.count == 2 && rest[0] == "every":
            let text = rest[1]
            let units = ["s": 1, "m": 60, "h": 3_600]
            guard let unit = text.last.flatMap({ units[String($0)] }), let count = Int(text.dropLast()), count >= 1 else {
                throw invalid("the period must be a whole number of seconds, minutes or hours (30s, 15m, 6h)")
            }
            cadence = .every(seconds: count * unit)
        default:
            throw invalid("unknown cadence")
        }
        self.job = job
    }

    public var description: String {
        switch cadence {
        case .every(let seconds):
            let (count, unit) = seconds % 3_600 == 0 ? (seconds / 3_600, "h") : seconds % 60 == 0 ? (seconds / 60, "m") : (seconds, "s")
            return "\(job.rawValue) every \(count)\(unit)"
        case .hourly: return "\(job.rawValue) hourly"
        case .daily(let hour, let minute): return "\(job.rawValue) daily " + String(format: "%02d:%02d", hour, minute)
        }
    }

    /// The first run strictly after `date`; for `every`, `date` plus the period.
    public func nextRun(after date: Date) -> Date {
        let time = date.timeIntervalSince1970
        switch cadence {
        case .every(let seconds):
            return date.addingTimeInterval(Double(seconds))
        case .hourly:
            return Date(timeIntervalSince1970: ((time / 3_600).rounded(.down) + 1) * 3_600)
        case .daily(let hour, let minute):
            let day = (time / 86_400).rounded(.down) * 86_400
            let today = day + Double(hour * 3_600 + minute * 60)
            return Date(timeIntervalSince1970: today > time ? today : today + 86_400)
        }
    }
}

/// One scheduled job's state: its schedule, next run and how its last run went.
public struct JobStatus: Sendable, Encodable, Equatable {
    public var schedule: String
    public var job: String
    /// Where the job runs: `local` or the Spark Connect URL (a drift job runs locally).
    public var engine: String
    public var nextRun: Date?
    public var runs: Int
    public var running: Bool
    public var lastStart: Date?
    /// Seconds the last run took.
    public var lastDuration: Double?
    /// `ok` or `failed`; nil before the first run.
    public var lastOutcome: String?
    /// What the last run did, or why it failed.
    public var lastMessage: String?

    public init(schedule: String, job: String, engine: String = "local") {
        self.schedule = schedule
        self.job = job
        self.engine = engine
        runs = 0
        running = false
    }

    enum CodingKeys: String, CodingKey {
        case schedule, job, engine, runs, running
        case nextRun = "next_run"
        case lastStart = "last_start"
        case lastDuration = "last_duration_seconds"
        case lastOutcome = "last_outcome"
        case lastMessage = "last_message"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schedule, forKey: .schedule)
        try container.encode(job, forKey: .job)
        try container.encode(engine, forKey: .engine)
        try container.encode(nextRun, forKey: .nextRun)
        try container.encode(runs, forKey: .runs)
        try container.encode(running, forKey: .running)
        try container.encode(lastStart, forKey: .lastStart)
        try container.encode(lastDuration, forKey: .lastDuration)
        try container.encode(lastOutcome, forKey: .lastOutcome)
        try container.encode(lastMessage, forKey: .lastMessage)
    }
}


/// The drift of one dataset's newest window of predictions, for the gauges.
public struct ScheduledDrift: Sendable, Equatable {
    /// One column's verdict in the window.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var drift: Bool
    }

    public var dataset: String
    /// The share of the window's columns that drifted; nil when the window has too few rows.
    public var driftedShare: Double?
    public var columns: [Column]
}

/// How a scheduled `score` scores a dataset: in this process (``LocalBatchScoring``) or on a
/// Spark cluster (`serve --engine sc://...`, PenguinsSpark's `SparkBatchScoring`).
public protocol BatchScoring: Sendable {
    /// `local`, or the Spark Connect URL.
    var engine: String { get }
    /// Scores every stored row of `schema`'s dataset with its current model; one line saying what it did.
    func score(_ schema: DatasetSchema, platform: Platform) async throws -> String
}

/// Batch scoring in this process (``Scorer``).
public struct LocalBatchScoring: BatchScoring {
    public init() {}

    public var engine: String { "local" }

    public func score(_ schema: DatasetSchema, platform: Platform) async throws -> String {
        let report = try await Scorer(platform: platform).score(schema: schema)
        return "\(schema.name): scored \(report.scored) of \(report.rows) rows with model version \(report.modelVersion)"
    }
}

/// What the scheduled jobs do: for every dataset with a current model.
public struct ScheduledWork: Sendable {
    public let platform: Platform
    /// Where `score` runs.
    public let scoring: any BatchScoring

    public init(platform: Platform, scoring: any BatchScoring = LocalBatchScoring()) {
        self.platform = platform
        self.scoring = scoring
    }

    /// The datasets with a current model, the penguins first.
    func datasetsWithModels() async throws -> [DatasetSchema] {
        var schemas: [DatasetSchema] = []
        for description in try await Datasets(catalog: platform.datasets).list() {
            let schema = Platform.isDefaultDataset(description.name) ? platform.warehouse.recordWarehouse.schema : description.schema
            if try await platform.modelStores(of: schema).registry.current() != nil { schemas.append(schema) }
        }
        return schemas.sorted { Platform.isDefaultDataset($0.name) && !Platform.isDefaultDataset($1.name) }
    }

    /// Scores every stored row of every dataset with a model; one line per dataset.
    public func score() async throws -> String {
        var lines: [String] = []
        for schema in try await datasetsWithModels() { lines.append(try await scoring.score(schema, platform: platform)) }
        return lines.isEmpty ? "no dataset has a model to score with" : lines.joined(separator: "; ")
    }

    /// The newest day window of each dataset's prediction log against its training sample
    /// (datasets with nothing logged are left out).
    public func drift(minimumRows: Int) async throws -> [ScheduledDrift] {
        var results: [ScheduledDrift] = []
        let analysis = DriftHistoryAnalysis(window: .day, minimumRows: minimumRows)
        for schema in try await datasetsWithModels() {
            let report: DriftHistoryReport
            do {
                report = try await analysis.run(dataset: schema, platform: platform, since: Date().addingTimeInterval(-86_400))
            } catch PipelineError.notEnoughRows {
                continue
            }
            guard let newest = report.windows.last else { continue }
            results.append(ScheduledDrift(
                dataset: schema.name, driftedShare: newest.verdict == .notEnoughData ? nil : newest.driftedShare,
                columns: newest.columns.map { ScheduledDrift.Column(name: $0.column, drift: $0.drift) }))
        }
        return results
    }
}
