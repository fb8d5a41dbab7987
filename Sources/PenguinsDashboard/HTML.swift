/// Building blocks of the dashboard's markup. Everything that comes from data (ids, names,
/// file comments, error messages) goes through ``escape(_:)`` before it is printed.
public enum HTML {
    /// Escapes `&`, `<`, `>`, `"` and `'` so the text is inert both in element content and in
    /// quoted attribute values.
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }

    /// Escapes `text`, then shows each `backquoted` span (a command in a message, such as
    /// `penguins ingest`) as code. The spans are escaped like the rest, so they stay inert.
    public static func escapeWithCode(_ text: String) -> String {
        let parts = escape(text).split(separator: "`", omittingEmptySubsequences: false)
        // Parts alternate outside, inside, outside, …; an even count means the last backquote is unmatched.
        var out = ""
        for (index, part) in parts.enumerated() {
            if index % 2 == 0 {
                out += part
            } else if index == parts.count - 1 {
                out += "`" + part
            } else {
                out += "<code>\(part)</code>"
            }
        }
        return out
    }

    /// A table: escaped header cells and rows of cells that are already markup.
    /// Cells for which `numeric` is true are right-aligned.
    static func table(headers: [String], rows: [[Cell]], caption: String? = nil, className: String = "data") -> String {
        var out = "<div class=\"table-wrap\"><table class=\"\(className)\">"
        if let caption { out += "<caption>\(escape(caption))</caption>" }
        out += "<thead><tr>"
        for header in headers { out += "<th scope=\"col\">\(escape(header))</th>" }
        out += "</tr></thead><tbody>"
        for row in rows {
            out += "<tr>"
            for cell in row {
                switch cell {
                case .text(let text): out += "<td>\(escape(text))</td>"
                case .number(let text): out += "<td class=\"num\">\(escape(text))</td>"
                case .header(let text): out += "<th scope=\"row\">\(escape(text))</th>"
                case .markup(let markup): out += "<td>\(markup)</td>"
                }
            }
            out += "</tr>"
        }
        out += "</tbody></table></div>"
        return out
    }

    /// One table cell.
    enum Cell {
        /// Escaped text, left-aligned.
        case text(String)
        /// Escaped text, right-aligned (numbers).
        case number(String)
        /// A row header.
        case header(String)
        /// Markup printed as is (already escaped by whoever built it).
        case markup(String)
    }

    /// An alert box; `message` is escaped (its `backquoted` commands shown as code).
    static func alert(_ message: String, title: String = "Error") -> String {
        "<div class=\"alert\" role=\"alert\"><strong>\(escape(title))</strong> \(escapeWithCode(message))</div>"
    }

    /// A grey note box; `markup` is printed as is.
    static func note(_ markup: String) -> String {
        "<p class=\"note\">\(markup)</p>"
    }

    /// The note of a page that has nothing to show before the first ingestion.
    static let noDataYet = note("No data yet: run <code>penguins ingest</code> (or <code>penguins up</code>) to load the penguins.")
}
