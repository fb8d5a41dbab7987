import HTTPTypes
import Hummingbird

/// The headers that keep a browser from sniffing, framing or leaking the platform's responses.
/// Every response carries them, pages and API alike (Hummingbird's ``ContentSecurityMiddleware``
/// adds `X-Content-Type-Options: nosniff` and the policy; ``ReferrerPolicyMiddleware`` the rest).
enum SecurityHeaders {
    /// Everything from the platform's own origin only; no inline script or style (pages link
    /// their style sheet and carry no script), no plugins, no `<base>`, forms posting only
    /// back to the platform, and no framing by any page.
    static let contentSecurityPolicy: ContentSecurityPolicy = [
        .defaultSrc(.self),
        .objectSrc(.none),
        .baseURI(.none),
        .formAction(.self),
        .frameAncestors(.none),
    ]

    /// `Referrer-Policy`, which HTTPTypes does not name.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// The middleware that adds the policy and `nosniff`.
    static func contentSecurity<Context: RequestContext>() -> ContentSecurityMiddleware<Context> {
        ContentSecurityMiddleware(contentSecurityPolicy: contentSecurityPolicy)
    }
}

/// Adds `Referrer-Policy: no-referrer` to every response: a link followed from a page (or a
/// redirect) tells the next site nothing of the platform's URLs and their queries.
struct ReferrerPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[SecurityHeaders.referrerPolicy] = "no-referrer"
        return response
    }
}
