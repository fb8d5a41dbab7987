import Foundation
import PenguinsTestSupport
import Testing

/// `penguins keys`: a key is shown once and stored as its SHA-256 digest only; the server
/// commands refuse an open address without one.
@Suite struct KeysCommandTests {
    @Test func createListRevoke() async throws {
        let penguins = PenguinsExecutable()
        let none = try await penguins.run("keys", "list")
        #expect(none.status == 0)
        #expect(none.standardOutput.contains("no keys"))

        let created = try await penguins.run("keys", "create", "ops", "--role", "admin")
        #expect(created.status == 0, "\(created.standardError)")
        let issued = try created.json()
        #expect(issued["name"] as? String == "ops")
        #expect(issued["role"] as? String == "admin")
        let token = try #require(issued["token"] as? String)
        #expect(token.hasPrefix("pk_") && token.count == 46, "pk_ and 32 bytes in base64url")
        let reader = try await penguins.run("keys", "create", "grafana")
        #expect(try reader.json()["role"] as? String == "reader", "reader by default")
        #expect(try reader.json()["token"] as? String != token)

        // Only the digest is stored: the token is nowhere in the database, its SHA-256 is.
        let database = try Data(contentsOf: penguins.dataDirectory.appendingPathComponent("penguins.sqlite"))
        #expect(database.range(of: Data(token.utf8)) == nil)
        let digest = try await runProgram("/bin/sh", ["-c", "printf %s \"$0\" | sha256sum", token], timeout: .seconds(10))
        let hex = try #require(digest.standardOutput.split(separator: " ").first)
        #expect(hex.count == 64)
        #expect(database.range(of: Data(hex.utf8)) != nil)

        let listed = try await penguins.run("keys", "list", "--format", "json")
        let keys = try #require(JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(keys.map { $0["name"] as? String } == ["grafana", "ops"])
        #expect(keys.map { $0["role"] as? String } == ["reader", "admin"])
        #expect(keys.allSatisfy { $0["token"] == nil && $0["created_at"] is String })
        let table = try await penguins.run("keys", "list")
        #expect(table.standardOutput.contains("grafana") && table.standardOutput.contains("admin"))
        #expect(!table.standardOutput.contains("pk_"))

        expectUserError(try await penguins.run("keys", "create", "ops"), mentioning: "already exists")
        expectUserError(try await penguins.run("keys", "create", "not a name"), mentioning: "is not a key name")
        let badRole = try await penguins.run("keys", "create", "x", "--role", "root")
        #expect(badRole.status != 0)
        #expect(badRole.standardError.contains("root"))

        let revoked = try await penguins.run("keys", "revoke", "ops")
        #expect(revoked.status == 0)
        #expect(revoked.standardOutput.contains("revoked"))
        expectUserError(try await penguins.run("keys", "revoke", "ops"), mentioning: "no key named \"ops\"")
        let after = try await penguins.run("keys", "list", "--format", "json")
        #expect(after.standardOutput.contains("grafana") && !after.standardOutput.contains("\"ops\""))
    }

    @Test func anOpenAddressWithoutAKeyIsRefusedBeforeAnyWork() async throws {
        let penguins = PenguinsExecutable()
        for command in ["serve", "up"] {
            let refused = try await penguins.run(command, "--host", "0.0.0.0", "--port", "0", timeout: .seconds(60))
            expectUserError(refused, mentioning: "penguins keys create")
            #expect(refused.standardError.contains("--insecure-no-auth"))
        }
        // `up` stopped before ingesting.
        expectUserError(try await penguins.run("stats"), mentioning: "penguins ingest")

        var withWeakKey = penguins
        withWeakKey.environment["PENGUINS_ADMIN_KEY"] = "short"
        expectUserError(try await withWeakKey.run("serve", "--port", "0", timeout: .seconds(60)), mentioning: "PENGUINS_ADMIN_KEY")
    }
}
