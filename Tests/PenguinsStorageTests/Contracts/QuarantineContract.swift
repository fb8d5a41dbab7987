import Foundation
import PenguinsStorage
import Testing

/// The behaviour every ``Quarantine`` backend must show. `quarantine` must start empty.
func checkQuarantineContract(_ quarantine: some Quarantine) async throws {
    #expect(try await quarantine.count() == 0)
    #expect(try await quarantine.rows(limit: 10).isEmpty)

    let start = Date(timeIntervalSince1970: 1_700_000_000)
    func row(_ file: String, _ line: Int, reason: String, after seconds: Double) -> QuarantinedRow {
        QuarantinedRow(file: file, line: line, rawText: "raw \(line)", reason: reason, quarantinedAt: start + seconds)
    }
    let first = [2, 3, 4].map { row("a.csv", $0, reason: "bad species", after: Double($0)) }
    try await quarantine.append(first)
    #expect(try await quarantine.count() == 3)
    #expect(try await quarantine.rows(limit: 10) == first.reversed())
    #expect(try await quarantine.rows(limit: 2) == [first[2], first[1]])

    // Re-ingesting the file replaces its rows instead of adding new ones.
    let again = [2, 3, 4].map { row("a.csv", $0, reason: "bad island", after: 100 + Double($0)) }
    try await quarantine.append(again)
    #expect(try await quarantine.count() == 3)
    #expect(try await quarantine.rows(limit: 10) == again.reversed())

    // The same line of another file is another row; equal times come newest-appended first.
    let other = [row("b.csv", 2, reason: "bad mass", after: 200), row("b.csv", 5, reason: "bad sex", after: 200)]
    try await quarantine.append(other)
    #expect(try await quarantine.count() == 5)
    #expect(try await quarantine.rows(limit: 3) == [other[1], other[0], again[2]])

    // A new ingestion of a.csv in which only line 3 is still bad releases lines 2 and 4, and
    // leaves b.csv alone.
    #expect(try await quarantine.release(file: "a.csv", keepingLines: [3]) == 2)
    #expect(try await quarantine.count() == 3)
    #expect(try await quarantine.rows(limit: 10) == [other[1], other[0], again[1]])
    #expect(try await quarantine.release(file: "a.csv", keepingLines: [3]) == 0)
    // A file with no bad line left releases all of its rows; an unknown file releases none.
    #expect(try await quarantine.release(file: "b.csv", keepingLines: []) == 2)
    #expect(try await quarantine.release(file: "never.csv", keepingLines: [1]) == 0)
    #expect(try await quarantine.rows(limit: 10) == [again[1]])
}
