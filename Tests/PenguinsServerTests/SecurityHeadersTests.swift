import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PenguinsDashboard
import PenguinsServer
import Testing

/// Every response of every route the server answers (taken from its route table, so a new route
/// cannot be left out) carries `nosniff`; every HTML page also the content security policy and
/// the referrer policy, and no page carries inline style or script, which the policy would block.
@Suite struct SecurityHeadersTests {
    static let policy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// `nosniff` everywhere; the page headers exactly on HTML.
    static func expectHeaders(_ response: TestResponse, _ what: String) {
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what)")
        let isPage = response.contentType?.hasPrefix("text/html") == true
        #expect(response.headers[.contentSecurityPolicy] == (isPage ? policy : nil), "\(what)")
        #expect(response.headers[referrerPolicy] == (isPage ? "no-referrer" : nil), "\(what)")
    }

    @Test func everyRouteAnswersWithTheHeadersAndNoPageHasInlineStyleOrScript() async throws {
        let platform = try await makePlatform()
        let routes = try await PenguinsServer.routes(platform: platform)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            var pages = 0
            for route in routes {
                let response = try await client.send(HTTPRequest.Method(route.method)!, examplePath(route))
                Self.expectHeaders(response, "\(route) answered \(response.status.code)")
                guard response.contentType?.hasPrefix("text/html") == true else { continue }
                pages += 1
                let html = response.text
                #expect(!html.contains("<style"), "\(route)")
                #expect(!html.contains("<script"), "\(route)")
                #expect(!html.contains(" style="), "\(route)")
                #expect(html.contains(#"<link rel="stylesheet" href="\#(Layout.styleSheetLink)">"#), "\(route)")
            }
            #expect(pages >= 10, "only \(pages) pages answered with HTML")
            // Error answers too: an unknown route (for a browser and for a client), a page's
            // error and an API problem.
            let unknownPage = try await client.send(.get, "/nowhere", headers: [.accept: "text/html"])
            #expect(unknownPage.contentType?.hasPrefix("text/html") == true)
            Self.expectHeaders(unknownPage, "unknown page")
            Self.expectHeaders(try await client.send(.get, "/api/v1/nowhere"), "unknown API route")
            let pageError = try await client.send(.get, "/regression?target=wingspan")
            #expect(pageError.status == .unprocessableContent)
            Self.expectHeaders(pageError, "page error")
            Self.expectHeaders(try await client.postJSON("/api/v1/predict", "{"), "problem")
        }
    }

    @Test func theStyleSheetIsServedAtItsLink() async throws {
        let app = try await makeApp(try await makePlatform(ingest: false))
        try await app.test(.router) { client in
            let sheet = try await client.send(.get, Layout.styleSheetLink)
            #expect(sheet.status == .ok)
            #expect(sheet.contentType == "text/css; charset=utf-8")
            #expect(sheet.headers[.cacheControl] == "public, max-age=86400")
            #expect(sheet.text == Layout.styleSheet)
            // The heat map's dark and light cells are coloured by the sheet, not inline.
            #expect(sheet.text.contains(".cell-value.on-dark{fill:#ffffff}"))
        }
    }
}
