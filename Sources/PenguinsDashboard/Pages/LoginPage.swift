/// Signing in to the dashboard with an API key.
enum LoginPage {
    static func render(next: String, error: String?, open: Bool) -> String {
        var body = "<h1>Sign in</h1>"
        if open {
            body += HTML.note("No API key exists: this dashboard answers anyone on this machine. Create one with <code>penguins keys create NAME --role admin</code> to require signing in.")
            body += "<p><a href=\"/\">Go to the overview</a></p>"
            return Layout.document(title: "Sign in", current: nil, pageID: "login", body: body)
        }
        body += "<p class=\"lead\">Sign in with an API key (made by <code>penguins keys create</code>). A reader key shows every page; an admin key may also promote models, simulate streams and run benchmarks.</p>"
        if let error { body += HTML.alert(error, title: "Not signed in:") }
        var fields = "<input type=\"hidden\" name=\"next\" value=\"\(HTML.escape(next))\"><div class=\"row\">"
        fields += "<label>API key<input type=\"password\" name=\"key\" autocomplete=\"current-password\" required autofocus></label>"
        fields += "<button type=\"submit\">Sign in</button></div>"
        body += Layout.postForm(action: "/login", class: "panel", fields)
        return Layout.document(title: "Sign in", current: nil, pageID: "login", body: body)
    }
}
