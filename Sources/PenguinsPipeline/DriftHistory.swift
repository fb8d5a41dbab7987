import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStatistics
import PenguinsStorage

/// How the prediction log is cut for drift over time: calendar windows in UTC (an hour, a day,
/// a week from Monday), or runs of a fixed number of predictions.
public enum DriftWindow: Sendable, Equatable, CustomStringConvertible {
    case hour
    case day
    case week
    case rows(Int)

    /// Parses `hour`, `day`, `week` or `rows=N` (N ≥ 1).
    public init(argument: String) throws(PipelineError) {
        switch argument {
        case "hour": self = .hour
        case "day": self = .day
        case "week": self = .week
        default:
            guard argument.hasPrefix("rows="), let count = Int(argument.dropFirst(5)), count >= 1 else {
                throw PipelineError.invalidOption("a window is hour, day, week or rows=N (N at least 1), not \"\(argument)\"")
            }
            self = .rows(count)
        }
    }

    public var description: String {
        switch self {
        case .hour: "hour"
        case .day: "day"
        case .week: "week"
        case .rows(let count): "rows=\(count)"
        }
    }

    /// The start of the calendar window holding `time` (seconds since 1970, UTC); nil for row windows.
    func start(of time: Double) -> Double? {
        let hour = 3_600.0, day = 86_400.0
        switch self {
        case .hour: return (time / hour).rounded(.down) * hour
        case .day: return (time / day).rounded(.down) * day
        // 1970-01-05 was a Monday: weeks are counted from there.
        case .week: return ((time - 4 * day) / (7 * day)).rounded(.down) * 7 * day + 4 * day
        case .rows: return nil
        }
    }

    /// The end (exclusive) of the calendar window starting at `start`.
    func end(ofWindowStartingAt start: Double) -> Double {
        switch self {
        case .hour: start + 3_600
        case .day: start + 86_400
        case .week: start + 7 * 86_400
        case .rows: start
        }
    }
}

/// One column's drift in one window, by the method that fits it: for a numeric column, the
/// Kolmogorov–Smirnov test while the reference has at most 1,000 values, else the normed
/// Wasserstein distance; for a categorical one, the chi-squared test, else the Jensen–Shannon
/// distance (Evidently's defaults). PSI is given beside a numeric column's.
public struct ColumnDrift: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable {
        case ks
        case wasserstein
        case chiSquared = "chi_squared"
        case jensenShannon = "jensen_shannon"

        /// True for a test (drift below a p-value threshold), false for a distance (drift at or above one).
        public var isTest: Bool { self == .ks || self == .chiSquared }
    }

    public var column: String
    public var method: Method
    /// The test's statistic (KS D, χ²) or the distance.
    public var statistic: Double
    /// A test's p-value; nil for a distance.
    public var pValue: Double?
    /// The p-value below which (test) or the distance from which (distance) the column drifted.
    public var threshold: Double
    /// The population stability index of a numeric column.
    public var psi: Double?
    public var referenceCount: Int
    public var currentCount: Int
    public var drift: Bool
}

/// One window of the prediction log and its drift against the training sample.
public struct DriftWindowReport: Codable, Sendable {
    /// The window's start and end (exclusive): its calendar bounds, or for a row window the
    /// times of its first and last prediction.
    public var start: Date
    public var end: Date
    public var rows: Int
    public var columns: [ColumnDrift]
    /// The share of compared columns that drifted.
    public var driftedShare: Double
    /// `not_enough_data` below the minimum rows; else drift when the drifted share reaches the threshold.
    public var verdict: DriftReport.Verdict
    /// True when the verdict is drift.
    public var drifted: Bool
}

/// Drift over time: the prediction log's windows, each compared with the training sample.
public struct DriftHistoryReport: Codable, Sendable {
    public var dataset: String
    public var window: String
    public var reference: String
    /// The p-value threshold of the tests.
    public var pValueThreshold: Double
    /// The threshold of the distances.
    public var distanceThreshold: Double
    /// The share of drifted columns from which a window has drifted.
    public var driftShare: Double
    /// The fewest rows a window's verdict is given on.
    public var minimumRows: Int
    /// Oldest first.
    public var windows: [DriftWindowReport]
}

