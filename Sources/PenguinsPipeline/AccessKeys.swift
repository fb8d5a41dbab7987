import Crypto
import Foundation
import PenguinsStorage

/// What an API key, or a dashboard session opened with one, may do.
public enum AccessRole: String, Codable, CaseIterable, Sendable {
    /// Reads everything and predicts.
    case reader
    /// Also promotes and rolls back models, runs benchmarks and feeds simulated streams.
    case admin

    /// The roles a holder of this role has: an admin is a reader too.
    public var grants: Set<AccessRole> {
        switch self {
        case .reader: [.reader]
        case .admin: [.reader, .admin]
        }
    }
}

/// An API key as it is listed: never its token, which only its creator saw.
public struct AccessKey: Codable, Hashable, Sendable {
    public var name: String
    public var role: AccessRole
    public var createdAt: Date

    public init(name: String, role: AccessRole, createdAt: Date) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case name, role
        case createdAt = "created_at"
    }
}

/// A key just created: the only time its token is shown.
public struct IssuedAccessKey: Codable, Hashable, Sendable {
    public var name: String
    public var role: AccessRole
    public var token: String
}

/// Why a key cannot be created or revoked.
public enum AccessKeyError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case unknownKey(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "\"\(name)\" is not a key name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        case .unknownKey(let name):
            "there is no key named \"\(name)\"; `penguins keys list` shows the keys"
        }
    }
}

/// The platform's API keys: created with a random token of 256 bits, of which only the SHA-256
/// digest is stored; listed without tokens; revoked by name.
public struct AccessKeys: Sendable {
    let store: any AccessKeyStore

    public init(store: any AccessKeyStore) {
        self.store = store
    }

    /// Creates a key and returns it with its token, which cannot be recovered afterwards.
    /// - Throws: ``AccessKeyError/invalidName(_:)``, `StorageError.alreadyExists` for a name in use.
    public func create(name: String, role: AccessRole, at time: Date = Date()) async throws -> IssuedAccessKey {
        guard Self.isValidName(name) else { throw AccessKeyError.invalidName(name) }
        let token = Self.newToken()
        try await store.add(StoredAccessKey(name: name, role: role.rawValue, digest: Self.digest(of: token), createdAt: time))
        return IssuedAccessKey(name: name, role: role, token: token)
    }

    /// Every key, ordered by name.
    public func list() async throws -> [AccessKey] {
        try await store.keys().map { stored in
            guard let role = AccessRole(rawValue: stored.role) else { throw StorageError.corrupt("the key \"\(stored.name)\" has the unknown role \"\(stored.role)\"") }
            return AccessKey(name: stored.name, role: role, createdAt: stored.createdAt)
        }
    }

    /// Deletes the key named `name`; requests presenting it are refused from then on.
    /// - Throws: ``AccessKeyError/unknownKey(_:)`` when there is no such key.
    public func revoke(name: String) async throws {
        guard try await store.remove(name: name) else { throw AccessKeyError.unknownKey(name) }
    }

    /// The keys as they are now, and `extra` ones kept elsewhere, to authenticate requests with.
    public func keyring(including extra: [StoredAccessKey] = []) async throws -> Keyring {
        Keyring(try await store.keys() + extra)
    }

    /// A new token: `pk_` and 32 random bytes from the system's secure generator, in base64url.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "pk_" + base64
    }

    /// The SHA-256 digest of `token` in lowercase hexadecimal, as stored.
    public static func digest(of token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// 1 to 64 of `A-Z a-z 0-9 . _ -`, the first a letter or a digit.
    public static func isValidName(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard (1...64).contains(scalars.count) else { return false }
        func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return isAlphanumeric(scalars[0]) && scalars.allSatisfy { isAlphanumeric($0) || $0 == "." || $0 == "_" || $0 == "-" }
    }
}

/// The keys at one moment, for authenticating requests: a presented token is hashed and its
/// digest compared with every key's in constant time, so the time taken says nothing of which
/// bytes matched.
public struct Keyring: Sendable {
    private let entries: [(digest: [UInt8], key: AccessKey)]
    /// True when no key is stored: the server is open (on loopback only).
    public let isEmpty: Bool

    /// The keys of `stored`; one with a role this version does not know is stored but admits
    /// nobody.
    public init(_ stored: [StoredAccessKey]) {
        isEmpty = stored.isEmpty
        entries = stored.compactMap { stored in
            guard let role = AccessRole(rawValue: stored.role), let digest = Self.bytes(hex: stored.digest) else { return nil }
            return (digest, AccessKey(name: stored.name, role: role, createdAt: stored.createdAt))
        }
    }

    /// No keys.
    public static let empty = Keyring([])

    /// The key whose token is `token`, or nil.
    public func key(presenting token: some StringProtocol) -> AccessKey? {
        let presented = Array(SHA256.hash(data: Data(token.utf8)))
        var found: AccessKey?
        for entry in entries where Self.constantTimeEqual(entry.digest, presented) {
            found = entry.key
        }
        return found
    }

    /// The key named `name`, if it is still on the ring (a session's key may have been revoked).
    public func key(named name: String) -> AccessKey? {
        entries.first { $0.key.name == name }?.key
    }

    /// Equal lengths and bytes, looking at every byte whatever the first difference.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

extension Platform {
    /// The platform's API keys, kept where the registry is.
    public var keys: AccessKeys { AccessKeys(store: accessKeys) }
}
