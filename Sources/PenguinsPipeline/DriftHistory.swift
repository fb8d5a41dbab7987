import Foundation
import PenguinsCore
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
        guard pValueThreshold > 0, pValueThreshold < 1 else { throw PipelineError.invalidOption("the p-value threshold must be between 0 and 1, got \(pValueThreshold)") }
        guard driftShare > 0, driftShare <= 1 else { throw PipelineError.invalidOption("the drift share must be above 0 and at most 1, got \(driftShare)") }
        var kept = entries
        if let since { kept.removeAll { $0.prediction.predictedAt < since } }
        // A log reads newest first: reversing it is enough unless clocks went back.
        func isSorted(_ entries: [RecordLogEntry], by order: (Date, Date) -> Bool) -> Bool {
            zip(entries, entries.dropFirst()).allSatisfy { !order($1.prediction.predictedAt, $0.prediction.predictedAt) }
        }
        if isSorted(kept, by: >) { kept.reverse() }
        if !isSorted(kept, by: <) { kept.sort { $0.prediction.predictedAt < $1.prediction.predictedAt } }
        let numeric = DatasetColumns.numericNames(of: schema)
        let categorical = DatasetColumns.categoricalNames(of: schema)
        let windows = slices(of: kept).map { slice, start, end in
            report(window: kept[slice], start: start, end: end, reference: reference, schema: schema, numeric: numeric, categorical: categorical)
        }
        return DriftHistoryReport(
            dataset: schema.name, window: window.description, reference: "training", pValueThreshold: pValueThreshold,
            distanceThreshold: distanceThreshold, driftShare: driftShare, minimumRows: minimumRows, windows: windows)
    }

    /// The index ranges of consecutive windows of `sorted` entries, with their bounds.
    func slices(of sorted: [RecordLogEntry]) -> [(Range<Int>, Date, Date)] {
        var result: [(Range<Int>, Date, Date)] = []
        var first = 0
        while first < sorted.count {
            let time = sorted[first].prediction.predictedAt.timeIntervalSince1970
            var last = first
            let bounds: (Date, Date)
            switch window {
            case .rows(let count):
                last = min(first + count, sorted.count)
                bounds = (sorted[first].prediction.predictedAt, sorted[last - 1].prediction.predictedAt)
            case .hour, .day, .week:
                let start = window.start(of: time)!
                let end = window.end(ofWindowStartingAt: start)
                while last < sorted.count && sorted[last].prediction.predictedAt.timeIntervalSince1970 < end { last += 1 }
                bounds = (Date(timeIntervalSince1970: start), Date(timeIntervalSince1970: end))
            }
            result.append((first..<last, bounds.0, bounds.1))
            first = last
        }
        return result
    }

    func report(
        window entries: ArraySlice<RecordLogEntry>, start: Date, end: Date, reference: DriftSample, schema: DatasetSchema,
        numeric: [String], categorical: [String]
    ) -> DriftWindowReport {
        let current = DriftSample(log: entries, schema: schema)
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
        let verdict: DriftReport.Verdict = entries.count < minimumRows || columns.isEmpty
            ? .notEnoughData
            : share >= driftShare ? .drift : .noDrift
        return DriftWindowReport(
            start: start, end: end, rows: entries.count, columns: columns, driftedShare: share, verdict: verdict, drifted: verdict == .drift)
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
        let log: any RecordPredictionLog = Platform.isDefaultDataset(schema.name)
            ? platform.predictionLog : try await platform.tables(for: schema).predictionLog
        let entries = try await log.recent(limit: limit)
        let report = try run(reference: reference, entries: entries, schema: schema, since: since)
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
