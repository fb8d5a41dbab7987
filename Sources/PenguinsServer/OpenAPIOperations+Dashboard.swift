import PenguinsCore
import PenguinsPipeline

/// The operations of the dashboard's pages (``Endpoints/registerDashboard(on:)``).
extension OpenAPI.Operation {
    /// `GET /`
    static let overviewPage = Self(
        "overviewPage", .dashboard,
        summary: "Dashboard: overview",
        responses: [200: .page, 503: .errorPage]
    )

    /// `GET /assets/dashboard.css`
    static let styleSheet = Self(
        "styleSheet", .dashboard,
        summary: "Dashboard: the pages' style sheet",
        description: "Every page links it (pages carry no inline style); the link's `v` query is a digest of the text.",
        responses: [200: .body("The style sheet.", mediaType: "text/css", ["type": "string"])]
    )

    /// `GET /statistics`
    static let statisticsPage = Self(
        "statisticsPage", .dashboard,
        summary: "Dashboard: statistics",
        description: """
            Descriptive statistics, counts by island and sex, the two seed scatter plots, and a scatter plot \
            of the reader's choosing (bill length against flipper length by island until chosen).
            """,
        parameters: [
            .query("x", .string, description: "The chosen plot's horizontal numeric column."),
            .query("y", .string, description: "Its vertical numeric column."),
            .query("colour", .string, description: "The categorical column that colours its points."),
        ],
        responses: [200: .page, 503: .errorPage]
    )

    /// `GET /regression`
    static let regressionPage = Self(
        "regressionPage", .dashboard,
        summary: "Dashboard: regression lab",
        description: "Without a query the form's defaults are fitted.",
        parameters: [
            .query("target", .numeric),
            .repeatedQuery("predictors", .any, description: "One parameter per checked predictor."),
            .query("test_fraction", .string, example: "0.2"),
            .query("seed", .string, example: "42"),
        ],
        responses: [200: .page, 409: .errorPage, 422: .errorPage]
    )

    /// `GET /classification`
    static let classificationPage = Self(
        "classificationPage", .dashboard,
        summary: "Dashboard: the current model and its versions",
        responses: [200: .page, 503: .errorPage]
    )

    /// `POST /classification/promote`
    static let promoteFromDashboard = Self(
        "promoteFromDashboard", .dashboard,
        summary: "Dashboard: promote a version",
        description: "Through the same gate as `POST /api/v1/models/{version}/promote`: a worse candidate is refused (409 page) unless `force` is checked.",
        requestBody: .form(
            [
                "type": "object",
                "required": ["version"],
                "properties": ["version": ["type": "integer", "minimum": 1], "force": ["type": "boolean"]],
            ],
            example: ["version": 1]
        ),
        responses: [
            303: .redirect("Promoted; see /classification.", location: "/classification"), 400: .errorPage, 404: .errorPage, 409: .errorPage,
        ]
    )

    /// `GET /drift`
    static let driftPage = Self(
        "driftPage", .dashboard,
        summary: "Dashboard: drift of the prediction log against the training sample",
        description: "Real predictions only; `current=simulation` shows the simulated stream instead, labelled as one.",
        parameters: [
            .query("current", ["type": "string", "enum": ["production", "simulation"], "default": "production"]),
            .query("window", ["type": "string", "enum": ["hour", "day", "week"], "default": "day"], description: "The windows of the timeline."),
        ],
        responses: [200: .page, 400: .errorPage, 503: .errorPage]
    )

    /// `POST /drift/simulate`
    static let simulateDrift = Self(
        "simulateDrift", .dashboard,
        summary: "Dashboard: simulate a production stream with a shift",
        description: """
            Generates synthetic penguins fitted per species on the stored ones, with one numeric feature \
            of their schema shifted, and predicts them with the live model. The predictions form a simulated \
            stream kept apart from the prediction log (in the server's memory), shown by `/drift?current=simulation`.
            """,
        requestBody: .form(
            [
                "type": "object",
                "required": ["feature"],
                "properties": [
                    "feature": .string,
                    "delta": ["type": "number", "default": 0],
                    "rows": ["type": "integer", "minimum": 1, "maximum": 100000, "default": 1000],
                ],
            ],
            example: ["delta": 300, "rows": 1000]
        ).naming("feature", .numeric), // the example's feature: the schema's first numeric column
        responses: [303: .redirect("Simulated; see the simulated stream's drift.", location: "/drift?current=simulation"), 400: .errorPage, 409: .errorPage, 503: .errorPage]
    )

    /// `GET /predict`
    static let predictPage = Self(
        "predictPage", .dashboard,
        summary: "Dashboard: predict form",
        description: "With the live model's features in the query (the four measurements for the default model), the page shows the prediction (and logs it).",
        parameters: [.featureQueries],
        responses: [200: .page, 422: .errorPage, 503: .errorPage]
    )

    /// `GET /datasets`
    static let datasetsPage = Self(
        "datasetsPage", .dashboard,
        summary: "Dashboard: every dataset",
        description: """
            The bundled and registered datasets with their stored rows, each linked to its page. With `open` \
            (the navigation bar's dataset switcher) it redirects to that dataset's `page` instead.
            """,
        parameters: [
            .query("open", .string, description: "A dataset to open."),
            .query(
                "page",
                [
                    "type": "string",
                    "enum": [
                        "overview",
                        "statistics",
                        "regression",
                        "classification",
                        "drift",
                        "predict",
                        "datasets",
                        "benchmarks",
                    ],
                ],
                description: "The page of the dataset to open (its overview by default)."
            ),
        ],
        responses: [200: .page, 303: .redirect("The chosen page of the dataset named by `open`."), 404: .errorPage]
    )

