import Foundation
import Hummingbird
import PenguinsDashboard
import PenguinsPipeline

/// What every dashboard page passes before its handler runs: once keys exist, a session (else a
/// redirect to `/login`) whose role the route allows (else 403); for a form post, the
/// `csrf_token` field matching this browser's token cookie (else 403). The page then renders for
/// its ``Viewer``: the token its forms carry, the signed-in key, whether admin forms show.
///
/// The token lives in a cookie of its own (`HttpOnly`, `SameSite=Strict`, `Secure` over HTTPS),
/// set with the first page a browser gets and renewed at each sign-in: another site can neither
/// read it nor make a browser send it, so a form it forges cannot carry it.
struct DashboardGate {
    let access: AccessControl
    let kind: RouteKind
    /// The largest form body read.
    static let maximumFormSize = 64 * 1024

    func answer(
        _ request: Request, _ context: PenguinsRequestContext, navigation: Navigation,
        _ handler: @Sendable (Request, PenguinsRequestContext) async -> Response
    ) async -> Response {
        let cookieToken = request.cookies[AccessControl.csrfCookie].map(\.value).flatMap { AccessControl.isWellFormedToken($0) ? $0 : nil }
        let token = cookieToken ?? AccessControl.newCSRFToken()
        let caller = context.identity.flatMap { $0.credential == .session ? $0 : nil }
        var navigation = navigation
        navigation.viewer = Viewer(
            csrfToken: token, name: caller?.key.name, role: caller?.key.role,
            mayAdminister: access.isOpen || caller?.roles.contains(.admin) == true
        )
        var response = await Navigation.$current.withValue(navigation) { () async -> Response in
            if let refusal = await access.refusal(for: caller, needs: kind.access, rendering: .page, request: request) {
                guard refusal.status == .unauthorized else { return Responses.page(refusal) }
                return Responses.redirect(to: Self.loginPath(returningTo: request))
            }
            var request = request
            if request.method == .post {
                if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
                    return Responses.page(.unsupportedMediaType(contentType, expected: "application/x-www-form-urlencoded"))
                }
                guard let cookieToken, let posted = await Self.postedToken(&request),
                      Keyring.constantTimeEqual(Array(posted.utf8), Array(cookieToken.utf8)) else {
                    return Responses.page(.csrfRejected)
                }
            }
            return await handler(request, context)
        }
        if cookieToken == nil { response.setCookie(access.csrfCookie(token)) }
        return response
    }

    /// `/login?next=PATH`, PATH being the page asked for (a GET's query kept).
    static func loginPath(returningTo request: Request) -> String {
        var next = request.uri.path
        if request.method == .get, let query = request.uri.query, !query.isEmpty { next += "?" + query }
        return "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/")
    }

    /// The form's `csrf_token`, reading (and keeping, for the handler) the body.
    static func postedToken(_ request: inout Request) async -> String? {
        guard let body = try? await request.collectBody(upTo: maximumFormSize) else { return nil }
        return FormValues(String(buffer: body))["csrf_token"]
    }
}

extension AccessControl {
    /// The cookie carrying the dashboard's form token.
    func csrfCookie(_ token: String) -> Cookie {
        Cookie(name: Self.csrfCookie, value: token, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// 43 characters of base64url, as ``newCSRFToken()`` makes them.
    static func isWellFormedToken(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
