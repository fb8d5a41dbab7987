import Foundation
import PenguinsPipeline
import Testing

/// The schedules of `serve --schedule`: parsing, and when each runs next (UTC).
@Suite struct JobScheduleTests {
    /// 2026-12-06T01:30:00Z.
    static let night = Date(timeIntervalSince1970: 1_796_520_600)

    @Test func dailyRunsAtItsTimeTodayOrTomorrow() throws {
        let schedule = try JobSchedule(argument: "score daily 02:00")
        #expect(schedule == JobSchedule(job: .score, cadence: .daily(hour: 2, minute: 0)))
        #expect(schedule.description == "score daily 02:00")
        #expect(schedule.nextRun(after: Self.night) == Self.night.addingTimeInterval(1_800))
        // At 02:00 exactly and after it, the next run is tomorrow's.
        #expect(schedule.nextRun(after: Self.night.addingTimeInterval(1_800)) == Self.night.addingTimeInterval(1_800 + 86_400))
        #expect(schedule.nextRun(after: Self.night.addingTimeInterval(7_200)) == Self.night.addingTimeInterval(1_800 + 86_400))
    }

    @Test func hourlyAndEveryN() throws {
        let hourly = try JobSchedule(argument: "drift hourly")
        #expect(hourly.nextRun(after: Self.night) == Self.night.addingTimeInterval(1_800))
        #expect(hourly.nextRun(after: Self.night.addingTimeInterval(1_800)) == Self.night.addingTimeInterval(5_400))
        for (text, seconds, shown) in [("score every 30s", 30, "score every 30s"), ("drift every 90m", 5_400, "drift every 90m"), ("score every 6h", 21_600, "score every 6h")] {
            let schedule = try JobSchedule(argument: text)
            #expect(schedule.cadence == .every(seconds: seconds))
            #expect(schedule.description == shown)
            #expect(schedule.nextRun(after: Self.night) == Self.night.addingTimeInterval(Double(seconds)))
        }
    }

    @Test func aScheduleThatIsNotOneIsNamed() {
        for text in ["train daily 02:00", "score", "score daily 24:00", "score daily 2", "score every 0s", "score every 5d", "drift weekly"] {
            #expect(throws: PipelineError.self, "\(text)") { try JobSchedule(argument: text) }
        }
        #expect((try? JobSchedule(argument: "score daily 7:61")) == nil)
    }
}
