import Foundation
import Hummingbird
import PenguinsDashboard
import PenguinsPipeline

extension Endpoints {
    /// Signing in to the dashboard with a key, and out.
    func registerAccess(on table: inout RouteTable) {
        table.add(.get, "/login", .page.openToAll, .loginPage) { request, _ in
            Responses.html(Pages.login(next: Self.safeNext(FormValues(request.uri.query)["next"]), error: nil, open: self.access.isOpen))
        }
        table.add(.post, "/login", .page.openToAll, .signIn) { request, context in
            let form = try await Self.formBody(request)
            let next = Self.safeNext(form["next"])
            guard let token = form["key"], let key = self.access.current.key(presenting: token) else {
                let page = Pages.login(next: next, error: "that is not a key this server knows", open: self.access.isOpen)
                return Responses.html(page, status: .unauthorized)
            }
            context.sessions.createSession(DashboardSession(keyName: key.name, keyCreatedAt: key.createdAt), expiresIn: self.access.sessionLifetime)
            var response = Responses.redirect(to: next)
            // A new form token with the new session.
            response.setCookie(self.access.csrfCookie(AccessControl.newCSRFToken()))
            return response
        }
        table.add(.post, "/logout", .page.openToAll, .signOut) { _, context in
            context.sessions.clearSession()
            return Responses.redirect(to: "/login")
        }
    }

    /// Where to go after signing in: a path of this server, else the overview.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }
}
