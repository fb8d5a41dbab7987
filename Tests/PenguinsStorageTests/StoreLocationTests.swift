import Foundation
import PenguinsStorage
import Testing

/// Parsing and validating store URLs: pure, no server involved.
@Suite struct StoreLocationTests {
    @Test func postgresURLs() throws {
        let location = try StoreLocation.parse("postgres://penguins:s3cret@db.example:5433/lab?sslmode=disable", role: .lake)
        #expect(location == .postgres(PostgresLocation(
            host: "db.example", port: 5433, username: "penguins", password: "s3cret", database: "lab", tls: .disable
        )))
        #expect(location.description == "postgres://penguins:***@db.example:5433/lab?sslmode=disable")

        let defaults = try StoreLocation.parse("postgresql://me@localhost/penguins", role: .warehouse)
        #expect(defaults == .postgres(PostgresLocation(host: "localhost", port: 5432, username: "me", database: "penguins", tls: .prefer)))

        let encoded = try StoreLocation.parse("postgres://u:p%40ss%2Fw@[::1]:6000/d?schema=team_a", role: .registry)
        guard case .postgres(let parsed) = encoded else { Issue.record("not postgres: \(encoded)"); return }
        #expect(parsed.password == "p@ss/w")
        #expect(parsed.host == "::1")
        #expect(parsed.schema == "team_a")
        #expect(try StoreLocation.parse(parsed.url, role: .lake) == encoded)
    }

    @Test func redisURLs() throws {
        #expect(try StoreLocation.parse("redis://127.0.0.1:6380/2", role: .cache)
            == .redis(RedisLocation(host: "127.0.0.1", port: 6380, database: 2)))
        let secured = try StoreLocation.parse("redis://:hunter2@cache:6379/0", role: .cache)
        #expect(secured == .redis(RedisLocation(host: "cache", port: 6379, password: "hunter2", database: 0)))
        #expect(secured.description == "redis://:***@cache:6379/0")
        let user = try StoreLocation.parse("redis://app:pw@cache", role: .cache)
        #expect(user == .redis(RedisLocation(host: "cache", port: 6379, username: "app", password: "pw")))
    }

    @Test func sqliteAndMemory() throws {
        let base = URL(fileURLWithPath: "/srv/app")
        #expect(try StoreLocation.parse("sqlite:///var/lib/penguins", role: .lake, relativeTo: base) == .sqlite(directory: URL(fileURLWithPath: "/var/lib/penguins")))
        #expect(try StoreLocation.parse("sqlite://data/here", role: .lake, relativeTo: base) == .sqlite(directory: URL(fileURLWithPath: "/srv/app/data/here")))
        #expect(try StoreLocation.parse("memory://", role: .cache) == .memory)
        #expect(try StoreLocation.parse("sqlite://.penguins", role: .cache, relativeTo: base) == .sqlite(directory: URL(fileURLWithPath: "/srv/app/.penguins")))
    }

    @Test func errorsNameTheRoleAndMaskThePassword() {
        let cases: [(String, StoreRole, String)] = [
            ("postgres://u:topsecret@host:99999/db", .lake, "outside 1-65535"),
            ("postgres://u:topsecret@host:5432", .warehouse, "name one database"),
            ("postgres://u:topsecret@host/db?sslmode=verify-full", .lake, "sslmode=verify-full"),
            ("postgres://u:topsecret@host/db?schema=Bad-Name", .lake, "schema=Bad-Name"),
            ("redis://:topsecret@host:6379/0", .lake, "cannot be kept in redis://"),
            ("redis://:topsecret@host:6379/x", .cache, "not a number"),
            ("postgres://u:topsecret@host/db", .cache, "cannot be kept in postgres://"),
            ("mongodb://u:topsecret@host/db", .lake, "unknown scheme mongodb://"),
            ("just-a-path", .lake, "not a URL"),
            ("postgres://:topsecret@host/db", .lake, "name the user"),
        ]
        for (url, role, reason) in cases {
            #expect {
                try StoreLocation.parse(url, role: role)
            } throws: { error in
                let text = String(describing: error)
                return text.contains("the \(role) location") && text.contains(reason) && !text.contains("topsecret")
                    && text.contains(role.flag) && !text.contains("\n")
            }
        }
    }

    @Test func passwordMasking() {
        #expect(StoreLocation.maskPassword(in: "postgres://u:p@h/d") == "postgres://u:***@h/d")
        #expect(StoreLocation.maskPassword(in: "redis://:p@h:1/0") == "redis://:***@h:1/0")
        #expect(StoreLocation.maskPassword(in: "redis://h:1/0") == "redis://h:1/0")
        #expect(StoreLocation.maskPassword(in: "postgres://u@h/d?x=a:b@c") == "postgres://u@h/d?x=a:b@c")
    }

    @Test func rolesAndTheirSettings() {
        #expect(StoreRole.predictionLog.flag == "--prediction-log")
        #expect(StoreRole.predictionLog.environmentVariable == "PENGUINS_PREDICTION_LOG")
        #expect(StoreRole.cache.environmentVariable == "PENGUINS_CACHE")
        #expect(StoreRole.cache.acceptedSchemes.contains("redis"))
        #expect(!StoreRole.lake.acceptedSchemes.contains("redis"))
    }
}