/// Cuts a dataset's logged predictions into windows and compares each with the training sample,
/// column by column.
public struct DriftHistoryAnalysis: Sendable {
    public var window: DriftWindow
    public var pValueThreshold = DriftVerdict.defaultThreshold
    public var distanceThreshold = 0.1
    public var driftShare = 0.5
    public var minimumRows = 100
    /// A reference with more values than this is compared by distances rather than tests.
    public static let largeReference = 1_000

    public init(window: DriftWindow, pValueThreshold: Double = DriftVerdict.defaultThreshold, driftShare: Double = 0.5, minimumRows: Int = 100) {
        self.window = window
        self.pValueThreshold = pValueThreshold
        self.driftShare = driftShare
        self.minimumRows = minimumRows
    }

    /// The windows of `entries` (in any order) from `since` on, each compared with `reference`
    /// over the numeric and categorical columns of `schema` both samples have.
    public func run(reference: DriftSample, entries: [RecordLogEntry], schema: DatasetSchema, since: Date? = nil) throws -> DriftHistoryReport {
        var log = LogColumns(featureCount: schema.features.count)
        for entry in entries { log.append(entry) }
        return try run(reference: reference, log: log, schema: schema, since: since)
    }

    /// The windows of `log` (in any order) from `since` on, each compared with `reference`, the
    /// windows side by side on every core.
    public func run(reference: DriftSample, log: LogColumns, schema: DatasetSchema, since: Date? = nil) throws -> DriftHistoryReport {
        guard pValueThreshold > 0, pValueThreshold < 1 else { throw PipelineError.invalidOption("the p-value threshold must be between 0 and 1, got \(pValueThreshold)") }
        guard driftShare > 0, driftShare <= 1 else { throw PipelineError.invalidOption("the drift share must be above 0 and at most 1, got \(driftShare)") }
        let kept = Self.chronological(log, since: since)
        let numeric = DatasetColumns.numericNames(of: schema)
        let categorical = DatasetColumns.categoricalNames(of: schema)
        let windows = slices(of: kept.times).concurrentMap { slice, start, end in
            report(window: DriftSample(log: kept, positions: slice, schema: schema), rows: slice.count, start: start, end: end,
                   reference: reference, numeric: numeric, categorical: categorical)
        }
        return DriftHistoryReport(
            dataset: schema.name, window: window.description, reference: "training", pValueThreshold: pValueThreshold,
            distanceThreshold: distanceThreshold, driftShare: driftShare, minimumRows: minimumRows, windows: windows)
    }

