import PenguinsCore
import PenguinsPipeline

/// A page of the dashboard, as listed in the navigation bar.
public enum DashboardPage: String, CaseIterable, Sendable {
    case overview, statistics, regression, classification, drift, predict, datasets, benchmarks

    /// The page's path on the server.
    public var path: String {
        self == .overview ? "/" : "/" + rawValue
    }

    /// The page's path for `dataset`: the penguins' pages are the dashboard's own; any other
    /// dataset has an overview (statistics and the predict form), a regression lab, a
    /// classification page and a drift page under `/datasets/NAME`.
    public func path(dataset: String) -> String {
        guard !Platform.isDefaultDataset(dataset) else { return path }
        let base = "/datasets/" + dataset
        switch self {
        case .overview: return base
        case .statistics: return base + "#statistics"
        case .regression: return base + "/regression"
        case .classification: return base + "/classification"
        case .drift: return base + "/drift"
        case .predict: return base + "#predict"
        case .datasets, .benchmarks: return path
        }
    }

    /// The page's name in the navigation bar and its title.
    public var title: String {
        switch self {
        case .overview: "Overview"
        case .statistics: "Statistics"
        case .regression: "Regression lab"
        case .classification: "Classification"
        case .drift: "Drift"
        case .predict: "Predict"
        case .datasets: "Datasets"
        case .benchmarks: "Benchmarks"
        }
    }

    /// One line on what the page shows (the overview's links).
    public var summary: String {
        switch self {
        case .overview: "Counts of every store, the current model and the cache."
        case .statistics: "Descriptive statistics, counts by island and sex, scatter plots."
        case .regression: "Fit an OLS regression of any measurement on chosen predictors."
        case .classification: "The species model: parameters, metrics, confusion matrix, versions."
        case .drift: "Training vs production distributions, KS, PSI and chi-squared tests."
        case .predict: "Predict the species of one penguin from the features the current model reads."
        case .datasets: "Every dataset: its rows, statistics, scatter plots, model and a predict form built from its schema."
        case .benchmarks: "Latency and throughput of single reads from each store."
        }
    }
}

/// What the navigation bar offers beside the pages: the datasets a reader can switch between,
/// and who is looking. The server sets it around each dashboard request (``current``), so that
/// no page has to pass it along; a page rendered without it shows no switcher.
public struct Navigation: Sendable, Equatable {
    /// Every dataset's name, the default first.
    public var datasets: [String]
    /// Who the page is rendered for.
    public var viewer: Viewer

    public init(datasets: [String], viewer: Viewer = .anyone) {
        self.datasets = datasets
        self.viewer = viewer
    }

    /// The navigation of the page being rendered.
    @TaskLocal public static var current = Navigation(datasets: [])
}

/// Who a page is rendered for: the token its forms post back, and the signed-in key, whose
/// role decides whether the buttons that change things (promote, simulate, benchmark) show.
public struct Viewer: Sendable, Equatable {
    /// Posted back by every form as `csrf_token`; the server refuses a form without it.
    public var csrfToken: String
    /// The signed-in key's name; nil when the dashboard is open (no keys exist).
    public var name: String?
    /// The signed-in key's role.
    public var role: AccessRole?
    /// True when the forms that change things may be shown.
    public var mayAdminister: Bool

    public init(csrfToken: String, name: String? = nil, role: AccessRole? = nil, mayAdminister: Bool) {
        self.csrfToken = csrfToken
        self.name = name
        self.role = role
        self.mayAdminister = mayAdminister
    }

    /// An open dashboard: no keys, every form shown.
    public static let anyone = Viewer(csrfToken: "", mayAdminister: true)
}

/// The frame every page shares: the document head linking the style sheet, the navigation bar
/// and the footer. Pages carry no inline style or script (the server's content security policy
/// allows neither), and fetch nothing but the style sheet from their own server: they work offline.
public enum Layout {
    /// The path of the OpenAPI document linked from the navigation bar.
    public static let apiPath = "/api/v1/openapi.yaml"

    /// The path the server serves ``styleSheet`` at.
    public static let styleSheetPath = "/assets/dashboard.css"

    /// The style sheet's link: its path with a digest of its text as the query, so a browser
    /// may keep it for long and still fetches the new one when the text changes.
    public static let styleSheetLink = "\(styleSheetPath)?v=\(digest(styleSheet))"

    /// A complete HTML document. `title` is escaped; `body` is markup.
    /// `current` is highlighted in the navigation bar, whose links lead to `dataset`'s pages;
    /// `pageID` lands in `<body data-page=…>`.
    public static func document(
        title: String, current: DashboardPage?, dataset: String = BundledSchemas.defaultName, pageID: String? = nil, body: String
    ) -> String {
        var out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        out += "<title>\(HTML.escape(title)) · Penguins</title>"
        out += "<link rel=\"stylesheet\" href=\"\(styleSheetLink)\"></head>"
        out += "<body data-page=\"\(HTML.escape(pageID ?? current?.rawValue ?? "page"))\">"
        out += navigation(current: current, dataset: dataset)
        out += "<main>\(body)</main>"
        out += "<footer>Penguins platform · pages rendered on the server · <a href=\"\(apiPath)\">OpenAPI document</a></footer>"
        out += "</body></html>\n"
        return out
    }

