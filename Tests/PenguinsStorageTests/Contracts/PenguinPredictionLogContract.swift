import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The penguins' prediction log is the dataset log of their bundled schema: an entry keeps every
/// feature it was given (island, sex and isotope ratios as well as the measurements), in append
/// order. `log` must start empty.
func checkPenguinPredictionLogContract(_ log: any RecordPredictionLog) async throws {
    #expect(log.schema == BundledSchemas.penguins)
    #expect(try await log.count() == 0)
    let coding = PenguinRecords(schema: log.schema)
    let full = Fixtures.penguin("p-1", .gentoo, .biscoe, sex: .female, otherFields: ["delta_15_n": .number(8.5), "delta_13_c": .number(-26.25)])
    let bare = Fixtures.penguin("p-2", .adelie, .dream, billLength: nil, sex: nil)
    let entries = [full, bare, full].enumerated().map { index, penguin in
        RecordLogEntry(
            features: coding.record(penguin, otherFields: false).features,
            prediction: coding.recordPrediction(Fixtures.prediction(penguin.species, version: 1 + index, at: 1_700_000_000 + Double(index)))
        )
    }
    try await log.append(Array(entries.prefix(2)))
    try await log.append([])
    try await log.append([entries[2]])
    #expect(try await log.count() == 3)
    #expect(try await log.recent(limit: 2) == [entries[2], entries[1]])
    #expect(try await log.recent(limit: 10) == entries.reversed())
    #expect(try await log.recent(limit: 0).isEmpty)
    let isotope = try #require(log.schema.features.firstIndex { $0.name == "delta_15_n" })
    #expect(try await log.recent(limit: 10).map { $0.features[isotope] } == [8.5, nil, 8.5])
    let columns = try await log.columns(limit: 2)
    #expect(columns.times == [1_700_000_001, 1_700_000_002])
    #expect(LogColumnsCheck.features(columns)[isotope] == [nil, 8.5])
    try await LogColumnsCheck.agree(log, limits: [0, 1, 2, 3, 10])
}

/// What a log reads column by column is what it reads entry by entry, oldest first.
enum LogColumnsCheck {
    /// The feature columns with nil for missing, so that they compare.
    static func features(_ columns: LogColumns) -> [[Double?]] {
        columns.features.map { column in column.map { $0.isNaN ? nil : $0 } }
    }

    static func agree(_ log: any RecordPredictionLog, limits: [Int]) async throws {
        for limit in limits {
            let entries = try await log.recent(limit: limit).reversed()
            let columns = try await log.columns(limit: limit)
            #expect(columns.count == entries.count, "limit \(limit)")
            #expect(columns.times == entries.map { $0.prediction.predictedAt.timeIntervalSince1970 }, "limit \(limit)")
            #expect(columns.predictedClasses == entries.map(\.prediction.predictedClass), "limit \(limit)")
            let expected = log.schema.features.indices.map { index in entries.map { $0.features[index] } }
            #expect(features(columns) == expected, "limit \(limit)")
        }
    }
}

/// The penguins' first prediction log, `prediction_log`, as the platform kept it before their
/// log became their dataset's (the four measurements as columns), and what must become of it.
enum FirstPredictionLog {
    /// Two logged predictions, oldest first: one with every measurement, one without its bill length.
    static let rows: [(measurements: Measurements, prediction: Prediction)] = [
        (Measurements(billLength: 39.5, billDepth: 17.25, flipperLength: 190, bodyMass: 3650), Fixtures.prediction(.adelie, version: 2, at: 1_700_000_000)),
        (Measurements(billLength: nil, billDepth: 15, flipperLength: 220, bodyMass: 5100), Fixtures.prediction(.gentoo, version: 3, at: 1_700_000_001)),
    ]

    /// The statements that fill the old log.
    static var statements: [String] {
        rows.map { measurements, prediction in
            let values = [measurements.billLength, measurements.billDepth, measurements.flipperLength, measurements.bodyMass]
                .map { $0.map { "\($0)" } ?? "NULL" }.joined(separator: ", ")
            let probabilities = Species.allCases.map { "\"\($0.rawValue)\":\(prediction.probabilities[$0]!)" }.joined(separator: ",")
            return """
                INSERT INTO prediction_log (bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, species, probabilities, model_version, predicted_at)
                VALUES (\(values), '\(prediction.species.rawValue)', '{\(probabilities)}', \(prediction.modelVersion), \(prediction.predictedAt.timeIntervalSince1970))
                """
        }
    }

    /// The penguins' log after the move holds the same entries in the same order, their
    /// measurements as features of the schema, and goes on after them.
    static func check(_ log: any RecordPredictionLog) async throws {
        let coding = PenguinRecords(schema: log.schema)
        let entries = rows.map { measurements, prediction in
            var features = [Double?](repeating: nil, count: log.schema.features.count)
            for (feature, index) in zip(Feature.allCases, coding.measurementIndices) { features[index] = measurements[feature] }
            return RecordLogEntry(features: features, prediction: coding.recordPrediction(prediction))
        }
        #expect(try await log.recent(limit: 10) == entries.reversed())
        try await log.append([entries[0]])
        #expect(try await log.count() == 3)
        #expect(try await log.recent(limit: 1) == [entries[0]])
    }
}
