/// The operations of the JSON API's routes (``Endpoints/registerAPI(on:)``), and of the OpenAPI
/// document's own (``Endpoints/registerOpenAPI(on:)``).
extension OpenAPI.Operation {
    /// `GET /api/v1/predictions/{penguin_id}`
    static let getPrediction = Self(
        "getPrediction", .predictions,
        summary: "The prediction of a known penguin",
        description: """
            Looks in the prediction cache, then in the warehouse's prediction columns (refilling
            the cache), then predicts with the live model a penguin the current version has not
            scored yet. `source` says which answered.
            """,
        parameters: [.penguinID],
        responses: [
            200: .json(
                "The prediction and where it came from.", .ref("PredictionLookup"),
                example: [
                    "penguin_id": "PAL0708-Adelie-1",
                    "species": "Adelie",
                    "probabilities": ["Adelie": 0.985, "Chinstrap": 0.01, "Gentoo": 0.005],
                    "confidence": 0.985,
                    "model_version": 1,
                    "predicted_at": "2024-05-01T12:00:00Z",
                    "source": "cache",
                ]
            ),
            404: .notFound,
            422: .problem(
                "The penguin is known but a measurement is missing, so it cannot be predicted.",
                example: [
                    "type": "urn:penguins:problem:not-predictable",
                    "title": "Missing measurement",
                    "status": 422,
                    "detail": "penguin \"PAL0708-Adelie-4\" has no bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, so no model can predict its species",
                    "errors": [["field": "bill_length_mm", "detail": "is missing for this penguin"]],
                ]
            ),
            503: .unavailable,
        ]
    )

