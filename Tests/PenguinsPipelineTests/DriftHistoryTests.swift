import Foundation
import PenguinsCore
import PenguinsPipeline
import PenguinsStatistics
import PenguinsStorage
import Testing

/// A stream with a known start of drift: two normal days, then heavier penguins with longer
/// flippers, then a day of too few rows.
struct ShiftedStream {
    static let schema = BundledSchemas.penguins
    static let mass = schema.features.firstIndex { $0.name == "body_mass_g" }!
    static let flipper = schema.features.firstIndex { $0.name == "flipper_length_mm" }!
    static let day = 86_400.0
    /// 2026-11-02T00:00:00Z, a Monday.
    static let monday = 1_793_577_600.0

    /// `count` values spread over a range by a formula, the same distribution for any `step` coprime with 2,000.
    static func masses(_ count: Int, step: Int, shift: Double = 0) -> [Double] {
        (0..<count).map { 3_000 + Double($0 * step % 2_000) + shift }
    }

    static func flippers(_ count: Int, step: Int, shift: Double = 0) -> [Double] {
        (0..<count).map { 180 + Double($0 * step % 50) + shift }
    }

    /// The training sample: `count` penguins, species 40 / 20 / 40 %.
    static func reference(count: Int = 300) -> DriftSample {
        DriftSample(
            values: ["body_mass_g": masses(count, step: 37), "flipper_length_mm": flippers(count, step: 13)],
            categories: ["species": ["Adelie": count * 2 / 5, "Chinstrap": count / 5, "Gentoo": count * 2 / 5]])
    }

    /// `count` predictions logged from `start`, one a minute.
    static func entries(_ count: Int, from start: Double, shift: Double = 0) -> [RecordLogEntry] {
        let masses = masses(count, step: 53, shift: shift * 25)
        let flippers = flippers(count, step: 17, shift: shift)
        return (0..<count).map { i in
            var features = [Double?](repeating: nil, count: schema.features.count)
            features[mass] = masses[i]
            features[flipper] = flippers[i]
            let predicted = [0, 0, 1, 2, 2][i % 5]
            return RecordLogEntry(features: features, prediction: RecordPrediction(
                predictedClass: predicted, probabilities: [0.8, 0.1, 0.1], modelVersion: 1,
                predictedAt: Date(timeIntervalSince1970: start + Double(i) * 60)))
        }
    }

    /// Monday and Tuesday normal (200 each), Wednesday shifted (200), Thursday 20 rows; shuffled.
    static var log: [RecordLogEntry] {
        (entries(200, from: monday + 3_600) + entries(200, from: monday + day + 3_600)
            + entries(200, from: monday + 2 * day + 3_600, shift: 30) + entries(20, from: monday + 3 * day)).reversed()
    }
}

@Suite struct DriftHistoryTests {
    @Test func dayWindowsShowNoDriftBeforeTheShiftAndDriftAfter() throws {
        let report = try DriftHistoryAnalysis(window: .day).run(reference: ShiftedStream.reference(), entries: ShiftedStream.log, schema: ShiftedStream.schema)
        #expect(report.windows.map(\.rows) == [200, 200, 200, 20])
        #expect(report.windows.map(\.verdict) == [.noDrift, .noDrift, .drift, .notEnoughData])
        #expect(report.windows.map(\.drifted) == [false, false, true, false])
        let first = report.windows[0]
        #expect(first.start == Date(timeIntervalSince1970: ShiftedStream.monday))
        #expect(first.end == Date(timeIntervalSince1970: ShiftedStream.monday + ShiftedStream.day))
        // Small reference: the tests, PSI beside the numeric columns.
        #expect(first.columns.map(\.column) == ["flipper_length_mm", "body_mass_g", "species"], "the schema's order, the columns both samples have")
        #expect(first.columns.map(\.method) == [.ks, .ks, .chiSquared])
        #expect(first.columns.allSatisfy { $0.pValue != nil && $0.threshold == 0.05 })
        #expect(first.columns.filter { $0.method == .ks }.allSatisfy { $0.psi != nil })
        let shifted = report.windows[2]
        #expect(shifted.columns.filter(\.drift).map(\.column) == ["flipper_length_mm", "body_mass_g"])
        #expect(abs(shifted.driftedShare - 2.0 / 3.0) < 1e-12)
        // A stricter share: two of three columns are not enough.
        let strict = try DriftHistoryAnalysis(window: .day, driftShare: 0.9).run(
            reference: ShiftedStream.reference(), entries: ShiftedStream.log, schema: ShiftedStream.schema)
        #expect(strict.windows[2].verdict == .noDrift)
    }

    @Test func otherWindowsAndSince() throws {
        let reference = ShiftedStream.reference()
        let week = try DriftHistoryAnalysis(window: .week).run(reference: reference, entries: ShiftedStream.log, schema: ShiftedStream.schema)
        #expect(week.windows.map(\.rows) == [620])
        #expect(week.windows[0].start == Date(timeIntervalSince1970: ShiftedStream.monday), "weeks start on Monday")
        let hours = try DriftHistoryAnalysis(window: .hour).run(reference: reference, entries: ShiftedStream.log, schema: ShiftedStream.schema)
        #expect(hours.windows.map(\.rows).reduce(0, +) == 620)
        #expect(hours.windows.allSatisfy { $0.rows <= 60 && $0.verdict == .notEnoughData })
        let rows = try DriftHistoryAnalysis(window: .rows(250)).run(reference: reference, entries: ShiftedStream.log, schema: ShiftedStream.schema)
        #expect(rows.windows.map(\.rows) == [250, 250, 120])
        #expect(rows.windows[0].start == Date(timeIntervalSince1970: ShiftedStream.monday + 3_600))
        let since = Date(timeIntervalSince1970: ShiftedStream.monday + 2 * ShiftedStream.day)
        let recent = try DriftHistoryAnalysis(window: .day).run(reference: reference, entries: ShiftedStream.log, schema: ShiftedStream.schema, since: since)
        #expect(recent.windows.map(\.verdict) == [.drift, .notEnoughData])
        #expect(try DriftHistoryAnalysis.since("2026-11-04") == since)
        #expect(try DriftHistoryAnalysis.since("2026-11-04T00:00:00Z") == since)
        #expect(throws: PipelineError.self) { try DriftHistoryAnalysis.since("yesterday") }
        #expect(try DriftWindow(argument: "rows=25") == .rows(25))
        for bad in ["month", "rows=0", "rows=", "rows=x"] { #expect(throws: PipelineError.self) { try DriftWindow(argument: bad) } }
    }

    @Test func aLargeReferenceIsComparedByDistances() throws {
        let report = try DriftHistoryAnalysis(window: .day).run(
            reference: ShiftedStream.reference(count: 1_500), entries: ShiftedStream.log, schema: ShiftedStream.schema)
        let first = report.windows[0]
        #expect(first.columns.map(\.method) == [.wasserstein, .wasserstein, .jensenShannon])
        #expect(first.columns.allSatisfy { $0.pValue == nil && $0.threshold == 0.1 })
        #expect(report.windows.map(\.verdict) == [.noDrift, .noDrift, .drift, .notEnoughData])
        // The distance is scipy's (checked in the statistics tests) on the window's values.
        let shifted = report.windows[2].columns[0]
        let expected = DistributionDistance.normedWasserstein(
            reference: ShiftedStream.flippers(1_500, step: 13), current: ShiftedStream.flippers(200, step: 17, shift: 30))
        #expect(shifted.column == "flipper_length_mm" && shifted.statistic == expected)
    }
}