    /// The navigation bar: the dataset switcher (when ``Navigation/current`` lists more than one
    /// dataset), then the pages of `dataset`, `current` marked `aria-current="page"`.
    public static func navigation(current: DashboardPage?, dataset: String = BundledSchemas.defaultName) -> String {
        var out = "<nav id=\"site-nav\" class=\"topnav\" aria-label=\"Dashboard\"><a class=\"brand\" href=\"/\">Penguins</a>"
        out += datasetSwitcher(current: current, dataset: dataset)
        out += "<ul>"
        for page in DashboardPage.allCases {
            let href = HTML.escape(page.path(dataset: dataset))
            if page == current {
                out += "<li><a class=\"current\" aria-current=\"page\" href=\"\(href)\">\(HTML.escape(page.title))</a></li>"
            } else {
                out += "<li><a href=\"\(href)\">\(HTML.escape(page.title))</a></li>"
            }
        }
        out += "<li class=\"api\"><a href=\"\(apiPath)\">API</a></li>"
        let viewer = Navigation.current.viewer
        if let name = viewer.name {
            let role = viewer.role.map { " (\($0.rawValue))" } ?? ""
            out += "<li class=\"viewer\"><span>\(HTML.escape(name + role))</span>"
            out += postForm(action: "/logout", class: "inline", "<button type=\"submit\">Log out</button>") + "</li>"
        }
        out += "</ul></nav>"
        return out
    }

    /// A form posting to `action`, carrying the viewer's ``Viewer/csrfToken`` as `csrf_token`
    /// (the server refuses a post without it); `fields` is markup.
    public static func postForm(action: String, class className: String, _ fields: String) -> String {
        "<form class=\"\(className)\" method=\"post\" action=\"\(HTML.escape(action))\">"
            + "<input type=\"hidden\" name=\"csrf_token\" value=\"\(HTML.escape(Navigation.current.viewer.csrfToken))\">"
            + fields + "</form>"
    }

    /// A form choosing the dataset the dashboard shows: `GET /datasets?open=NAME&page=PAGE`
    /// opens the same page of the chosen dataset. Plain HTML, no script.
    static func datasetSwitcher(current: DashboardPage?, dataset: String) -> String {
        let names = Navigation.current.datasets
        guard names.count > 1 else { return "" }
        var out = "<form class=\"dataset-switch\" method=\"get\" action=\"/datasets\">"
        if let current { out += "<input type=\"hidden\" name=\"page\" value=\"\(current.rawValue)\">" }
        out += "<label>Dataset <select name=\"open\" aria-label=\"Dataset\">"
        for name in names {
            out += "<option\(name == dataset ? " selected" : "")>\(HTML.escape(name))</option>"
        }
        out += "</select></label><button type=\"submit\">Open</button></form>"
        return out
    }

    /// A figure holding a chart, in the page's chart grid.
    static func figure(_ svg: String, caption: String? = nil) -> String {
        var out = "<figure class=\"chart-card\">\(svg)"
        if let caption { out += "<figcaption>\(HTML.escape(caption))</figcaption>" }
        return out + "</figure>"
    }

    /// Charts side by side (one column on narrow screens).
    static func grid(_ figures: [String]) -> String {
        "<div class=\"chart-grid\">" + figures.joined() + "</div>"
    }

    /// A card of key figures: label and value, both escaped.
    static func stats(_ items: [(label: String, value: String)]) -> String {
        "<dl class=\"stats\">" + items.map { "<div><dt>\(HTML.escape($0.label))</dt><dd>\(HTML.escape($0.value))</dd></div>" }.joined() + "</dl>"
    }

    /// A coloured verdict badge; `text` is escaped.
    static func badge(_ text: String, kind: BadgeKind) -> String {
        "<span class=\"badge badge-\(kind.rawValue)\">\(HTML.escape(text))</span>"
    }

    /// The colour of a badge.
    enum BadgeKind: String {
        case good, warning, bad, neutral
    }

