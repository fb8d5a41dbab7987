import Foundation
import PenguinsStorage
import Testing

/// The behaviour every ``ModelRegistry`` backend must show. `registry` must start empty.
func checkModelRegistryContract(_ registry: some ModelRegistry) async throws {
    #expect(try await registry.current() == nil)
    #expect(try await registry.versions().isEmpty)
    await #expect(throws: StorageError.nothingToRollBack) { try await registry.rollback() }
    await #expect(throws: StorageError.self) { try await registry.promote(version: 1) }

    let dates = (0..<3).map { Date(timeIntervalSince1970: 1_700_000_000 + Double($0) * 60) }
    var numbers: [Int] = []
    for (index, date) in dates.enumerated() {
        numbers.append(try await registry.register(artifact: Data("{\"model\":\(index + 1)}".utf8), createdAt: date))
    }
    #expect(numbers == [1, 2, 3])
    #expect(try await registry.model(version: 2) == RegisteredModel(version: 2, createdAt: dates[1], artifact: Data("{\"model\":2}".utf8)))
    #expect(try await registry.model(version: 99) == nil)
    #expect(try await registry.current() == nil)
    #expect(try await registry.versions() == [3, 2, 1].map {
        ModelVersionSummary(version: $0, createdAt: dates[$0 - 1], isCurrent: false)
    })

    // One promotion: nothing earlier to roll back to.
    try await registry.promote(version: 1)
    #expect(try await registry.current()?.version == 1)
    await #expect(throws: StorageError.nothingToRollBack) { try await registry.rollback() }

    try await registry.promote(version: 2)
    try await registry.promote(version: 3)
    #expect(try await registry.versions().map(\.isCurrent) == [true, false, false])
    #expect(try await registry.rollback() == 2)
    #expect(try await registry.current()?.version == 2)
    #expect(try await registry.versions().map(\.isCurrent) == [false, true, false])
    #expect(try await registry.rollback() == 1)
    await #expect(throws: StorageError.nothingToRollBack) { try await registry.rollback() }
    #expect(try await registry.current()?.version == 1)

    // Promoting the current version again records nothing: rollback goes to a different version.
    try await registry.promote(version: 3)
    try await registry.promote(version: 3)
    #expect(try await registry.rollback() == 1)

    // Unknown versions are refused and change nothing.
    await #expect(throws: StorageError.notFound("model version 42; list the versions with `penguins models list`")) {
        try await registry.promote(version: 42)
    }
    #expect(try await registry.current()?.version == 1)
    #expect(try await registry.register(artifact: Data("{}".utf8), createdAt: dates[0]) == 4)

    // The audit trail: every change of the current version, newest first, with who and how.
    let start = Date()
    try await registry.promote(version: 4, audit: PromotionAudit(
        action: .promote, at: .distantPast, from: nil, to: 0, actor: "key:ops", forced: true, comparison: #"{"margin":0.01}"#))
    try await registry.promote(version: 4, audit: PromotionAudit(action: .promote, at: .distantPast, from: nil, to: 0, actor: "again"))
    #expect(try await registry.rollback(by: "cli") == 1)
    let trail = try await registry.audit(limit: 100)
    #expect(trail.map(\.action) == [.rollback, .promote, .rollback, .promote, .rollback, .rollback, .promote, .promote, .promote])
    #expect(trail.map(\.from) == [4, 1, 3, 1, 2, 3, 2, 1, nil])
    #expect(trail.map(\.to) == [1, 4, 1, 3, 1, 2, 3, 2, 1])
    #expect(trail[0].actor == "cli" && !trail[0].forced && trail[0].comparison == nil)
    #expect(trail[1].actor == "key:ops" && trail[1].forced && trail[1].comparison == #"{"margin":0.01}"#)
    #expect(trail[1].at >= start.addingTimeInterval(-1) && trail[1].at <= Date().addingTimeInterval(1), "the registry's time, not the caller's")
    #expect(trail.dropFirst(2).allSatisfy { $0.actor == "system" })
    #expect(try await registry.audit(limit: 2) == Array(trail.prefix(2)))
}
