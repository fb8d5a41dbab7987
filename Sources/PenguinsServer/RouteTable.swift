import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import PenguinsDashboard

/// One route the server answers: its method and its path in OpenAPI syntax
/// (`/api/v1/predictions/{penguin_id}`).
public struct Route: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var method: String
    public var path: String

    public init(_ method: String, _ path: String) {
        self.method = method
        self.path = path
    }

    public var description: String { "\(method) \(path)" }

    public static func < (lhs: Route, rhs: Route) -> Bool {
        (lhs.path, lhs.method) < (rhs.path, rhs.method)
    }

    /// The path in the router's syntax (`:penguin_id`).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : String(segment)
        }.joined(separator: "/")
    }

    /// True when a concrete request path matches this route's path.
    func matches(path requestPath: String) -> Bool {
        let pattern = path.split(separator: "/")
        let actual = requestPath.split(separator: "/")
        guard pattern.count == actual.count else { return false }
        return zip(pattern, actual).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}

/// What a route answers with, which decides how its errors are rendered, and whether it
/// may allocate a lot (whole-store scans), so the heap is trimmed after it answers.
struct RouteKind: Sendable {
    enum Rendering: Sendable {
        /// JSON (or text) API: errors are problem documents.
        case api
        /// A dashboard page: errors are HTML pages.
        case page
    }

    var rendering: Rendering
    var isHeavy = false
    /// An analysis over a whole warehouse: heavy, and admitted only while the server's
    /// ``HeavyWorkLimiter`` has a free slot (429 otherwise).
    var isLimited = false
    /// Who may call it once keys exist.
    var access = RouteAccess.reader

    static let api = RouteKind(rendering: .api)
    static let page = RouteKind(rendering: .page)

    /// The same kind, for a handler that may allocate a lot or compute for long: it runs on
    /// ``HeavyWorkExecutor``, off the event loops, and the heap is trimmed after it.
    var heavy: RouteKind {
        var copy = self
        copy.isHeavy = true
        return copy
    }

    /// The same kind, heavy and limited: an analysis over a whole warehouse.
    var limited: RouteKind {
        var copy = heavy
        copy.isLimited = true
        return copy
    }

    /// True when the handler takes the limiter's slot itself, only for work it has to do.
    var takesSlotItself = false

    /// An analysis kept per version of the data (``AnalysisResults``): limited, but a slot is
    /// taken only when a result has to be computed, so that requests a kept or running
    /// computation serves are never turned away.
    var limitedWhenComputing: RouteKind {
        var copy = limited
        copy.takesSlotItself = true
        return copy
    }

    /// The same kind, answering everyone even when keys exist.
    var openToAll: RouteKind {
        var copy = self
        copy.access = .open
        return copy
    }

    /// The same kind, for admins only once keys exist.
    var adminOnly: RouteKind {
        var copy = self
        copy.access = .admin
        return copy
    }
}

/// Registers routes on a router, wrapping each handler with its metrics and its error
/// rendering, and keeps what was registered: each route with the OpenAPI operation that
/// describes it, from which the served document's `paths` are built (``OpenAPIDocument``).
/// A page's handler, its error page included, renders within the dashboard's
/// ``PenguinsDashboard/Navigation`` (the datasets to switch between).
struct RouteTable {
    /// The API's routes: the caller is the bearer key's.
    let api: RouterGroup<PenguinsRequestContext>
    /// The dashboard's routes: the caller is the session's.
    let pages: RouterGroup<PenguinsRequestContext>
    let metrics: ServerMetrics
    let trimmer: MemoryTrimmer
    let limiter: HeavyWorkLimiter
    let access: AccessControl
    let navigation: @Sendable () async -> Navigation
    /// Every route registered, in order, with its operation and who may call it.
    private(set) var operations: [(route: Route, operation: OpenAPI.Operation)] = []
    /// Who may call each route once keys exist.
    private(set) var accessByRoute: [Route: RouteAccess] = [:]

    /// Every route registered, in order.
    var routes: [Route] { operations.map(\.route) }

