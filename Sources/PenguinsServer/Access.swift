import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import PenguinsPipeline
import PenguinsStorage
import ServiceLifecycle
import Synchronization

/// The context of every request: the caller that a key or a dashboard session identified
/// (hummingbird-auth's identity), and the dashboard session.
public struct PenguinsRequestContext: AuthRequestContext, SessionRequestContext, RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Caller?
    public let sessions: SessionContext<DashboardSession>

    public init(source: Source) {
        coreContext = .init(source: source)
        identity = nil
        sessions = .init()
    }
}

/// Who is calling: the key presented, directly (`Authorization: Bearer`) or through a dashboard
/// session opened with it.
public struct Caller: RoleProviding, Sendable {
    public enum Credential: Sendable {
        /// `Authorization: Bearer KEY`: what the API accepts.
        case bearer
        /// The dashboard's session cookie: what pages accept.
        case session
    }

    public var key: AccessKey
    public var credential: Credential
    public var roles: Set<AccessRole> { key.role.grants }
}

/// What a dashboard session remembers: the key it was opened with (by name and creation time,
/// so that revoking the key, or making another of the same name, ends the session).
public struct DashboardSession: Codable, Sendable {
    var keyName: String
    var keyCreatedAt: Date
}

/// Who may call a route.
enum RouteAccess: Sendable {
    /// Anyone: health, readiness, the OpenAPI document, the style sheet, the login page.
    case open
    /// Holders of a reader or an admin key.
    case reader
    /// Holders of an admin key.
    case admin

    var role: AccessRole? {
        switch self {
        case .open: nil
        case .reader: .reader
        case .admin: .admin
        }
    }
}

/// The server's view of the API keys: a snapshot of the stored keys (refreshed by
/// ``KeyringWatcher``) plus the admin key given by the environment, and whether a server
/// without keys answers everyone (on loopback, or when explicitly allowed) or nobody.
final class AccessControl: Sendable {
    /// The name the key of `PENGUINS_ADMIN_KEY` goes by.
    static let environmentKeyName = "PENGUINS_ADMIN_KEY"
    /// The session cookie's name.
    static let sessionCookie = "penguins_session"
    /// The cookie holding the token that every dashboard form posts back as `csrf_token`.
    static let csrfCookie = "penguins_csrf"

    private let keyring: Mutex<Keyring>
    private let environmentKeys: [StoredAccessKey]
    /// True when a server without keys answers everyone: it listens on loopback only, or
    /// `--insecure-no-auth` was given. Otherwise no key means no access.
    let openWhenKeyless: Bool
    /// Cookies carry `Secure` (the server speaks HTTPS).
    let secureCookies: Bool
    /// How long a dashboard session lasts.
    let sessionLifetime: Duration

    /// No stored keys until ``refresh(from:)`` reads them; the key of `environmentToken`, if
    /// given, is an admin key from the start.
    init(
        environmentToken: String? = nil, openWhenKeyless: Bool = true,
        secureCookies: Bool = false, sessionLifetime: Duration = .seconds(8 * 3600)
    ) {
        environmentKeys = environmentToken.map {
            [StoredAccessKey(name: Self.environmentKeyName, role: AccessRole.admin.rawValue, digest: AccessKeys.digest(of: $0), createdAt: Date(timeIntervalSince1970: 0))]
        } ?? []
        keyring = Mutex(Keyring(environmentKeys))
        self.openWhenKeyless = openWhenKeyless
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
    }

    /// The keys as last read.
    var current: Keyring { keyring.withLock { $0 } }

    /// True when every route answers without a key: no key exists and the server is open when keyless.
    var isOpen: Bool { openWhenKeyless && keyring.withLock { $0.isEmpty } }

    /// Takes the keys as they are stored now.
    func refresh(from keys: AccessKeys) async throws {
        let ring = try await keys.keyring(including: environmentKeys)
        keyring.withLock { $0 = ring }
    }

    /// Why `caller` may not call a route of `access` rendered as `rendering`, or nil when it may.
    /// The API takes keys only; pages take sessions only.
    func refusal(for caller: Caller?, needs access: RouteAccess, rendering: RouteKind.Rendering, request: Request) async -> Problem? {
        guard let role = access.role, !isOpen else { return nil }
        let credential: Caller.Credential = rendering == .api ? .bearer : .session
        guard let caller, caller.credential == credential else { return .unauthorized(rendering) }
        let allowed = (try? await RolePolicy<Caller>(role).isAuthorized(identity: caller, request: request)) ?? false
        return allowed ? nil : .forbidden(caller: caller.key, needs: role)
    }

    /// The caller a session stands for, while its key is still on the ring.
    func caller(of session: DashboardSession) -> Caller? {
        guard let key = current.key(named: session.keyName), key.createdAt == session.keyCreatedAt else { return nil }
        return Caller(key: key, credential: .session)
    }

    /// A new random form token.
    static func newCSRFToken() -> String { String(AccessKeys.newToken().dropFirst(3)) }
}

/// Identifies the caller of `Authorization: Bearer KEY` (hummingbird-auth's bearer parsing),
/// comparing the key's digest with each stored one in constant time. An unknown key leaves
/// the request anonymous; the route decides whether that is a 401.
struct BearerKeyAuthenticator: AuthenticatorMiddleware {
    typealias Context = PenguinsRequestContext
    let access: AccessControl

    func authenticate(request: Request, context: Context) async throws -> Caller? {
        guard let bearer = request.headers.bearer else { return nil }
        return access.current.key(presenting: bearer.token).map { Caller(key: $0, credential: .bearer) }
    }
}

/// Reads the stored keys every `interval`, so keys created or revoked by `penguins keys` take
/// effect in a running server. When the store cannot be read, the last keys stay in force.
struct KeyringWatcher: Service {
    let access: AccessControl
    let keys: AccessKeys
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                try await access.refresh(from: keys)
            } catch {
                logger.warning("cannot read the API keys (the last ones read stay in force): \(error)")
            }
        }
    }
}

extension Problem {
    /// 401: no key (API) or no session (pages), or one not known.
    static func unauthorized(_ rendering: RouteKind.Rendering) -> Problem {
        switch rendering {
        case .api:
            Problem(status: .unauthorized, type: "unauthorized", title: "Unauthorized",
                    detail: "this server needs an API key: send `Authorization: Bearer KEY` with a key made by `penguins keys create NAME --role reader|admin`",
                    errors: [FieldError(field: "Authorization", detail: "missing, not a bearer key, or not a key this server knows")],
                    headers: ["WWW-Authenticate": "Bearer realm=\"penguins\""])
        case .page:
            Problem(status: .unauthorized, type: "unauthorized", title: "Sign in",
                    detail: "the dashboard needs a key: sign in at /login")
        }
    }

    /// 403: the caller's key lacks the role the route needs.
    static func forbidden(caller: AccessKey, needs role: AccessRole) -> Problem {
        Problem(status: .forbidden, type: "forbidden", title: "Forbidden",
                detail: "the key \"\(caller.name)\" has the role \(caller.role.rawValue); this needs the role \(role.rawValue)",
                errors: [FieldError(field: "Authorization", detail: "needs a key with the role \(role.rawValue)")])
    }

    /// 403: a dashboard form posted without the token of the page that showed it.
    static var csrfRejected: Problem {
        Problem(status: .forbidden, type: "csrf", title: "Form refused",
                detail: "the form did not carry this dashboard's csrf_token (it came from another site, or the page is stale): reload the page and submit again",
                errors: [FieldError(field: "csrf_token", detail: "missing or not matching this browser's token")])
    }
}
