/// Where a Spark Connect server listens: `sc://HOST[:PORT][/;key=value;...]`, as Spark's own
/// clients write it. The port defaults to 15002. Known parameters: `user_id` (the user the
/// session runs as) and `session_id`; the platform talks plaintext HTTP/2, so `use_ssl=true`
/// and `token` (which Spark only sends over TLS) are refused.
public struct SparkConnectURL: Sendable, Hashable, CustomStringConvertible {
    /// Host name or address, and port.
    public var host: String
    public var port: Int
    /// The user the session runs as (`user_id`, default `penguins`).
    public var userID: String
    /// Further `key=value` parameters, kept for the server's user context.
    public var parameters: [String: String]

    /// Spark Connect's default port.
    public static let defaultPort = 15002

    /// A URL from its parts.
    public init(host: String, port: Int = SparkConnectURL.defaultPort, userID: String = "penguins", parameters: [String: String] = [:]) {
        self.host = host
        self.port = port
        self.userID = userID
        self.parameters = parameters
    }

    /// Parses `sc://HOST[:PORT][/;key=value...]`; throws ``SparkError/invalidURL(_:reason:)`` naming the fault.
    public init(parsing text: String) throws(SparkError) {
        let prefix = "sc://"
        guard text.lowercased().hasPrefix(prefix) else { throw .invalidURL(text, reason: "it must start with sc://") }
        var rest = Substring(text.dropFirst(prefix.count))
        var parameterText: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            parameterText = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var host = String(rest)
        var port = SparkConnectURL.defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw .invalidURL(text, reason: "an IPv6 host needs a closing ]") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65_535).contains(value) else {
                    throw .invalidURL(text, reason: "the port must be a number from 1 to 65535")
                }
                port = value
            } else if !after.isEmpty {
                throw .invalidURL(text, reason: "unexpected text after the host")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let value = Int(host[host.index(after: colon)...]), (1...65_535).contains(value) else {
                throw .invalidURL(text, reason: "the port must be a number from 1 to 65535")
            }
            port = value
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw .invalidURL(text, reason: "the host is missing") }
        var parameters: [String: String] = [:]
        for pair in parameterText.split(separator: ";") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else { throw .invalidURL(text, reason: "parameter \(pair) is not key=value") }
            parameters[String(parts[0])] = String(parts[1])
        }
        if let ssl = parameters["use_ssl"], ssl.lowercased() == "true" {
            throw .invalidURL(text, reason: "TLS (use_ssl=true) is not supported; reach the server over a trusted network or an SSH tunnel")
        }
        if parameters["token"] != nil {
            throw .invalidURL(text, reason: "token needs TLS, which is not supported; leave the token out")
        }
        self.host = host
        self.port = port
        self.userID = parameters.removeValue(forKey: "user_id") ?? "penguins"
        self.parameters = parameters
    }

    /// The URL as written, without parameters.
    public var description: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "sc://\(shown):\(port)"
    }
}

/// Which engine trains or scores: the platform's own Swift code, or a Spark cluster.
public enum Engine: Sendable, Hashable, CustomStringConvertible {
    case local
    case spark(SparkConnectURL)

    /// Reads `--engine`: `local`, `sc://HOST:PORT`, or `spark` for the URL in `PENGUINS_SPARK`.
    public init(parsing text: String, environment: [String: String]) throws(SparkError) {
        switch text.lowercased() {
        case "local", "swift":
            self = .local
        case "spark":
            guard let url = environment["PENGUINS_SPARK"], !url.isEmpty else {
                throw .invalidURL(text, reason: "--engine spark takes the URL from PENGUINS_SPARK, which is not set")
            }
            self = .spark(try SparkConnectURL(parsing: url))
        default:
            guard text.lowercased().hasPrefix("sc://") else {
                throw .invalidURL(text, reason: "the engine is local, spark (the URL in PENGUINS_SPARK) or sc://HOST:PORT")
            }
            self = .spark(try SparkConnectURL(parsing: text))
        }
    }

    /// `local`, or the Spark Connect URL.
    public var description: String {
        switch self {
        case .local: "local"
        case .spark(let url): url.description
        }
    }
}
