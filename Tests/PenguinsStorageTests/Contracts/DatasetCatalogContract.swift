import Foundation
import PenguinsStorage
import Testing

/// What every dataset catalog promises: versions numbered 1, 2, ... per dataset, an unchanged
/// schema adds no version, the newest version answers, and datasets do not mix.
func checkDatasetCatalogContract(_ catalog: any DatasetCatalog) async throws {
    #expect(try await catalog.schemas().isEmpty)
    #expect(try await catalog.schema(named: "wine") == nil)
    #expect(try await catalog.versions(of: "wine").isEmpty)

    let first = Date(timeIntervalSince1970: 1_700_000_000.25)
    let v1 = try await catalog.register(name: "wine", fingerprint: "aaaa", document: "name: wine\n", at: first)
    #expect(v1 == RegisteredSchema(name: "wine", version: 1, fingerprint: "aaaa", document: "name: wine\n", registeredAt: first))

    // The same fingerprint again: no new version, the first one answers (with its own time).
    let again = try await catalog.register(name: "wine", fingerprint: "aaaa", document: "name: wine\n", at: first.addingTimeInterval(60))
    #expect(again == v1)

    let second = first.addingTimeInterval(120)
    let v2 = try await catalog.register(name: "wine", fingerprint: "bbbb", document: "name: wine\nv: 2\n", at: second)
    #expect(v2.version == 2)
    #expect(try await catalog.schema(named: "wine") == v2)

    // Back to the first content: a third version, not a return to version 1.
    let v3 = try await catalog.register(name: "wine", fingerprint: "aaaa", document: "name: wine\n", at: second.addingTimeInterval(1))
    #expect(v3.version == 3)

    let other = try await catalog.register(name: "churn", fingerprint: "cccc", document: "name: churn\n", at: second)
    #expect(other.version == 1, "each dataset numbers its own versions")
    #expect(try await catalog.schemas().map(\.name) == ["churn", "wine"])
    #expect(try await catalog.schemas().map(\.version) == [1, 3])
    #expect(try await catalog.versions(of: "wine").map(\.version) == [3, 2, 1])
    #expect(try await catalog.versions(of: "wine").last == v1)
}
