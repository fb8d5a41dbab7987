import Foundation
import HTTPTypes
import HummingbirdTesting
import PenguinsCore
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import Testing

/// `GET /api/v1/drift/history` on a prediction log whose shift starts on a known day.
@Suite struct DriftHistoryAPITests {
    static let measurements = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    /// 2026-11-02T00:00:00Z.
    static let monday = 1_793_577_600.0

    /// Two days of the stored penguins as they are, then a day of the same penguins 800 g heavier
    /// with 20 mm longer flippers and 5 mm longer bills (three of the five columns), each
    /// prediction at its own minute.
    static func log(from columns: DatasetColumns) -> [RecordLogEntry] {
        let schema = columns.schema
        let values = measurements.map { columns.numeric($0)! }
        let species = columns.records.targetClasses
        let complete = columns.records.targetClasses.indices.filter { row in values.allSatisfy { $0[row] != nil } }
        var entries: [RecordLogEntry] = []
        for (day, shift) in [(0, false), (1, false), (2, true)] {
            for (minute, row) in complete.enumerated() {
                var features = [Double?](repeating: nil, count: schema.features.count)
                for (index, name) in measurements.enumerated() {
                    var value = values[index][row]!
                    if shift && name == "body_mass_g" { value += 800 }
                    if shift && name == "flipper_length_mm" { value += 20 }
                    if shift && name == "bill_length_mm" { value += 5 }
                    features[schema.features.firstIndex { $0.name == name }!] = value
                }
                entries.append(RecordLogEntry(features: features, prediction: RecordPrediction(
                    predictedClass: species[row], probabilities: [1, 0, 0], modelVersion: 1,
                    predictedAt: Date(timeIntervalSince1970: monday + Double(day) * 86_400 + Double(minute) * 60))))
            }
        }
        return entries
    }

    @Test func dayWindowsOfTheLog() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            try expectProblem(try await client.send(.get, "/api/v1/drift/history"), status: .conflict)
            try await platform.predictionLog.append(Self.log(from: try await DatasetColumns.load(from: platform.warehouse.recordWarehouse)))

            let report = try await client.send(.get, "/api/v1/drift/history?window=day").object()
            #expect(report["window"] as? String == "day")
            #expect(report["minimum_rows"] as? Int == 100)
            let windows = try #require(report["windows"] as? [[String: Any]])
            #expect(windows.map { $0["verdict"] as? String } == ["no_drift", "no_drift", "drift"])
            #expect(windows.map { $0["rows"] as? Int } == [342, 342, 342])
            #expect(windows.first?["start"] as? String == "2026-11-02T00:00:00Z")
            let shifted = try #require(windows.last?["columns"] as? [[String: Any]])
            #expect(Set(shifted.filter { $0["drift"] as? Bool == true }.compactMap { $0["column"] as? String }) == ["bill_length_mm", "flipper_length_mm", "body_mass_g"])
            #expect(shifted.allSatisfy { ["ks", "chi_squared"].contains($0["method"] as? String) })

            let since = try await client.send(.get, "/api/v1/drift/history?window=day&since=2026-11-04").object()
            #expect((since["windows"] as? [[String: Any]])?.count == 1)
            // Runs of 342 predictions: the days again, by count.
            let rows = try await client.send(.get, "/api/v1/drift/history?window=rows=342").object()
            #expect((rows["windows"] as? [[String: Any]])?.map { $0["verdict"] as? String } == ["no_drift", "no_drift", "drift"])
            // The penguins answer under their dataset's route too.
            let dataset = try await client.send(.get, "/api/v1/datasets/penguins/drift/history?window=week").object()
            #expect((dataset["windows"] as? [[String: Any]])?.count == 1)

            try expectProblem(try await client.send(.get, "/api/v1/drift/history?window=month"), status: .badRequest, field: "window")
            try expectProblem(try await client.send(.get, "/api/v1/drift/history?since=soon"), status: .badRequest, field: "since")
            try expectProblem(try await client.send(.get, "/api/v1/drift/history?share=0"), status: .badRequest, field: "share")
            try expectProblem(try await client.send(.get, "/api/v1/drift/history?since=2030-01-01"), status: .conflict)
        }
    }
}
