import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PenguinsPipeline
@testable import PenguinsServer
import Testing

/// Who may call what once API keys exist: every route of the route table called with no
/// credential, as a reader and as an admin (a bearer key for the API, a signed-in session for
/// the dashboard), so a route added later is checked without being listed here.
@Suite struct AccessControlTests {
    /// The routes that answer anyone: the policy, written out.
    static let openRoutes: Set<Route> = [
        Route("GET", "/api/v1/health"), Route("GET", "/api/v1/ready"), Route("GET", "/api/v1/openapi.yaml"),
        Route("GET", "/assets/dashboard.css"), Route("GET", "/login"), Route("POST", "/login"), Route("POST", "/logout"),
    ]
    /// The routes that change what every prediction answers or load the stores: admins only.
    static let adminRoutes: Set<Route> = [
        Route("POST", "/api/v1/models/{version}/promote"), Route("POST", "/api/v1/datasets/{dataset}/models/{version}/promote"),
        Route("POST", "/classification/promote"), Route("POST", "/datasets/{dataset}/promote"),
        Route("POST", "/drift/simulate"), Route("POST", "/benchmarks"),
    ]

    @Test func everyRoleOnEveryRoute() async throws {
        let platform = try await makePlatform()
        let reader = try await platform.keys.create(name: "grafana", role: .reader)
        let admin = try await platform.keys.create(name: "ops", role: .admin)
        // Signing out last: it ends the session the other routes are called with.
        let signOut = Route("POST", "/logout")
        let routes = try await PenguinsServer.routes(platform: platform).filter { $0 != signOut } + [signOut]
        #expect(routes.count > 40)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let readerSession = try await signIn(client, token: reader.token)
            let adminSession = try await signIn(client, token: admin.token)
            for route in routes {
                let isAPI = route.path.hasPrefix("/api/")
                let credentials: [(name: String, role: AccessRole?, headers: HTTPFields)] = [
                    ("nobody", nil, [:]),
                    ("reader", .reader, isAPI ? bearer(reader.token) : readerSession),
                    ("admin", .admin, isAPI ? bearer(admin.token) : adminSession),
                ]
                for credential in credentials {
                    let response = try await call(route, client, headers: credential.headers)
                    let label = "\(route) as \(credential.name): \(response.status)"
                    // Refusals carry the security headers as answers do.
                    SecurityHeadersTests.expectHeaders(response, label)
                    let refusedAsAnonymous = response.status == .unauthorized || response.headers[.location]?.hasPrefix("/login?") == true
                    if Self.openRoutes.contains(route) {
                        #expect(!refusedAsAnonymous && response.status != .forbidden || route == Route("POST", "/login"), "\(label)")
                    } else if credential.role == nil {
                        if isAPI {
                            try expectProblem(response, status: .unauthorized, field: "Authorization")
                            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"penguins\"", "\(label)")
                        } else {
                            #expect(response.status == .seeOther, "\(label)")
                            #expect(response.headers[.location]?.hasPrefix("/login?next=") == true, "\(label)")
                        }
                    } else if credential.role == .reader && Self.adminRoutes.contains(route) {
                        #expect(response.status == .forbidden, "\(label)")
                        if isAPI { try expectProblem(response, status: .forbidden, field: "Authorization") }
                    } else {
                        #expect(!refusedAsAnonymous && response.status != .forbidden, "\(label)")
                        #expect(response.status.code < 500, "\(label): \(response.text)")
                    }
                }
            }
        }
    }

    @Test func theAPITakesKeysAndPagesTakeSessions() async throws {
        let platform = try await makePlatform()
        let admin = try await platform.keys.create(name: "ops", role: .admin)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let session = try await signIn(client, token: admin.token)
            #expect(try await client.send(.get, "/api/v1/model", headers: bearer(admin.token)).status == .ok)
            try expectProblem(try await client.send(.get, "/api/v1/model", headers: session), status: .unauthorized, field: "Authorization")
            #expect(try await client.send(.get, "/drift", headers: session).status == .ok)
            #expect(try await client.send(.get, "/drift", headers: bearer(admin.token)).status == .seeOther)
            // Near misses are unknown keys.
            for wrong in [String(admin.token.dropLast()), admin.token + "x", "Bearer", ""] {
                try expectProblem(try await client.send(.get, "/api/v1/model", headers: bearer(wrong)), status: .unauthorized, field: "Authorization")
            }
            try expectProblem(
                try await client.send(.get, "/api/v1/model", headers: [.authorization: "Basic b3BzOnNlY3JldA=="]), status: .unauthorized, field: "Authorization")
            // The key never comes back: not in an error, not in the metrics.
            let refused = try await client.send(.get, "/api/v1/model", headers: bearer(admin.token + "x"))
            #expect(!refused.text.contains(admin.token))
            let metrics = try await client.send(.get, "/api/v1/metrics", headers: bearer(admin.token))
            #expect(metrics.status == .ok)
            #expect(!metrics.text.contains(admin.token) && !metrics.text.contains("pk_"))
        }
    }

    @Test func signingInAndOut() async throws {
        let platform = try await makePlatform()
        let reader = try await platform.keys.create(name: "viewer", role: .reader)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            // Asked for a page, a browser is sent to sign in, then back.
            let asked = try await client.send(.get, "/regression?target=body_mass_g")
            #expect(asked.headers[.location] == "/login?next=%2Fregression%3Ftarget%3Dbody%5Fmass%5Fg")
            let form = try await client.send(.get, "/login?next=%2Fregression")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"<input type="password" name="key""#))
            #expect(form.text.contains(#"name="csrf_token" value=""#))

            let wrong = try await client.postForm("/login", "key=pk_wrong&next=%2Fdrift")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("not a key this server knows"))
            #expect(wrong.headers[values: .setCookie].allSatisfy { !$0.hasPrefix("penguins_session=") })

            let signedIn = try await client.postForm("/login", "key=\(reader.token)&next=%2Fdrift")
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/drift")
            let cookies = signedIn.headers[values: .setCookie]
            let sessionCookie = try #require(cookies.first { $0.hasPrefix("penguins_session=") })
            #expect(sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict") && sessionCookie.contains("Expires="))
            #expect(!sessionCookie.contains("Secure"), "plain HTTP")
            #expect(cookies.contains { $0.hasPrefix("penguins_csrf=") }, "a new form token with the new session")
            let session: HTTPFields = [.cookie: String(sessionCookie.prefix { $0 != ";" })]

            let page = try await client.send(.get, "/classification", headers: session)
            #expect(page.status == .ok)
            #expect(page.text.contains("viewer (reader)"))
            #expect(page.text.contains(#"action="/logout""#))
            #expect(!(try await client.send(.get, "/benchmarks", headers: session).text.contains(">Run the benchmark</button>")))
            #expect(try await client.send(.get, "/benchmarks", headers: session).text.contains("Running the benchmark needs an admin key."))
            #expect(!(try await client.send(.get, "/drift", headers: session).text.contains(#"action="/drift/simulate""#)))

            // Signing out ends the session at once.
            let out = try await client.postForm("/logout", "", headers: session)
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/login")
            #expect(try await client.send(.get, "/classification", headers: session).status == .seeOther)
        }
    }

    @Test func aSessionExpires() async throws {
        let platform = try await makePlatform()
        let reader = try await platform.keys.create(name: "viewer", role: .reader)
        let lifetime = Duration.seconds(2)
        var options = testOptions()
        options.sessionLifetime = lifetime
        let app = try await makeApp(platform, options: options)
        try await app.test(.router) { client in
            let signedInAt = ContinuousClock.now
            let signedIn = try await client.postForm("/login", "key=\(reader.token)")
            #expect(signedIn.headers[.location] == "/")
            let session: HTTPFields = [.cookie: String(try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("penguins_session=") }).prefix { $0 != ";" })]
            let first = try await client.send(.get, "/", headers: session).status
            let answeredAt = ContinuousClock.now
            // On a machine too busy to answer within the lifetime, the session has expired already.
            if answeredAt - signedInAt < lifetime { #expect(first == .ok) }
            // Waited from the first page's answer too, so that a slow answer cannot leave the
            // session alive; a failure says what came instead of the way to the sign-in form.
            try await Task.sleep(until: answeredAt + lifetime + .milliseconds(300))
            let after = try await client.send(.get, "/", headers: session)
            #expect(after.status == .seeOther, "\(after.status) after \(ContinuousClock.now - signedInAt)")
        }
    }

    @Test func formsWithoutTheirTokenAreRefused() async throws {
        let platform = try await makePlatform()
        let admin = try await platform.keys.create(name: "ops", role: .admin)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            // Signing in needs the token too.
            let forged = try await client.send(.post, "/login", headers: formHeaders, body: "key=\(admin.token)")
            #expect(forged.status == .forbidden)
            #expect(forged.text.contains("csrf_token"))
            let session = try await signIn(client, token: admin.token)

            var noToken = session
            noToken[.contentType] = "application/x-www-form-urlencoded"
            let cookieOnly = session.merging(cookie: "penguins_csrf=\(formToken)")
            for (headers, body) in [(noToken, "version=1"), (cookieOnly.withFormType, "version=1"),
                                    (cookieOnly.withFormType, "version=1&csrf_token=\(String(formToken.reversed()))"),
                                    (noToken, "version=1&csrf_token=\(formToken)")] {
                let refused = try await client.send(.post, "/classification/promote", headers: headers, body: body)
                #expect(refused.status == .forbidden, "\(body)")
                #expect(refused.contentType?.hasPrefix("text/html") == true)
            }
            #expect(try await client.postForm("/classification/promote", "version=1", headers: session).status == .seeOther)

            // The token a page sets is the one its forms carry.
            let page = try await client.send(.get, "/benchmarks", headers: session)
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("penguins_csrf=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let token = String(cookie.dropFirst("penguins_csrf=".count).prefix { $0 != ";" })
            #expect(page.text.contains(#"name="csrf_token" value="\#(token)""#))
        }
    }

    @Test func keysRevokedOrCreatedTakeEffectWhileServing() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform, options: testOptions(poll: .milliseconds(100)))
        try await app.test(.live) { client in
            #expect(try await client.send(.get, "/api/v1/model").status == .ok, "no key: open on loopback")
            let reader = try await platform.keys.create(name: "grafana", role: .reader)
            try await eventually { try await client.send(.get, "/api/v1/model").status == .unauthorized }
            #expect(try await client.send(.get, "/api/v1/model", headers: bearer(reader.token)).status == .ok)
            let other = try await platform.keys.create(name: "other", role: .reader)
            try await platform.keys.revoke(name: "grafana")
            try await eventually { try await client.send(.get, "/api/v1/model", headers: bearer(reader.token)).status == .unauthorized }
            #expect(try await client.send(.get, "/api/v1/model", headers: bearer(other.token)).status == .ok)
            #expect(try await client.send(.get, "/api/v1/health").status == .ok)
        }
    }

    @Test func anOpenBindNeedsAKeyOrAnExplicitChoice() async throws {
        let platform = try await makePlatform()
        let everywhere = ServerConfiguration(host: "0.0.0.0", port: 0)
        await #expect(throws: ServerError.openWithoutKeys(host: "0.0.0.0")) {
            _ = try await PenguinsServer.makeApplication(platform: platform, configuration: everywhere, options: testOptions())
        }
        #expect(ServerError.openWithoutKeys(host: "0.0.0.0").description.contains("penguins keys create"))

        var insecure = testOptions()
        insecure.allowOpenAccess = true
        let open = try await PenguinsServer.makeApplication(platform: platform, configuration: everywhere, options: insecure)
        try await open.test(.router) { client in
            let model = try await client.send(.get, "/api/v1/model")
            #expect(model.status == .ok)
        }

        var fromEnvironment = testOptions()
        fromEnvironment.environmentAdminKey = "short"
        await #expect(throws: ServerError.weakEnvironmentKey) {
            _ = try await PenguinsServer.makeApplication(platform: platform, configuration: everywhere, options: fromEnvironment)
        }
        let secret = "a-long-random-secret-of-the-stack"
        fromEnvironment.environmentAdminKey = secret
        let keyed = try await PenguinsServer.makeApplication(platform: platform, configuration: everywhere, options: fromEnvironment)
        try await keyed.test(.router) { client in
            let anonymous = try await client.send(.get, "/api/v1/model")
            #expect(anonymous.status == .unauthorized)
            let promoted = try await client.send(.post, "/api/v1/models/1/promote", headers: bearer(secret))
            #expect(promoted.status == .ok)
        }
        #expect(try await platform.keys.list().isEmpty, "the environment's key is not stored")
    }

    @Test func anOpenAddressStaysClosedWhenItsLastKeyGoes() async throws {
        let platform = Platform.inMemory()
        _ = try await platform.keys.create(name: "ops", role: .admin)
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/api/v1/model"), body: RequestBody(buffer: ByteBuffer()))
        let everywhere = AccessControl(openWhenKeyless: false)
        let loopback = AccessControl(openWhenKeyless: true)
        for access in [everywhere, loopback] {
            try await access.refresh(from: platform.keys)
            #expect(await access.refusal(for: nil, needs: .reader, rendering: .api, request: request)?.status == .unauthorized)
        }
        try await platform.keys.revoke(name: "ops")
        for access in [everywhere, loopback] { try await access.refresh(from: platform.keys) }
        #expect(await everywhere.refusal(for: nil, needs: .reader, rendering: .api, request: request)?.status == .unauthorized, "no key means nobody")
        #expect(await loopback.refusal(for: nil, needs: .reader, rendering: .api, request: request) == nil, "no key on loopback means anyone")
    }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

