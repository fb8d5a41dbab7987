import Foundation
import PenguinsStorage
import Testing

/// What every API key store promises: keys listed by name with what was stored, a second key
/// of the same name refused, removal by name reported truthfully.
func checkAccessKeyStoreContract(_ store: any AccessKeyStore) async throws {
    #expect(try await store.keys().isEmpty)
    let created = Date(timeIntervalSince1970: 1_700_000_000.5)
    let ops = StoredAccessKey(name: "ops", role: "admin", digest: String(repeating: "ab", count: 32), createdAt: created)
    let grafana = StoredAccessKey(name: "grafana", role: "reader", digest: String(repeating: "01", count: 32), createdAt: created.addingTimeInterval(60))
    try await store.add(ops)
    try await store.add(grafana)
    #expect(try await store.keys() == [grafana, ops], "ordered by name, every field kept")

    let twin = StoredAccessKey(name: "ops", role: "reader", digest: String(repeating: "ff", count: 32), createdAt: created)
    await #expect(throws: StorageError.alreadyExists("the key \"ops\"")) { try await store.add(twin) }
    #expect(try await store.keys() == [grafana, ops], "the refused key changed nothing")

    #expect(try await store.remove(name: "ops"))
    #expect(try await store.remove(name: "ops") == false)
    #expect(try await store.keys() == [grafana])
    try await store.add(twin)
    #expect(try await store.keys().map(\.role) == ["reader", "reader"], "a removed name can be used again")
}
