/// A failed dashboard request.
enum ErrorPage {
    static func render(status: Int, title: String, detail: String) -> String {
        var body = "<h1>\(status) · \(HTML.escape(title))</h1>"
        body += HTML.alert(detail, title: "Error \(status):")
        body += "<p><a href=\"/\">Back to the overview</a></p>"
        return Layout.document(title: "\(status) \(title)", current: nil, pageID: "error", body: body)
    }
}