    init(
        router: Router<PenguinsRequestContext>, metrics: ServerMetrics, trimmer: MemoryTrimmer = MemoryTrimmer(),
        limiter: HeavyWorkLimiter = HeavyWorkLimiter(limit: HeavyWorkLimiter.defaultLimit), access: AccessControl = AccessControl(),
        sessions: any PersistDriver = MemoryPersistDriver(),
        navigation: @escaping @Sendable () async -> Navigation = { Navigation(datasets: []) }
    ) {
        // Each group identifies callers its own way, so an API call pays for no session lookup.
        api = router.group().add(middleware: BearerKeyAuthenticator(access: access))
        pages = router.group()
            .add(middleware: SessionMiddleware(storage: sessions, configuration: SessionMiddlewareConfiguration(
                sessionCookieParameters: SessionCookieParameters(
                    name: AccessControl.sessionCookie, path: "/", secure: access.secureCookies, sameSite: .strict),
                keyPrefix: "penguins.session.", defaultSessionExpiration: access.sessionLifetime
            )))
            .add(middleware: SessionAuthenticator(context: PenguinsRequestContext.self) { (session: DashboardSession, _) in
                access.caller(of: session)
            })
        self.metrics = metrics
        self.trimmer = trimmer
        self.limiter = limiter
        self.access = access
        self.navigation = navigation
    }

    /// Registers `handler` for `method` on `path` (in OpenAPI syntax), described in the
    /// document by `operation`.
    mutating func add(
        _ method: HTTPRequest.Method, _ path: String, _ kind: RouteKind, _ operation: OpenAPI.Operation,
        _ handler: @escaping @Sendable (Request, PenguinsRequestContext) async throws -> Response
    ) {
        let route = Route(method.rawValue, path)
        let guarded = operation.guarded(kind.access, rendering: kind.rendering, method: method.rawValue)
        operations.append((route, kind.isLimited ? guarded.turningAwayWhenBusy : guarded))
        accessByRoute[route] = kind.access
        let routeMetrics = metrics.route(method.rawValue, path)
        let trimmer = kind.isHeavy ? self.trimmer : nil
        let navigation = self.navigation
        let limiter = kind.isLimited && !kind.takesSlotItself ? self.limiter : nil
        let access = self.access
        @Sendable func answer(_ request: Request, _ context: PenguinsRequestContext) async -> Response {
            if let limiter {
                guard limiter.tryAcquire() else { return Self.errorResponse(Problem.tooBusy(limit: limiter.limit), kind: kind.rendering) }
            }
            defer { limiter?.release() }
            do {
                if kind.isHeavy {
                    return try await withTaskExecutorPreference(HeavyWorkExecutor.shared) { try await handler(request, context) }
                }
                return try await handler(request, context)
            } catch {
                return Self.errorResponse(error, kind: kind.rendering)
            }
        }
        let group = kind.rendering == .api ? api : pages
        group.on(RouterPath(route.routerPath), method: method) { request, context -> Response in
            let start = ContinuousClock.now
            var response: Response
            switch kind.rendering {
            case .api:
                if let refusal = await access.refusal(for: context.identity, needs: kind.access, rendering: .api, request: request) {
                    response = refusal.response
                } else {
                    response = await answer(request, context)
                }
            case .page:
                response = await DashboardGate(access: access, kind: kind).answer(request, context, navigation: await navigation(), answer)
            }
            SecurityHeaders.apply(to: &response)
            routeMetrics.record(status: response.status.code, duration: ContinuousClock.now - start)
            trimmer?.trimSoon()
            return response
        }
    }

    static func errorResponse(_ error: any Error, kind: RouteKind.Rendering) -> Response {
        let problem = Problem.from(error)
        switch kind {
        case .api: return problem.response
        case .page: return Responses.page(problem)
        }
    }
}

/// Answers requests no route matched: 405 with `Allow` when the path exists with other
/// methods, else 404; a problem document, or an HTML page for a browser outside the API.
struct UnmatchedRouteMiddleware: RouterMiddleware {
    typealias Context = PenguinsRequestContext
    let routes: [Route]
    let metrics: RouteMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let path = request.uri.path
        let allowed = routes.filter { $0.matches(path: path) }.map(\.method)
        let problem = allowed.isEmpty
            ? Problem.unknownRoute(request.method, path)
            : Problem.methodNotAllowed(request.method, path, allowed: Array(Set(allowed)).sorted())
        let wantsPage = !path.hasPrefix("/api/") && (request.headers[.accept]?.contains("text/html") ?? false)
        var response = wantsPage ? Responses.page(problem) : problem.response
        SecurityHeaders.apply(to: &response)
        metrics.record(status: response.status.code, duration: ContinuousClock.now - start)
        return response
    }
}
