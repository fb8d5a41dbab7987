import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The behaviour every ``PredictionLog`` backend must show. `log` must start empty.
func checkPredictionLogContract(_ log: some PredictionLog) async throws {
    #expect(try await log.count() == 0)
    #expect(try await log.recent(limit: 5).isEmpty)
    #expect(try await log.values(of: .billLength, limit: 5).isEmpty)

    let billLengths: [Double?] = [40.5, nil, 41.25, 38, nil, 50.5]
    let entries = billLengths.enumerated().map { index, billLength in
        PredictionLogEntry(
            measurements: Measurements(billLength: billLength, billDepth: 18 + Double(index), flipperLength: nil, bodyMass: 4000),
            prediction: Fixtures.prediction(Species.allCases[index % 3], version: 1 + index / 3, at: 1_700_000_000 + Double(index))
        )
    }
    try await log.append(Array(entries.prefix(4)))
    try await log.append([])
    try await log.append(Array(entries.dropFirst(4)))
    #expect(try await log.count() == 6)

    #expect(try await log.recent(limit: 2) == [entries[5], entries[4]])
    #expect(try await log.recent(limit: 100) == entries.reversed())

    // Present values only, the newest `limit`, oldest first.
    #expect(try await log.values(of: .billLength, limit: 3) == [41.25, 38, 50.5])
    #expect(try await log.values(of: .billLength, limit: 100) == [40.5, 41.25, 38, 50.5])
    #expect(try await log.values(of: .billDepth, limit: 2) == [22, 23])
    #expect(try await log.values(of: .flipperLength, limit: 10).isEmpty)
    #expect(try await log.values(of: .billLength, limit: 0).isEmpty)
    #expect(try await log.recent(limit: 0).isEmpty)
}
