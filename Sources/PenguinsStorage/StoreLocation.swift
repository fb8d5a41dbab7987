import Foundation

/// A storage role of the platform: each one is configured with its own ``StoreLocation``.
public enum StoreRole: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case lake
    case warehouse
    case cache
    case registry
    case predictionLog = "prediction log"
    case quarantine

    /// The role's name as error messages spell it ("prediction log").
    public var description: String { rawValue }

    /// The command-line flag that sets this role's location.
    public var flag: String {
        switch self {
        case .predictionLog: "--prediction-log"
        default: "--\(rawValue)"
        }
    }

    /// The environment variable that sets this role's location.
    public var environmentVariable: String {
        switch self {
        case .predictionLog: "PENGUINS_PREDICTION_LOG"
        default: "PENGUINS_\(rawValue.uppercased())"
        }
    }

    /// The URL schemes a location of this role may use.
    public var acceptedSchemes: [String] {
        switch self {
        case .cache: ["memory", "redis", "sqlite"]
        default: ["sqlite", "memory", "postgres"]
        }
    }
}

/// A PostgreSQL server and database: `postgres://user:password@host:port/database?sslmode=disable&schema=name`.
public struct PostgresLocation: Sendable, Hashable {
    /// How the connection negotiates TLS (libpq's `sslmode`, without certificate verification modes).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// The schema holding the tables (created when missing); nil for the user's default `search_path`.
    /// Lets several platforms, or parallel tests, share one database without seeing each other's rows.
    public var schema: String?

    public init(
        host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
        tls: TLSMode = .prefer, schema: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.schema = schema
    }

    /// The location with the same server and database but another schema.
    public func withSchema(_ schema: String?) -> PostgresLocation {
        var copy = self
        copy.schema = schema
        return copy
    }

    /// The URL with the password replaced by `***`.
    public var maskedURL: String { url(maskingPassword: true) }

    /// The URL, password included.
    public var url: String { url(maskingPassword: false) }

    private func url(maskingPassword: Bool) -> String {
        var text = "postgres://" + StoreLocation.percentEncoded(username)
        if let password { text += ":" + (maskingPassword ? "***" : StoreLocation.percentEncoded(password)) }
        text += "@\(StoreLocation.hostText(host)):\(port)/\(StoreLocation.percentEncoded(database))?sslmode=\(tls.rawValue)"
        if let schema { text += "&schema=\(schema)" }
        return text
    }
}

/// A Redis server and database number: `redis://[[user]:password@]host:port/db`.
public struct RedisLocation: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The ACL user name for `AUTH user password`; nil for `AUTH password` (the `default` user).
    public var username: String?
    public var password: String?
    /// The database number sent with `SELECT`.
    public var database: Int
    /// The prefix of every key the platform writes; counting and clearing touch only these keys.
    public var keyPrefix: String

    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0, keyPrefix: String = "") {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.keyPrefix = keyPrefix
    }

    /// The URL with the password replaced by `***`.
    public var maskedURL: String { url(maskingPassword: true) }

    /// The URL, password included.
    public var url: String { url(maskingPassword: false) }

    private func url(maskingPassword: Bool) -> String {
        var text = "redis://"
        if let password {
            text += StoreLocation.percentEncoded(username ?? "") + ":" + (maskingPassword ? "***" : StoreLocation.percentEncoded(password)) + "@"
        }
        text += "\(StoreLocation.hostText(host)):\(port)/\(database)"
        if !keyPrefix.isEmpty { text += "?prefix=\(StoreLocation.percentEncoded(keyPrefix))" }
        return text
    }
}