    /// `GET /datasets/{dataset}`
    static let datasetPage = Self(
        "datasetPage", .dashboard,
        summary: "Dashboard: one dataset",
        description: """
            Built from the dataset's schema: its stored counts, statistics of every numeric column, counts of \
            every categorical one, a scatter plot of the chosen columns, the current model's figures and a \
            predict form, whose predictions are logged. `f_<feature>` fields submit the form (the page then \
            shows the prediction, or a 422 page naming the bad fields). The penguins' is the overview (a \
            redirect to `/`).
            """,
        parameters: [
            .datasetName,
            .query("x", .string, description: "The scatter plot's horizontal numeric column."),
            .query("y", .string, description: "Its vertical numeric column."),
            .query("colour", .string, description: "The categorical column that colours the points."),
        ],
        responses: [200: .page, 303: .redirect("The penguins' page is the overview."), 404: .errorPage, 422: .errorPage]
    )

    /// `POST /datasets/{dataset}/promote`
    static let datasetPromoteForm = Self(
        "datasetPromoteForm", .dashboard,
        summary: "Dashboard: promote a dataset's model version",
        description: """
            The promote buttons of a dataset's classification page; answers with a redirect to that page (the \
            penguins' to `/classification`).
            """,
        parameters: [.datasetName],
        requestBody: .form(
            [
                "type": "object",
                "required": ["version"],
                "properties": ["version": ["type": "integer", "minimum": 1], "force": ["type": "boolean"]],
            ]
        ),
        responses: [
            303: .redirect("Promoted; back to the dataset's classification page."),
            400: .errorPage,
            404: .errorPage,
            409: .errorPage,
            503: .errorPage,
        ]
    )

    /// `GET /datasets/{dataset}/regression`
    static let datasetRegressionPage = Self(
        "datasetRegressionPage", .dashboard,
        summary: "Dashboard: the regression lab of a dataset",
        description: """
            The regression lab over the dataset's warehouse: any numeric column on numeric and categorical \
            ones. With no query it fits the last numeric column on the first. The penguins' is `/regression` \
            (a redirect keeps the query).
            """,
        parameters: [
            .datasetName,
            .query("target", .string, description: "A numeric column."),
            .query("predictors", .string, description: "A predictor column (repeatable)."),
            .testFraction,
            .splitSeed,
        ],
        responses: [200: .page, 303: .redirect("The penguins' lab is `/regression`."), 404: .errorPage, 422: .errorPage]
    )

    /// `GET /datasets/{dataset}/classification`
    static let datasetClassificationPage = Self(
        "datasetClassificationPage", .dashboard,
        summary: "Dashboard: the model of a dataset",
        description: """
            The current model's metrics, parameters, per-class figures, confusion matrix and feature \
            importances, and every version with a promote button. The penguins' is `/classification` (a \
            redirect).
            """,
        parameters: [.datasetName],
        responses: [200: .page, 303: .redirect("The penguins' page is `/classification`."), 404: .errorPage, 503: .errorPage]
    )

    /// `GET /datasets/{dataset}/drift`
    static let datasetDriftPage = Self(
        "datasetDriftPage", .dashboard,
        summary: "Dashboard: drift of a dataset",
        description: """
            The current model's training sample against the chosen current sample: its prediction log \
            (`production`, the default once a prediction is logged) or its warehouse (the default before). The \
            penguins' is `/drift` (a redirect).
            """,
        parameters: [.datasetName, .driftCurrent],
        responses: [200: .page, 303: .redirect("The penguins' page is `/drift`."), 400: .errorPage, 404: .errorPage, 503: .errorPage]
    )

    /// `GET /benchmarks`
    static let benchmarksPage = Self(
        "benchmarksPage", .dashboard,
        summary: "Dashboard: store benchmark form",
        responses: [200: .page]
    )

    /// `POST /benchmarks`
    static let runBenchmarks = Self(
        "runBenchmarks", .dashboard,
        summary: "Dashboard: run the store benchmark",
        description: "1,000 sequential single-key reads of the cache, the lake and the warehouse.",
        responses: [200: .page, 409: .errorPage]
    )
}

extension OpenAPI.Operation {
    /// `GET /login`
    static let loginPage = Self(
        "loginPage", .dashboard,
        summary: "Dashboard: the sign-in form",
        description: "Signing in takes an API key as the password; with no key stored, the page says the dashboard is open.",
        parameters: [.query("next", .string, description: "The page to go to after signing in (a path of this server).", example: "/drift")],
        responses: [200: .page]
    )

    /// `POST /login`
    static let signIn = Self(
        "signIn", .dashboard,
        summary: "Dashboard: sign in with an API key",
        description: "Opens a session (cookie `penguins_session`: HttpOnly, SameSite=Strict, Secure over HTTPS, expiring) and renews the form token.",
        requestBody: .form(
            [
                "type": "object",
                "required": ["key"],
                "properties": ["key": ["type": "string", "description": "An API key."], "next": ["type": "string"]],
            ],
            example: ["key": "pk_…", "next": "/"]
        ),
        responses: [303: .redirect("Signed in; to `next`."), 401: .reference("LoginPage"), 415: .errorPage]
    )

    /// `POST /logout`
    static let signOut = Self(
        "signOut", .dashboard,
        summary: "Dashboard: sign out",
        responses: [303: .redirect("Signed out; to the sign-in form.", location: "/login")]
    )
}