    /// 64-bit FNV-1a of `text`, in hexadecimal.
    static func digest(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Every page's style sheet, served at ``styleSheetPath``.
    public static let styleSheet = """
    :root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#ffffff;--accent:#1d4ed8;--bad:#b91c1c;--good:#15803d;--warn:#b45309}
    *{box-sizing:border-box}
    body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
    a{color:var(--accent)}
    .topnav{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:10px 24px;background:#0f172a}
    .topnav .brand{color:#fff;font-weight:700;text-decoration:none;font-size:17px}
    .topnav ul{display:flex;flex-wrap:wrap;gap:4px;list-style:none;margin:0;padding:0}
    .topnav li a{display:block;padding:6px 12px;border-radius:6px;color:#cbd5e1;text-decoration:none}
    .topnav li a:hover{background:#1e293b;color:#fff}
    .topnav li a.current{background:#2563eb;color:#fff;font-weight:600}
    .topnav li.api{margin-left:12px;border-left:1px solid #334155;padding-left:12px}
    .topnav .dataset-switch{display:flex;align-items:center;gap:6px;margin:0}
    .topnav .dataset-switch label{color:#cbd5e1;font-size:13px;display:flex;align-items:center;gap:6px}
    .topnav .dataset-switch select{min-width:0;padding:3px 6px}
    .topnav .dataset-switch button{padding:3px 10px;font-size:13px}
    main{max-width:1220px;margin:0 auto;padding:20px 24px 40px}
    h1{font-size:26px;margin:6px 0 6px}
    h2{font-size:19px;margin:30px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
    h3{font-size:16px;margin:18px 0 8px}
    .lead{color:var(--muted);margin-top:0}
    footer{max-width:1220px;margin:0 auto;padding:12px 24px 30px;color:var(--muted);font-size:13px}
    code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#eef2f7;padding:1px 5px;border-radius:4px}
    .note{background:#f1f5f9;border:1px solid var(--line);border-left:4px solid #94a3b8;padding:10px 14px;border-radius:6px}
    .alert{background:#fef2f2;border:1px solid #fecaca;border-left:4px solid var(--bad);color:#7f1d1d;padding:10px 14px;border-radius:6px;margin:12px 0}
    .table-wrap{overflow-x:auto;margin:8px 0 16px}
    table.data{border-collapse:collapse;background:var(--card);font-size:14px;min-width:300px}
    table.data caption{text-align:left;font-weight:600;padding:4px 0}
    table.data th,table.data td{border-bottom:1px solid var(--line);padding:6px 10px;text-align:left;white-space:nowrap}
    table.data thead th{background:#f1f5f9;font-weight:600}
    table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
    .stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;margin:12px 0}
    .stats div{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
    .stats dt{color:var(--muted);font-size:13px}
    .stats dd{margin:2px 0 0;font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
    .chart-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:16px;margin:12px 0}
    .chart-card{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px}
    .chart-card figcaption{color:var(--muted);font-size:13px;padding:4px 6px}
    svg.chart{display:block;width:100%;height:auto;max-width:100%}
    svg.chart text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:12px;fill:#374151}
    svg.chart .chart-title{font-size:14px;font-weight:600;fill:#111827}
    svg.chart .chart-note,svg.chart .empty-note{fill:#6b7280}
    svg.chart .empty-note{font-size:15px}
    svg.chart .axis-title{font-size:12px;fill:#4b5563}
    svg.chart .bar-value{font-size:11px;fill:#111827}
    svg.chart .cell-value{font-size:16px;font-weight:600}
    svg.chart .cell-value.on-dark{fill:#ffffff}
    svg.chart .cell-value.on-light{fill:#111827}
    svg.chart circle:hover,svg.chart rect:hover{stroke:#111827;stroke-width:1.5}
    form.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:12px 0}
    form.panel .row{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:flex-end}
    form.panel label{display:flex;flex-direction:column;font-size:13px;color:var(--muted);gap:3px}
    form.panel fieldset{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:8px 12px}
    form.panel fieldset label{display:inline-flex;flex-direction:row;align-items:center;gap:5px;margin-right:14px;color:var(--fg);font-size:14px}
    input,select,button{font:inherit}
    input[type=number],input[type=text],select{padding:5px 8px;border:1px solid #cbd5e1;border-radius:6px;min-width:120px;background:#fff}
    button{padding:7px 16px;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer;font-weight:600}
    button:hover{background:#1e40af}
    form.inline{display:inline;margin:0}
    form.inline button{padding:3px 12px;font-size:13px}
    .badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:12px;font-weight:700;letter-spacing:.02em;white-space:nowrap}
    .badge-bad{background:#dc2626;color:#fff}
    .badge-good{background:#dcfce7;color:#166534}
    .badge-warning{background:#fef3c7;color:#92400e}
    .badge-neutral{background:#e5e7eb;color:#374151}
    .feature-drift{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:6px 16px 12px;margin:16px 0}
    .feature-drift.drifted{border-color:#fca5a5;box-shadow:inset 4px 0 0 #dc2626}
    .result{font-size:20px;margin:12px 0}
    .links{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px;padding:0;list-style:none}
    .links li{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
    .links li a{font-weight:600}
    .links li span{display:block;color:var(--muted);font-size:13px}
    """
}