/// Signs in at `/login` with `token` and returns the session cookie as request headers.
func signIn(_ client: some TestClientProtocol, token: String) async throws -> HTTPFields {
    let response = try await client.postForm("/login", "key=\(token)")
    #expect(response.status == .seeOther)
    let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("penguins_session=") })
    return [.cookie: String(cookie.prefix { $0 != ";" })]
}

/// Calls `route` with valid example input and `headers`.
func call(_ route: Route, _ client: some TestClientProtocol, headers: HTTPFields) async throws -> TestResponse {
    let path = examplePath(route)
    switch (route.method, route.path) {
    case ("POST", "/api/v1/predict"), ("POST", "/api/v1/datasets/{dataset}/predict"):
        return try await client.send(.post, path, headers: headers.merging(jsonHeaders), body: adelieJSON)
    case ("POST", "/api/v1/predict/batch"), ("POST", "/api/v1/datasets/{dataset}/predict/batch"):
        return try await client.send(.post, path, headers: headers.merging(jsonHeaders), body: #"{"penguins": [\#(adelieJSON)], "rows": [\#(adelieJSON)]}"#)
    case ("POST", "/classification/promote"), ("POST", "/datasets/{dataset}/promote"):
        return try await client.postForm(path, "version=1", headers: headers)
    case ("POST", "/drift/simulate"):
        return try await client.postForm(path, "feature=body_mass_g&delta=100&rows=20", headers: headers)
    case ("POST", "/login"):
        return try await client.postForm(path, "key=pk_unknown", headers: headers)
    case ("POST", _):
        return try await client.postForm(path, "", headers: headers)
    case (_, "/api/v1/regression"):
        return try await client.send(.get, path + "?target=body_mass_g&predictors=flipper_length_mm", headers: headers)
    default:
        return try await client.send(HTTPRequest.Method(route.method)!, path, headers: headers)
    }
}

/// Retries `condition` for up to five seconds.
func eventually(_ condition: () async throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("the condition did not hold within five seconds", sourceLocation: sourceLocation)
}

extension HTTPFields {
    func merging(_ other: HTTPFields) -> HTTPFields {
        var fields = self
        for field in other { fields[field.name] = field.value }
        return fields
    }

    func merging(cookie: String) -> HTTPFields {
        var fields = self
        fields[values: .cookie].append(cookie)
        return fields
    }

    var withFormType: HTTPFields { merging([.contentType: "application/x-www-form-urlencoded"]) }
}