    /// The predictions of `log` made at or after `since`, oldest first. A log reads oldest
    /// first, so this is a copy only when clocks went back (or the log came newest first).
    static func chronological(_ log: LogColumns, since: Date?) -> LogColumns {
        let times = log.times
        var ordered = log
        if !zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }) {
            ordered = log.reordered(times.indices.sorted { (times[$0], $0) < (times[$1], $1) })
        }
        guard let since = since?.timeIntervalSince1970 else { return ordered }
        let first = ordered.times.firstIndex { $0 >= since } ?? ordered.count
        return first == 0 ? ordered : ordered.suffix(from: first)
    }

    /// The position ranges of consecutive windows of chronological `times`, with their bounds.
    func slices(of times: [Double]) -> [(Range<Int>, Date, Date)] {
        var result: [(Range<Int>, Date, Date)] = []
        var first = 0
        while first < times.count {
            var last = first
            let bounds: (Double, Double)
            switch window {
            case .rows(let count):
                last = min(first + count, times.count)
                bounds = (times[first], times[last - 1])
            case .hour, .day, .week:
                let start = window.start(of: times[first])!
                let end = window.end(ofWindowStartingAt: start)
                while last < times.count && times[last] < end { last += 1 }
                bounds = (start, end)
            }
            result.append((first..<last, Date(timeIntervalSince1970: bounds.0), Date(timeIntervalSince1970: bounds.1)))
            first = last
        }
        return result
    }

    func report(
        window current: DriftSample, rows: Int, start: Date, end: Date, reference: DriftSample, numeric: [String], categorical: [String]
    ) -> DriftWindowReport {
        var columns: [ColumnDrift] = []
        for name in numeric {
            guard let a = reference.values[name], let b = current.values[name], !a.isEmpty, !b.isEmpty else { continue }
            let psi = PopulationStabilityIndex.compute(reference: a, current: b).value
            if a.count <= Self.largeReference {
                let ks = KolmogorovSmirnov.twoSample(a, b)
                columns.append(ColumnDrift(
                    column: name, method: .ks, statistic: ks.statistic, pValue: ks.pValue, threshold: pValueThreshold, psi: psi,
                    referenceCount: a.count, currentCount: b.count, drift: DriftVerdict.isDrift(pValue: ks.pValue, threshold: pValueThreshold)))
            } else {
                let distance = DistributionDistance.normedWasserstein(reference: a, current: b)
                columns.append(ColumnDrift(
                    column: name, method: .wasserstein, statistic: distance, pValue: nil, threshold: distanceThreshold, psi: psi,
                    referenceCount: a.count, currentCount: b.count, drift: distance >= distanceThreshold))
            }
        }
        for name in categorical {
            guard let a = reference.categories[name], let b = current.categories[name], !a.isEmpty, !b.isEmpty else { continue }
            let (referenceCount, currentCount) = (a.values.reduce(0, +), b.values.reduce(0, +))
            if referenceCount <= Self.largeReference {
                let test = ChiSquaredTest.homogeneity(reference: a, current: b)
                columns.append(ColumnDrift(
                    column: name, method: .chiSquared, statistic: test.statistic, pValue: test.pValue, threshold: pValueThreshold, psi: nil,
                    referenceCount: referenceCount, currentCount: currentCount,
                    drift: DriftVerdict.isDrift(pValue: test.pValue, threshold: pValueThreshold)))
            } else {
                let distance = DistributionDistance.jensenShannon(reference: a, current: b)
                columns.append(ColumnDrift(
                    column: name, method: .jensenShannon, statistic: distance, pValue: nil, threshold: distanceThreshold, psi: nil,
                    referenceCount: referenceCount, currentCount: currentCount, drift: distance >= distanceThreshold))
            }
        }
        let share = columns.isEmpty ? 0 : Double(columns.filter(\.drift).count) / Double(columns.count)
        let verdict: DriftReport.Verdict = rows < minimumRows || columns.isEmpty
            ? .notEnoughData
            : share >= driftShare ? .drift : .noDrift
        return DriftWindowReport(
            start: start, end: end, rows: rows, columns: columns, driftedShare: share, verdict: verdict, drifted: verdict == .drift)
    }
}

extension DriftHistoryAnalysis {
    /// The most logged predictions read for a history, newest first.
    public static let defaultLogWindow = 1_000_000

    /// The history of a dataset's prediction log (its newest `limit` predictions, from `since`
    /// on) against its current model's training sample.
    /// - Throws: ``PipelineError/notEnoughRows(_:)`` when nothing is logged (since `since`).
    public func run(dataset schema: DatasetSchema, platform: Platform, since: Date? = nil, limit: Int = defaultLogWindow) async throws -> DriftHistoryReport {
        let reference = try await DriftSample.load(.training, dataset: schema, platform: platform)
        let log = try await platform.tables(for: schema).predictionLog
        let report = try run(reference: reference, log: try await log.columns(limit: limit), schema: schema, since: since)
        guard !report.windows.isEmpty else {
            throw PipelineError.notEnoughRows(
                "no prediction of \(schema.name) is logged\(since.map { " since \($0.formatted(.iso8601))" } ?? ""); predictions through the API and `penguins predict FILE --log` are")
        }
        return report
    }

    /// A `since` argument: an ISO 8601 date (`2026-12-01`, midnight UTC) or date and time (`2026-12-01T06:00:00Z`).
    public static func since(_ text: String) throws(PipelineError) -> Date {
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        if let date = day.date(from: text) { return date }
        throw PipelineError.invalidOption("since must be an ISO 8601 date (2026-12-01) or date and time (2026-12-01T06:00:00Z), not \"\(text)\"")
    }
}
