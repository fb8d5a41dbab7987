import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// What the page of one dataset shows: its schema and stored counts, its columns, its
/// statistics, its current model, the scatter plot the reader chose and the predict form.
public struct DatasetView: Sendable {
    public var dataset: DatasetDescription
    public var columns: DatasetColumns?
    public var statistics: StatisticsReport?
    /// The current model's version and artifact, nil before the first training.
    public var model: (version: Int, artifact: ModelArtifact)?
    /// The scatter plot's axes and colour, as chosen (`x`, `y`, `colour` in the query).
    public var x: String?
    public var y: String?
    public var colour: String?
    /// The predict form's values as typed, by feature name.
    public var form: [String: String]
    /// The prediction of the submitted form, or why there is none.
    public var prediction: (predicted: String, probabilities: [(String, Double)])?
    public var formError: String?

    public init(
        dataset: DatasetDescription, columns: DatasetColumns?, statistics: StatisticsReport?, model: (version: Int, artifact: ModelArtifact)?,
        x: String? = nil, y: String? = nil, colour: String? = nil, form: [String: String] = [:],
        prediction: (predicted: String, probabilities: [(String, Double)])? = nil, formError: String? = nil
    ) {
        self.dataset = dataset
        self.columns = columns
        self.statistics = statistics
        self.model = model
        self.x = x
        self.y = y
        self.colour = colour
        self.form = form
        self.prediction = prediction
        self.formError = formError
    }
}

/// The datasets' pages: the list of every dataset, and one page per dataset built from its schema.
enum DatasetPages {
    static func index(_ datasets: [DatasetDescription]) -> String {
        var body = "<h1>Datasets</h1><p class=\"lead\">Every dataset the platform knows: the bundled ones and those registered with <code>penguins datasets add</code>. The penguins are the default dataset, whose pages are the rest of this dashboard.</p>"
        let rows: [[HTML.Cell]] = datasets.map { dataset in
            let schema = dataset.schema
            let link = Platform.isDefaultDataset(dataset.name) ? "/" : "/datasets/\(HTML.escape(dataset.name))"
            return [
                .markup("<a href=\"\(link)\">\(HTML.escape(dataset.name))</a>"),
                .text(dataset.version == 0 ? "bundled" : "version \(dataset.version)"),
                .text("\(schema.target.name): \(schema.target.classes.joined(separator: ", "))"),
                .number(Format.integer(schema.features.count)),
                .text(schema.partition),
                .number(dataset.stored.map { Format.integer($0.rows) } ?? "-"),
            ]
        }
        body += HTML.table(headers: ["dataset", "schema", "target and classes", "features", "partition", "rows"], rows: rows)
        return Layout.document(title: "Datasets", current: .datasets, body: body)
    }