/// Where one storage role keeps its data, parsed from a URL:
///
/// | URL | store |
/// | --- | --- |
/// | `sqlite:///abs/path`, `sqlite://relative/path` | the SQLite database `penguins.sqlite` in that data directory |
/// | `memory://` | in this process, gone when it ends |
/// | `postgres://user:password@host:port/database?sslmode=disable` | a PostgreSQL database (`postgresql://` too) |
/// | `redis://[:password@]host:port/db` | a Redis database (the prediction cache only) |
///
/// ``description`` never shows a password.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(directory: URL)
    case memory
    case postgres(PostgresLocation)
    case redis(RedisLocation)

    /// The URL, with any password masked.
    public var description: String {
        switch self {
        case .sqlite(let directory): "sqlite://\(directory.path)"
        case .memory: "memory://"
        case .postgres(let location): location.maskedURL
        case .redis(let location): location.maskedURL
        }
    }

    /// The URL scheme (`sqlite`, `memory`, `postgres`, `redis`).
    public var scheme: String {
        switch self {
        case .sqlite: "sqlite"
        case .memory: "memory"
        case .postgres: "postgres"
        case .redis: "redis"
        }
    }

    /// Parses and validates a location URL for `role`.
    ///
    /// A relative SQLite path (`sqlite://data/here`) is resolved against `base`.
    /// - Throws: ``StoreLocationError`` naming the role and the URL, its password masked.
    public static func parse(_ text: String, role: StoreRole, relativeTo base: URL? = nil) throws(StoreLocationError) -> StoreLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        func fail(_ reason: String) -> StoreLocationError {
            StoreLocationError(role: role, location: maskPassword(in: trimmed), reason: reason)
        }
        guard let separator = trimmed.range(of: "://") else {
            throw fail("it is not a URL; write scheme://..., with one of the schemes \(role.acceptedSchemes.map { "\($0)://" }.joined(separator: ", "))")
        }
        let scheme = trimmed[..<separator.lowerBound].lowercased()
        let rest = String(trimmed[separator.upperBound...])
        let location: StoreLocation
        switch scheme {
        case "memory":
            guard rest.isEmpty || rest == "/" else { throw fail("memory:// takes nothing after the scheme") }
            location = .memory
        case "sqlite", "file":
            guard !rest.isEmpty else { throw fail("name the data directory, e.g. sqlite:///var/lib/penguins or sqlite://.penguins") }
            let path = rest.removingPercentEncoding ?? rest
            let basePath = (base ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path
            let absolute = path.hasPrefix("/") ? path : basePath + "/" + path
            location = .sqlite(directory: URL(fileURLWithPath: absolute).standardizedFileURL)
        case "postgres", "postgresql":
            location = .postgres(try parsePostgres(rest, fail: fail))
        case "redis":
            location = .redis(try parseRedis(rest, fail: fail))
        default:
            throw fail("unknown scheme \(scheme)://; use one of \(role.acceptedSchemes.map { "\($0)://" }.joined(separator: ", "))")
        }
        guard role.acceptedSchemes.contains(location.scheme) else {
            throw fail("the \(role) cannot be kept in \(location.scheme)://; use one of \(role.acceptedSchemes.map { "\($0)://" }.joined(separator: ", "))")
        }
        return location
    }

    /// `text` with the password of a `scheme://user:password@host` URL replaced by `***`.
    public static func maskPassword(in text: String) -> String {
        guard let separator = text.range(of: "://") else { return text }
        let afterScheme = text[separator.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        guard let at = afterScheme[..<authorityEnd].lastIndex(of: "@"),
              let colon = afterScheme[..<at].firstIndex(of: ":")
        else { return text }
        return String(text[..<afterScheme.index(after: colon)]) + "***" + String(text[at...])
    }

    // MARK: - Parsing

    /// The parts of `user:password@host:port/path?query`.
    private struct Parts {
        var user: String?
        var password: String?
        var host: String
        var port: Int?
        var path: String
        var query: [String: String]
    }

    private static func split(_ rest: String, fail: (String) -> StoreLocationError) throws(StoreLocationError) -> Parts {
        var remainder = Substring(rest)
        var query: [String: String] = [:]
        if let mark = remainder.firstIndex(of: "?") {
            for pair in remainder[remainder.index(after: mark)...].split(separator: "&") where !pair.isEmpty {
                let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(halves[0]).removingPercentEncoding ?? String(halves[0])
                let value = halves.count > 1 ? (String(halves[1]).removingPercentEncoding ?? String(halves[1])) : ""
                query[key] = value
            }
            remainder = remainder[..<mark]
        }
        var path = ""
        if let slash = remainder.firstIndex(of: "/") {
            path = String(remainder[remainder.index(after: slash)...])
            remainder = remainder[..<slash]
        }
        var user: String?
        var password: String?
        if let at = remainder.lastIndex(of: "@") {
            let credentials = remainder[..<at]
            remainder = remainder[remainder.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = String(credentials[..<colon]).removingPercentEncoding
                password = String(credentials[credentials.index(after: colon)...]).removingPercentEncoding
            } else {
                user = String(credentials).removingPercentEncoding
            }
        }
        var host = String(remainder)
        var port: Int?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw fail("the IPv6 host lacks its closing ]") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { throw fail("the port \(after.dropFirst()) is not a number") }
                port = number
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            let portText = host[host.index(after: colon)...]
            guard let number = Int(portText) else { throw fail("the port \(portText) is not a number") }
            port = number
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw fail("the URL names no host") }
        if let port, !(1...65535).contains(port) { throw fail("the port \(port) is outside 1-65535") }
        return Parts(user: user, password: password, host: host, port: port, path: path, query: query)
    }

    private static func parsePostgres(_ rest: String, fail: (String) -> StoreLocationError) throws(StoreLocationError) -> PostgresLocation {
        let parts = try split(rest, fail: fail)
        guard let user = parts.user, !user.isEmpty else {
            throw fail("name the user, e.g. postgres://penguins:secret@127.0.0.1:5432/penguins")
        }
        let database = parts.path.removingPercentEncoding ?? parts.path
        guard !database.isEmpty, !database.contains("/") else {
            throw fail("name one database after the host, e.g. postgres://\(user)@\(parts.host):\(parts.port ?? 5432)/penguins")
        }
        var tls = PostgresLocation.TLSMode.prefer
        if let mode = parts.query["sslmode"] {
            guard let parsed = PostgresLocation.TLSMode(rawValue: mode) else {
                throw fail("sslmode=\(mode) is not supported; use disable, prefer or require")
            }
            tls = parsed
        }
        var schema: String?
        if let name = parts.query["schema"] {
            guard isValidIdentifier(name) else {
                throw fail("schema=\(name) must be 1-63 lowercase letters, digits or underscores, starting with a letter or underscore")
            }
            schema = name
        }
        let unknown = parts.query.keys.filter { $0 != "sslmode" && $0 != "schema" }.sorted()
        guard unknown.isEmpty else { throw fail("unknown parameter \(unknown.joined(separator: ", ")); postgres:// takes sslmode and schema") }
        return PostgresLocation(
            host: parts.host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: database, tls: tls, schema: schema
        )
    }

    private static func parseRedis(_ rest: String, fail: (String) -> StoreLocationError) throws(StoreLocationError) -> RedisLocation {
        let parts = try split(rest, fail: fail)
        var database = 0
        if !parts.path.isEmpty {
            guard let number = Int(parts.path), number >= 0 else {
                throw fail("the database \(parts.path) is not a number; write redis://host:port/0")
            }
            database = number
        }
        let unknown = parts.query.keys.filter { $0 != "prefix" }.sorted()
        guard unknown.isEmpty else { throw fail("unknown parameter \(unknown.joined(separator: ", ")); redis:// takes prefix") }
        return RedisLocation(
            host: parts.host, port: parts.port ?? 6379,
            username: parts.user.flatMap { $0.isEmpty ? nil : $0 }, password: parts.password,
            database: database, keyPrefix: parts.query["prefix"] ?? ""
        )
    }

    /// A PostgreSQL identifier the platform may create: lowercase, so it needs no quoting rules.
    static func isValidIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        guard first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.urlUserAllowed
        allowed.remove(charactersIn: ":@/?#")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func hostText(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}

/// A store location URL that cannot be used, naming the role and the URL (password masked).
public struct StoreLocationError: Error, Equatable, Sendable, CustomStringConvertible {
    public var role: StoreRole
    /// The URL as given, its password replaced by `***`.
    public var location: String
    public var reason: String

    public init(role: StoreRole, location: String, reason: String) {
        self.role = role
        self.location = location
        self.reason = reason
    }

    public var description: String {
        "the \(role) location \(location) is not usable: \(reason) (set it with \(role.flag) or \(role.environmentVariable))"
    }
}