    /// `POST /api/v1/predict`
    static let predict = Self(
        "predict", .predictions,
        summary: "Predict the species of one penguin",
        description: "The live model predicts; the prediction is appended to the prediction log (batched, off the request path).",
        requestBody: .json(
            .ref("PenguinMeasurements"),
            example: [
                "bill_length_mm": 39.1,
                "bill_depth_mm": 18.7,
                "flipper_length_mm": 181,
                "body_mass_g": 3750,
                "island": "Torgersen",
                "sex": "male",
            ]
        ),
        responses: [
            200: .json(
                "The species, each species' probability and the model version.", .ref("Prediction"),
                example: [
                    "prediction": "Adelie",
                    "species": "Adelie",
                    "probabilities": ["Adelie": 0.985, "Chinstrap": 0.01, "Gentoo": 0.005],
                    "confidence": 0.985,
                    "model_version": 1,
                    "prediction_id": "9f1c2e3a4b5d6e7f-2a",
                ]
            ),
            400: .malformedJSON,
            413: .tooLarge,
            415: .unsupportedMediaType,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `POST /api/v1/predict/batch`
    static let predictBatch = Self(
        "predictBatch", .predictions,
        summary: "Predict up to 10,000 penguins in one request",
        description: """
            All items are validated first; any invalid item rejects the request with every offending field \
            named (`penguins[3].body_mass_g`).
            """,
        requestBody: .json(
            .ref("BatchRequest"),
            example: [
                "penguins": [
                    ["bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750],
                    [
                        "bill_length_mm": 46.1,
                        "bill_depth_mm": 13.2,
                        "flipper_length_mm": 211,
                        "body_mass_g": 4500,
                        "island": "Biscoe",
                        "sex": "female",
                    ],
                ],
            ]
        ),
        responses: [
            200: .json(
                "One result per penguin, in request order.", .ref("BatchResponse"),
                example: [
                    "model_version": 1,
                    "count": 2,
                    "predictions": [
                        [
                            "index": 0,
                            "species": "Adelie",
                            "probabilities": ["Adelie": 0.985, "Chinstrap": 0.01, "Gentoo": 0.005],
                            "confidence": 0.985,
                        ],
                        [
                            "index": 1,
                            "species": "Gentoo",
                            "probabilities": ["Adelie": 0.0, "Chinstrap": 0.02, "Gentoo": 0.98],
                            "confidence": 0.98,
                        ],
                    ],
                ]
            ),
            400: .malformedJSON,
            413: .tooLarge,
            415: .unsupportedMediaType,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/penguins/{penguin_id}`
    static let getPenguin = Self(
        "getPenguin", .penguins,
        summary: "A penguin's lake document",
        description: "The schema-free document ingestion stored, every source column kept.",
        parameters: [.penguinID],
        responses: [
            200: .json(
                "The document.", .ref("LakeDocument"),
                example: [
                    "penguin_id": "PAL0708-Adelie-1",
                    "species": "Adelie",
                    "island": "Torgersen",
                    "features": ["bill_length": 39.1, "bill_depth": 18.7, "flipper_length": 181, "body_mass": 3750],
                    "sex": "male",
                    "year": 2007,
                    "usable_for_training": true,
                    "study_name": "PAL0708",
                ]
            ),
            404: .notFound,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/penguins`
    static let listPenguins = Self(
        "listPenguins", .penguins,
        summary: "A page of warehouse rows",
        description: "Rows ordered by island, then penguin id; pass `next` as `after` for the following page.",
        parameters: [
            .query("island", .partitionLevels, description: "Only this island. All islands when absent."),
            .query("limit", ["type": "integer", "minimum": 1, "maximum": 1000, "default": 50], description: "Rows per page."),
            .query("after", .string, description: "The `next` cursor of the previous page."),
        ],
        responses: [
            200: .json(
                "The page and the cursor of the next one (null on the last page).", .ref("PenguinPage"),
                example: [
                    "island": "Biscoe",
                    "limit": 1,
                    "count": 1,
                    "penguins": [
                        [
                            "penguin_id": "PAL0708-Adelie-21",
                            "species": "Adelie",
                            "island": "Biscoe",
                            "bill_length_mm": 37.8,
                            "bill_depth_mm": 18.3,
                            "flipper_length_mm": 174,
                            "body_mass_g": 3400,
                            "sex": "female",
                            "year": 2007,
                            "usable_for_training": true,
                            "prediction": [
                                "species": "Adelie",
                                "probabilities": ["Adelie": 1, "Chinstrap": 0, "Gentoo": 0],
                                "confidence": 1,
                                "model_version": 1,
                                "predicted_at": "2024-05-01T12:00:00Z",
                            ],
                        ],
                    ],
                    "next": "QmlzY29lH0FkZWxpZR9QQUwwNzA4LUFkZWxpZS0yMQ",
                ]
            ),
            400: .badParameter,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/stats`
    static let getStatistics = Self(
        "getStatistics", .analyses,
        summary: "Descriptive statistics of the warehouse",
        parameters: [
            .query("by", .categorical, description: "Add one table per level of this column."),
        ],
        responses: [
            200: .json(
                "The statistics report.", .ref("StatisticsReport"),
                example: [
                    "tables": [
                        [
                            "group": "all",
                            "rows": 344,
                            "variables": [
                                "body_mass_g": [
                                    "count": 342,
                                    "missing": 2,
                                    "mean": 4201.75,
                                    "standard_deviation": 801.95,
                                    "minimum": 2700,
                                    "q1": 3550,
                                    "median": 4050,
                                    "q3": 4750,
                                    "maximum": 6300,
                                ],
                            ],
                        ],
                    ],
                    "counts_by_island_and_sex": ["Biscoe": ["female": 80, "male": 83, "missing": 5]],
                ]
            ),
            400: .badParameter,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/regression`
    static let getRegression = Self(
        "getRegression", .analyses,
        summary: "An OLS regression on the warehouse",
        description: "Categorical predictors are one-hot encoded with the first level dropped.",
        parameters: [
            .query("target", .numeric, required: true, description: "A numeric column of the penguins' schema."),
            .query(
                "predictors", .string,
                required: true,
                description: "Comma-separated column names of the penguins' schema (numeric or categorical), not the target; the parameter may also repeat.",
                example: "flipper_length_mm,sex"
            ),
            .testFraction,
            .splitSeed,
        ],
        responses: [
            200: .json(
                "The regression report.", .ref("RegressionReport"),
                example: [
                    "target": "body_mass_g",
                    "predictors": ["flipper_length_mm", "sex"],
                    "training_rows": 267,
                    "test_rows": 66,
                    "rows_with_missing_values": 11,
                    "training_mse": 113000.2,
                    "training_rmse": 336.2,
                    "test_mse": 120500.7,
                    "test_rmse": 347.1,
                    "model": [
                        "target_name": "body_mass_g",
                        "r_squared": 0.806,
                        "adjusted_r_squared": 0.805,
                        "terms": [
                            [
                                "name": "intercept",
                                "estimate": -5410.3,
                                "standard_error": 285.8,
                                "t_statistic": -18.9,
                                "p_value": 0.0,
                                "lower95": -5973.1,
                                "upper95": -4847.5,
                            ],
                        ],
                    ],
                    "actual": [3750, 3800],
                    "predicted": [3690.2, 3702.5],
                ]
            ),
            400: .badParameter,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/drift`
    static let getDrift = Self(
        "getDrift", .analyses,
        summary: "Drift between the current model's training sample and the prediction log",
        description: """
            KS test and PSI per feature, chi-squared on the predicted species. The current sample is the \
            prediction log of real predictions (which must hold some, 409 otherwise), or, with \
            `current=warehouse`, every stored penguin, or, with `current=simulation`, the dashboard's simulated \
            stream (kept apart from the log). On fewer current rows than the server's minimum (100 by default, \
            `--min-drift-rows`), the `verdict` is `not_enough_data` whatever the tests say.
            """,
        parameters: [
            .query("feature", .numeric, description: "One numeric column only (default every numeric column the model's training sample has, and the categorical columns)."),
            .query(
                "threshold", ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.05],
                description: "Drift when a p-value is below this."
            ),
            .driftCurrent,
        ],
        responses: [
            200: .json(
                "The drift report.", .ref("DriftReport"),
                example: [
                    "reference": "training",
                    "current": "production",
                    "threshold": 0.05,
                    "features": [
                        [
                            "feature": "body_mass_g",
                            "reference_count": 273,
                            "current_count": 1000,
                            "ks": [
                                "statistic": 0.31,
                                "p_value": 0.0000001,
                                "method": "asymptotic",
                                "sample_sizes": ["reference": 273, "current": 1000],
                                "statistic_location": 4200,
                                "statistic_sign": 1,
                            ],
                            "psi": [
                                "value": 0.42,
                                "bin_edges": [3000, 3500],
                                "reference_shares": [0.5, 0.5],
                                "current_shares": [0.2, 0.8],
                                "verdict": "significant",
                            ],
                            "drift": true,
                        ],
                    ],
                    "categorical": [],
                    "current_rows": 1000,
                    "minimum_rows": 100,
                    "verdict": "drift",
                ]
            ),
            400: .badParameter,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// The parameters of the drift history routes.
    static let driftHistoryParameters: [OpenAPI.Parameter] = [
        .query(
            "window", ["type": "string", "pattern": "^(hour|day|week|rows=[1-9][0-9]*)$", "default": "day"],
            description: "Calendar windows in UTC (`hour`, `day`, `week` from Monday) or runs of N predictions (`rows=N`).",
            example: "day"
        ),
        .query("since", ["type": "string"], description: "Only predictions from this ISO 8601 date or date and time on.", example: "2026-12-01"),
        .query(
            "threshold", ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.05],
            description: "A test's column drifted when its p-value is below this."
        ),
        .query(
            "share", ["type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.5],
            description: "A window drifted when at least this share of its columns drifted."
        ),
    ]

    /// `GET /api/v1/drift/history`
    static let getDriftHistory = Self(
        "getDriftHistory", .analyses,
        summary: "Drift over time: the prediction log's windows against the training sample",
        description: """
            The newest million logged predictions, cut into windows; each window's columns are compared with the \
            current model's training sample by the method that fits them (Kolmogorov–Smirnov or, for a reference of \
            over 1,000 values, the normed Wasserstein distance; chi-squared or the Jensen–Shannon distance), with PSI \
            beside the numeric ones, and the window has drifted when the share of drifted columns reaches `share`. A \
            window with fewer rows than the server's minimum says `not_enough_data`. 409 while nothing is logged.
            """,
        parameters: driftHistoryParameters,
        responses: [
            200: .json("The windows, oldest first.", .ref("DriftHistory")),
            400: .badParameter,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `POST /api/v1/feedback`
    static let recordFeedback = Self(
        "recordFeedback", .models,
        summary: "Report the true species of earlier predictions",
        description: """
            Each item names a real-time prediction by the `prediction_id` it was answered with, or a stored             penguin by `id` (judged against its batch prediction from `penguins score`), and gives the true             class. The batch is recorded whole or not at all: a 422 names every item at fault. Truth reported             again for the same prediction replaces the earlier. The answer carries the current model's             production quality, which `GET /api/v1/model` shows too.
            """,
        requestBody: .json(
            .ref("FeedbackRequest"),
            example: ["feedback": [["prediction_id": "9f1c2e3a4b5d6e7f-2a", "actual": "Adelie"], ["id": "PAL0708-Gentoo-3", "actual": "Gentoo"]]]
        ),
        responses: [
            200: .json("What was recorded, and the current model's production quality.", .ref("FeedbackResult")),
            400: .malformedJSON,
            413: .tooLarge,
            415: .unsupportedMediaType,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/model`
    static let getModel = Self(
        "getModel", .models,
        summary: "The live model",
        responses: [
            200: .json(
                """
                Version, parameters, metrics, feature importances and confusion matrix; with a Spark model, \
                its record and the shadow comparison.
                """,
                .ref("ModelDescription"),
                example: [
                    "version": 1,
                    "created_at": "2024-05-01T12:00:00Z",
                    "engine": "swift",
                    "feature_names": ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"],
                    "class_labels": ["Adelie", "Chinstrap", "Gentoo"],
                    "parameters": [
                        "num_trees": 20,
                        "max_depth": 5,
                        "max_bins": 32,
                        "min_instances_per_node": 1,
                        "min_info_gain": 0,
                        "impurity": "gini",
                        "feature_subset_strategy": "auto",
                        "subsampling_rate": 1,
                        "bootstrap": true,
                        "seed": 42,
                    ],
                    "accuracy": 0.985,
                    "macro_f1": 0.982,
                    "weighted_f1": 0.985,
                    "per_class": ["Adelie": ["precision": 0.98, "recall": 1, "f1": 0.99, "support": 30]],
                    "confusion_matrix": ["labels": ["Adelie", "Chinstrap", "Gentoo"], "counts": [[30, 0, 0], [1, 13, 0], [0, 0, 25]]],
                    "feature_importances": ["bill_length_mm": 0.4, "bill_depth_mm": 0.2, "flipper_length_mm": 0.3, "body_mass_g": 0.1],
                    "training_rows": 273,
                    "test_rows": 69,
                    "test_fraction": 0.2,
                    "training_fingerprint": "9f3c2a17b4d0e851",
                    "spark": [
                        "engine": "spark",
                        "url": "sc://127.0.0.1:15002",
                        "spark_version": "4.3.0",
                        "model_path": "/srv/models/species-20240501T120000Z-1a2b3c",
                        "accuracy": 0.99,
                        "macro_f1": 0.988,
                        "f1_by_label": [0.99, 0.98, 0.995],
                        "test_fraction": 0.2,
                        "seed": 42,
                        "seconds": 11.2,
                    ],
                    "shadow": [
                        "model_version": 1,
                        "compared": 342,
                        "agreed": 340,
                        "agreement_rate": 0.99415,
                        "disagreements": [
                            [
                                "penguin_id": "PAL0809-Gentoo-38",
                                "island": "Biscoe",
                                "species": "Gentoo",
                                "swift": "Adelie",
                                "spark": "Gentoo",
                            ],
                        ],
                    ],
                ]
            ),
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/models`
    static let listModels = Self(
        "listModels", .models,
        summary: "Every model version, newest first",
        responses: [
            200: .json(
                "The versions and the current one.", .ref("ModelVersionList"),
                example: [
                    "current": 2,
                    "versions": [
                        [
                            "version": 2,
                            "current": true,
                            "created_at": "2024-05-02T09:00:00Z",
                            "engine": "swift",
                            "num_trees": 50,
                            "max_depth": 6,
                            "training_rows": 273,
                            "accuracy": 0.99,
                            "macro_f1": 0.988,
                        ],
                        [
                            "version": 1,
                            "current": false,
                            "created_at": "2024-05-01T12:00:00Z",
                            "engine": "swift",
                            "num_trees": 20,
                            "max_depth": 5,
                            "training_rows": 273,
                            "accuracy": 0.985,
                            "macro_f1": 0.982,
                        ],
                    ],
                ]
            ),
            503: .unavailable,
        ]
    )

    /// `POST /api/v1/models/{version}/promote`
    static let promoteModel = Self(
        "promoteModel", .models,
        summary: "Make a version current, unless it is worse than the current one",
        description: """
            The candidate and the current version predict the same rows: the candidate's held-out rows and \
            the predictions whose ground truth came back (when at least 30 did). A candidate less accurate \
            than the current version by more than `margin` on either is refused (409, saying by how much) \
            unless `force=true`. The registry records the promotion in its audit trail (`GET /api/v1/models`) \
            and the live model is swapped without dropping a request.
            """,
        parameters: [.path("version", ["type": "integer", "minimum": 1], example: 1)] + promotionParameters,
        responses: [
            200: .json(
                "The version now current, the one it replaced and the comparison.", .ref("PromoteResult"),
                example: ["dataset": "penguins", "current": 1, "previous": 2]),
            400: .badParameter,
            404: .notFound,
            409: .promotionRefused,
            503: .unavailable,
        ]
    )

    /// The query parameters of the promote routes.
    static let promotionParameters: [OpenAPI.Parameter] = [
        .query("force", ["type": "boolean"], description: "Promote even a candidate worse than the margin allows (the audit trail says so)."),
        .query("margin", ["type": "number", "minimum": 0, "exclusiveMaximum": 1],
               description: "How much less accurate the candidate may be, as a fraction (default 0.01: one point)."),
    ]

    /// `GET /api/v1/jobs`
    static let listJobs = Self(
        "listJobs", .operations,
        summary: "The scheduled jobs and their last runs",
        description: """
            The jobs the server runs on its own (`penguins serve --schedule 'score daily 02:00' --schedule 'drift hourly'`), \
            one at a time: batch scoring of every dataset with a model, and drift of the last day of each prediction \
            log (which sets the `penguins_drift_share` and `penguins_feature_drift` gauges).
            """,
        responses: [200: .json("Each job with its next run and the outcome of its last.", .ref("JobList"))]
    )

    /// `GET /api/v1/alerts`
    static let listAlerts = Self(
        "listAlerts", .operations,
        summary: "The alert rules and whether each fires",
        description: """
            The rules of `penguins serve --alerts FILE` (drift share, a feature's drift, production accuracy below a \
            floor, prediction log write failures), each with its last reading. When a rule starts or stops firing, the \
            server POSTs one JSON event (`status` `firing` or `resolved`) to each configured webhook.
            """,
        responses: [200: .json("Each rule in configuration order.", .ref("AlertList"))]
    )

    /// `GET /api/v1/datasets`
    static let listDatasets = Self(
        "listDatasets", .datasets,
        summary: "Every dataset, by name",
        description: """
            The bundled datasets (version 0 until one is registered under their name) and those registered \
            with `penguins datasets add`, each with its newest schema.
            """,
        responses: [
            200: .json(
                "The datasets.",
                [
                    "type": "object",
                    "required": ["datasets"],
                    "properties": ["datasets": ["type": "array", "items": .ref("Dataset")]],
                ]
            ),
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}`
    static let getDataset = Self(
        "getDataset", .datasets,
        summary: "One dataset's newest schema",
        parameters: [
            .path("dataset", ["type": "string", "pattern": "^[a-z][a-z0-9_]*$"], description: "The dataset's name.", example: "iris"),
        ],
        responses: [
            200: .json(
                "The dataset.", .ref("Dataset"),
                example: [
                    "name": "iris",
                    "version": 0,
                    "bundled": true,
                    "fingerprint": "b9823c835c5f1990",
                    "registered_at": nil,
                    "schema": [
                        "name": "iris",
                        "id": [:],
                        "target": [
                            "name": "species",
                            "classes": ["setosa", "versicolor", "virginica"],
                            "aliases": ["Iris-setosa": "setosa"],
                        ],
                        "features": [["name": "sepal_length_cm", "kind": "numeric", "unit": "cm", "range": [0, 15]]],
                        "partition": "species",
                        "missing_values": ["NA", "", "."],
                        "kept": [:],
                    ],
                ]
            ),
            404: .notFound,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/health`
    static let getHealth = Self(
        "getHealth", .operations,
        summary: "Liveness",
        responses: [
            200: .json(
                "The process answers.",
                [
                    "type": "object",
                    "required": ["status"],
                    "properties": ["status": ["type": "string", "const": "ok"]],
                ],
                example: ["status": "ok"]
            ),
        ]
    )

    /// `GET /api/v1/ready`
    static let getReadiness = Self(
        "getReadiness", .operations,
        summary: "Readiness",
        description: """
            Probes every store role at once (each within the store timeout, 2 s by default). `ready`:
            the model is loaded and every store answers. `degraded` (still 200, the server can
            predict): the model is loaded but some roles do not answer; `failing` names each with
            what it means (a cache down: lookups fall back to the warehouse and the model; the
            warehouse down: lookups of uncached penguins, data pages and analyses answer 503; the
            prediction log down: live predictions are kept in memory and written when it returns).
            503 only when no model is loaded, so nothing can be predicted.
            """,
        responses: [
            200: .json(
                "Ready, or degraded.", .ref("Ready"),
                examples: [
                    "ready": [
                        "status": "ready",
                        "model_version": 1,
                        "buffered_log_entries": 0,
                        "stores": [
                            "lake": "up",
                            "warehouse": "up",
                            "cache": "up",
                            "model_registry": "up",
                            "prediction_log": "up",
                            "quarantine": "up",
                        ],
                        "failing": [],
                    ],
                    "degraded": [
                        "status": "degraded",
                        "model_version": 1,
                        "buffered_log_entries": 0,
                        "stores": [
                            "lake": "up",
                            "warehouse": "up",
                            "cache": "down",
                            "model_registry": "up",
                            "prediction_log": "up",
                            "quarantine": "up",
                        ],
                        "failing": [
                            [
                                "role": "cache",
                                "detail": "the cache at redis://:***@127.0.0.1:6380/0 cannot be opened: Redis is unavailable: cannot connect to 127.0.0.1:6380",
                                "impact": "lookups are answered from the warehouse or the live model, more slowly",
                            ],
                        ],
                    ],
                ]
            ),
            503: .problem(
                "Not ready (no model); `errors` names the model and each store that does not answer.",
                example: [
                    "type": "urn:penguins:problem:not-ready",
                    "title": "Not ready",
                    "status": 503,
                    "detail": "model no model is loaded: run penguins ingest and penguins train",
                    "errors": [["field": "model", "detail": "no model is loaded: run penguins ingest and penguins train"]],
                ]
            ),
        ]
    )

    /// `GET /api/v1/metrics`
    static let getMetrics = Self(
        "getMetrics", .operations,
        summary: "Prometheus metrics",
        description: """
            Request counts (`penguins_http_requests_total{method,route,status}`) and latency histograms
            (`penguins_http_request_duration_seconds{method,route}`) per route, cache hits, misses and
            errors, lookup fallbacks by source, lookups answered without a failing cache
            (`penguins_cache_fallbacks_total`), store errors and up/down state per role
            (`penguins_store_errors_total{role}`, `penguins_store_up{role}`), predictions per species,
            and prediction log writes, failures, buffered and dropped entries.
            """,
        responses: [
            200: .body(
                "The Prometheus text exposition format.", mediaType: "text/plain",
                .string,
                example: "# TYPE penguins_cache_hits_total counter\npenguins_cache_hits_total 1042\n"
            ),
        ]
    )

    /// `GET /api/v1/openapi.yaml`
    static let getOpenAPI = Self(
        "getOpenAPI", .operations,
        summary: "This document",
        responses: [
            200: .body(
                "The OpenAPI 3.1 document, as YAML.", mediaType: "application/yaml",
                ["type": "object", "required": ["openapi", "paths"]]
            ),
        ]
    )
}