    static func dataset(_ view: DatasetView) -> String {
        let schema = view.dataset.schema
        let name = HTML.escape(schema.name)
        var body = "<h1>Dataset \(name)</h1>"
        if let description = schema.description { body += "<p class=\"lead\">\(HTML.escape(description))</p>" }
        if let stored = view.dataset.stored {
            body += Layout.stats([
                ("rows", Format.integer(stored.rows)), ("lake documents", Format.integer(stored.documents)),
                ("quarantined", Format.integer(stored.quarantined)), ("features", Format.integer(schema.features.count)),
                ("classes", Format.integer(schema.target.classes.count)),
            ])
        }
        body += "<h2>Schema</h2>" + HTML.table(
            headers: ["column", "kind", "unit or levels", "plausible range"],
            rows: [[.header(schema.target.name), .text("target"), .text(schema.target.classes.joined(separator: ", ")), .text("")]]
                + schema.features.map { feature in
                    let detail = feature.kind == .numeric ? (feature.unit ?? "") : feature.levels.joined(separator: ", ")
                    let range = feature.range.map { "\(Format.compact($0.lowerBound)) … \(Format.compact($0.upperBound))" } ?? ""
                    return [.header(feature.name), .text(feature.kind.rawValue), .text(detail), .text(range)]
                },
            caption: "Partitioned by \(schema.partition).")

        guard let columns = view.columns, let report = view.statistics, columns.count > 0 else {
            body += HTML.note("No rows yet: run <code>penguins ingest --dataset \(name) FILE</code>.")
            body += predictSection(view)
            return Layout.document(title: "Dataset \(schema.name)", current: .overview, dataset: schema.name, pageID: "dataset", body: body)
        }
        body += "<h2 id=\"statistics\">Descriptive statistics</h2>"
        for table in report.tables { body += StatisticsPage.descriptiveTable(table, names: columns.numericNames, rowsName: "All rows") }
        body += "<h2>Counts</h2>"
        body += Layout.grid(columns.categoricalNames.map { column in
            let counts = report.categories[column] ?? [:]
            return Layout.figure(BarChart(
                title: "Rows by \(column)", xTitle: column, yTitle: "rows",
                bars: counts.keys.sorted().map { ($0, Double(counts[$0]!)) }, colorByCategory: true
            ).render())
        })
        body += scatterSection(view, columns: columns)
        body += "<p><a href=\"/datasets/\(name)/regression\">Regression lab: fit any numeric column of \(name) on the others</a></p>"
        if let model = view.model {
            let metrics = model.artifact.metrics
            body += "<h2 id=\"model\">Current model: version \(model.version)</h2>"
            body += Layout.stats([
                ("accuracy", Format.percent(metrics.accuracy, 2)), ("macro F1", Format.fixed(metrics.macroF1, 4)),
                ("features", Format.integer(model.artifact.featureNames.count)), ("training rows", Format.integer(model.artifact.trainingRows)),
            ])
            body += "<p>Features: \(model.artifact.featureNames.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")). "
            body += "<a href=\"/datasets/\(name)/classification\">Classification: metrics, confusion matrix, versions</a> · "
            body += "<a href=\"/datasets/\(name)/drift\">Drift of its features</a></p>"
        } else {
            body += HTML.note("No model yet: run <code>penguins train --dataset \(name)</code>.")
        }
        body += predictSection(view)
        return Layout.document(title: "Dataset \(schema.name)", current: .overview, dataset: schema.name, pageID: "dataset", body: body)
    }

    /// The classification page of a dataset: its current model in full and every version,
    /// each not current with a promote button.
    static func classification(
        dataset schema: DatasetSchema, model: (version: Int, artifact: ModelArtifact)?, versions: [ModelVersionSummary], shadow: DatasetShadow?,
        production: ProductionReport? = nil, audit: [PromotionAudit] = []
    ) -> String {
        let name = HTML.escape(schema.name)
        var body = "<h1>Classification: \(name)</h1><p class=\"lead\">The random forest that predicts \(HTML.escape(schema.target.name)) "
        body += "from the features it was trained on, evaluated on a held-out stratified split of the warehouse.</p>"
        if let model {
            body += ClassificationPage.model(version: model.version, artifact: model.artifact)
            body += ClassificationPage.production(
                production, heldOut: model.artifact.metrics.accuracy, feedbackRoute: "/api/v1/datasets/\(schema.name)/feedback")
            body += ClassificationPage.spark(model.artifact, dataset: schema, shadow: shadow)
        } else {
            body += HTML.note("No model yet: run <code>penguins train --dataset \(name)</code>.")
        }
        body += "<h2>Versions</h2>" + ClassificationPage.versionTable(versions, action: "/datasets/\(schema.name)/promote")
        body += ClassificationPage.auditTable(audit)
        return Layout.document(
            title: "Classification: \(schema.name)", current: .classification, dataset: schema.name, pageID: "dataset-classification", body: body)
    }

    /// The drift page of a dataset: the current model's training sample against the chosen
    /// current sample (`production`, the prediction log, or `warehouse`), or why there is none.
    static func drift(
        dataset schema: DatasetSchema, current: String, logged: Int,
        drift: (report: DriftReport, reference: DriftSample, current: DriftSample)?, message: String?
    ) -> String {
        let name = HTML.escape(schema.name)
        var body = "<h1>Drift: \(name)</h1><p class=\"lead\">Each feature's distribution in the current model's training sample against "
        body += "the logged predictions (production: \(Format.integer(logged)) logged by the API, the dataset's predict form and "
        body += "<code>penguins predict --dataset \(name) --log</code>) or every stored row.</p>"
        body += "<form class=\"panel\" method=\"get\" action=\"/datasets/\(name)/drift\"><div class=\"row\"><label>Current sample <select name=\"current\">"
        for option in ["production", "warehouse"] {
            body += "<option\(option == current ? " selected" : "")>\(option)</option>"
        }
        body += "</select></label><button type=\"submit\">Compare</button></div></form>"
        if let drift {
            body += driftSection(drift, dataset: schema.name)
        } else if let message {
            body += HTML.note(HTML.escape(message))
        }
        return Layout.document(title: "Drift: \(schema.name)", current: .drift, dataset: schema.name, pageID: "dataset-drift", body: body)
    }

    /// The model's training sample against the logged predictions or the stored rows: each
    /// numeric feature's KS test, PSI and distributions, and the chi-squared test of each
    /// categorical column.
    private static func driftSection(
        _ drift: (report: DriftReport, reference: DriftSample, current: DriftSample), dataset: String
    ) -> String {
        let production = drift.report.current == "production"
        let trusted = drift.report.verdict != .notEnoughData
        var out = "<h2>The training sample against \(production ? "production" : "the warehouse")</h2>"
        out += "<p>\(DriftPage.verdictBadge(drift.report)) "
        out += "p-value threshold \(Format.compact(drift.report.threshold)); the same report as "
        out += "<code>GET /api/v1/datasets/\(HTML.escape(dataset))/drift?current=\(production ? "production" : "warehouse")</code>.</p>"
        for feature in drift.report.features {
            out += DriftPage.featureSection(feature, reference: drift.reference, current: drift.current, trusted: trusted)
        }
        if !drift.report.categorical.isEmpty { out += DriftPage.categoricalTable(drift.report.categorical, trusted: trusted) }
        return out
    }

    /// The scatter plot of two numeric columns coloured by a categorical one, all three chosen
    /// in a form (the first two numeric columns by the target by default).
    private static func scatterSection(_ view: DatasetView, columns: DatasetColumns) -> String {
        guard let scatter = ChosenScatter(
            columns: columns, x: view.x, y: view.y, colour: view.colour, defaults: view.dataset.schema.defaultScatter) else { return "" }
        return "<h2>Scatter plot</h2>" + scatter.form(columns: columns, action: "/datasets/\(view.dataset.name)")
            + Layout.grid([Layout.figure(scatter.chart(columns: columns))])
    }

    /// The predict form: one field per feature of the current model, a text field for a number,
    /// a choice of levels for a categorical one.
    private static func predictSection(_ view: DatasetView) -> String {
        guard let model = view.model else { return "" }
        let schema = view.dataset.schema
        var out = "<h2 id=\"predict\">Predict</h2><form method=\"get\" action=\"/datasets/\(HTML.escape(schema.name))\"><div class=\"fields\">"
        for name in model.artifact.featureNames {
            guard let feature = schema.feature(named: name) else { continue }
            let typed = view.form[name] ?? ""
            let field = "f_" + name
            switch feature.kind {
            case .numeric:
                let hint = feature.range.map { "\(Format.compact($0.lowerBound)) to \(Format.compact($0.upperBound))" } ?? ""
                out += "<label>\(HTML.escape(name))\(feature.unit.map { " (\(HTML.escape($0)))" } ?? "") <input name=\"\(field)\" inputmode=\"decimal\" value=\"\(HTML.escape(typed))\" placeholder=\"\(HTML.escape(hint))\"></label>"
            case .categorical:
                out += "<label>\(HTML.escape(name)) <select name=\"\(field)\"><option value=\"\"></option>"
                    + feature.levels.map { "<option\($0 == typed ? " selected" : "")>\(HTML.escape($0))</option>" }.joined() + "</select></label>"
            }
        }
        out += "</div><button type=\"submit\">Predict</button></form>"
        if let error = view.formError { out += HTML.alert(error, title: "Cannot predict") }
        if let prediction = view.prediction {
            out += "<p class=\"result\">Predicted \(HTML.escape(schema.target.name)): <strong>\(HTML.escape(prediction.predicted))</strong></p>"
            out += HTML.table(headers: ["class", "probability"], rows: prediction.probabilities.map { [.header($0.0), .number(Format.fixed($0.1, 3))] })
        }
        return out
    }
}

extension Pages {
    /// Every dataset, with links to their pages.
    public static func datasets(_ datasets: [DatasetDescription]) -> String { DatasetPages.index(datasets) }

    /// The page of one dataset other than the penguins.
    public static func dataset(_ view: DatasetView) -> String { DatasetPages.dataset(view) }

    /// The classification page of a dataset other than the penguins.
    public static func datasetClassification(
        dataset: DatasetSchema, model: (version: Int, artifact: ModelArtifact)?, versions: [ModelVersionSummary], shadow: DatasetShadow? = nil,
        production: ProductionReport? = nil, audit: [PromotionAudit] = []
    ) -> String {
        DatasetPages.classification(dataset: dataset, model: model, versions: versions, shadow: shadow, production: production, audit: audit)
    }

    /// The drift page of a dataset other than the penguins; `message` says why `drift` is missing.
    public static func datasetDrift(
        dataset: DatasetSchema, current: String, logged: Int,
        drift: (report: DriftReport, reference: DriftSample, current: DriftSample)?, message: String?
    ) -> String {
        DatasetPages.drift(dataset: dataset, current: current, logged: logged, drift: drift, message: message)
    }
}
