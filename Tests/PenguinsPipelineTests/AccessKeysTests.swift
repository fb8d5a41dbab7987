import Foundation
import PenguinsPipeline
import PenguinsStorage
import Testing

@Suite struct AccessKeysTests {
    @Test func digestsAreSHA256() {
        // FIPS 180-2's examples.
        #expect(AccessKeys.digest(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(AccessKeys.digest(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func tokensAreLongRandomAndURLSafe() {
        let tokens = (0..<200).map { _ in AccessKeys.newToken() }
        #expect(Set(tokens).count == 200)
        for token in tokens {
            #expect(token.hasPrefix("pk_") && token.count == 46)
            #expect(token.dropFirst(3).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        }
    }

    @Test func namesAreChecked() {
        for name in ["ops", "grafana-1", "ci.deploy_2", String(repeating: "a", count: 64)] { #expect(AccessKeys.isValidName(name), "\(name)") }
        for name in ["", "-ops", ".x", "a b", "ops!", "é", String(repeating: "a", count: 65)] { #expect(!AccessKeys.isValidName(name), "\(name)") }
    }

    @Test func theKeyringFindsTheKeyOfAToken() async throws {
        let keys = AccessKeys(store: MemoryAccessKeyStore())
        let admin = try await keys.create(name: "ops", role: .admin)
        let reader = try await keys.create(name: "grafana", role: .reader)
        await #expect(throws: AccessKeyError.invalidName("no way")) { try await keys.create(name: "no way", role: .reader) }
        let ring = try await keys.keyring()
        #expect(!ring.isEmpty)
        #expect(ring.key(presenting: admin.token)?.name == "ops")
        #expect(ring.key(presenting: admin.token)?.role == .admin)
        #expect(ring.key(presenting: reader.token)?.role == .reader)
        #expect(ring.key(presenting: admin.token.dropLast()) == nil)
        #expect(ring.key(presenting: admin.token + "=") == nil)
        #expect(ring.key(presenting: "") == nil)
        #expect(ring.key(named: "grafana")?.role == .reader)
        #expect(AccessRole.admin.grants == [.reader, .admin])
        #expect(AccessRole.reader.grants == [.reader])

        try await keys.revoke(name: "ops")
        await #expect(throws: AccessKeyError.unknownKey("ops")) { try await keys.revoke(name: "ops") }
        #expect(try await keys.keyring().key(presenting: admin.token) == nil)
        #expect(Keyring.empty.isEmpty)
    }

    @Test func aStoredKeyOfAnUnknownRoleAdmitsNobodyButKeepsTheServerClosed() async throws {
        let store = MemoryAccessKeyStore()
        try await store.add(StoredAccessKey(name: "future", role: "auditor", digest: AccessKeys.digest(of: "pk_x"), createdAt: Date()))
        let ring = try await AccessKeys(store: store).keyring()
        #expect(!ring.isEmpty)
        #expect(ring.key(presenting: "pk_x") == nil)
        await #expect(throws: StorageError.self) { try await AccessKeys(store: store).list() }
    }
}
