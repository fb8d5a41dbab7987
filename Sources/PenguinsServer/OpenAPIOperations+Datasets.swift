/// The operations of every dataset's routes (``Endpoints/registerDatasetAPI(on:)``).
extension OpenAPI.Operation {
    /// `POST /api/v1/datasets/{dataset}/predict`
    static let predictDatasetRow = Self(
        "predictDatasetRow", .datasets,
        summary: "Predict one row of a dataset",
        description: """
            The body holds the row's features by name: a number for a numeric feature, a level (or an alias of \
            one) for a categorical one. Every feature the current model uses is required; the others may be \
            given or left out. The penguins (`/api/v1/datasets/penguins/predict`) answer as \
            `POST /api/v1/predict`.
            """,
        parameters: [.datasetName],
        requestBody: .json(.ref("DatasetFeatures"), example: ["petal_length_cm": 5.6, "petal_width_cm": 2.2]),
        responses: [
            200: .json(
                "The predicted class and the probability of each class.", .ref("DatasetPrediction"),
                example: [
                    "prediction": "virginica",
                    "probabilities": ["setosa": 0, "versicolor": 0.02, "virginica": 0.98],
                    "confidence": 0.98,
                    "model_version": 1,
                ]
            ),
            400: .malformedJSON,
            404: .notFound,
            413: .tooLarge,
            415: .unsupportedMediaType,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `POST /api/v1/datasets/{dataset}/predict/batch`
    static let predictDatasetBatch = Self(
        "predictDatasetBatch", .datasets,
        summary: "Predict many rows of a dataset",
        description: """
            Up to 10,000 rows per request, each validated as by `POST /api/v1/datasets/{dataset}/predict`; \
            errors name the row (`rows[3].petal_width_cm`).
            """,
        parameters: [.datasetName],
        requestBody: .json(
            [
                "type": "object",
                "additionalProperties": false,
                "required": ["rows"],
                "properties": ["rows": ["type": "array", "minItems": 1, "maxItems": 10000, "items": .ref("DatasetFeatures")]],
            ],
            example: ["rows": [["petal_length_cm": 1.4, "petal_width_cm": 0.2]]]
        ),
        responses: [
            200: .json(
                "One prediction per row, in order. The penguins answer as `POST /api/v1/predict/batch`.",
                [
                    "oneOf": [
                        [
                            "type": "object",
                            "required": ["dataset", "model_version", "count", "predictions"],
                            "properties": [
                                "dataset": .string,
                                "model_version": ["type": "integer"],
                                "count": ["type": "integer"],
                                "predictions": ["type": "array", "items": .ref("DatasetPrediction")],
                            ],
                        ],
                        .ref("BatchResponse"),
                    ],
                ]
            ),
            400: .malformedJSON,
            404: .notFound,
            413: .tooLarge,
            415: .unsupportedMediaType,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/predictions/{id}`
    static let getDatasetPrediction = Self(
        "getDatasetPrediction", .datasets,
        summary: "The prediction of a stored row",
        description: """
            The current model's prediction of the row from the dataset's prediction cache, else its batch \
            prediction from the warehouse, else predicted now from its stored features; an answer not from the \
            cache refills it. Cached predictions of rows whose target or features change are removed within a \
            second.
            """,
        parameters: [.datasetName, .path("id", .string, description: "The row's id.")],
        responses: [
            200: .json(
                "The prediction and where it came from. The penguins answer as `GET /api/v1/predictions/{penguin_id}`.",
                [
                    "oneOf": [
                        [
                            "allOf": [
                                .ref("DatasetPrediction"),
                                [
                                    "type": "object",
                                    "required": ["id", "predicted_at", "source"],
                                    "properties": [
                                        "id": .string,
                                        "predicted_at": ["type": "string", "format": "date-time"],
                                        "source": ["type": "string", "enum": ["cache", "warehouse", "model"]],
                                    ],
                                ],
                            ],
                        ],
                        .ref("PredictionLookup"),
                    ],
                ]
            ),
            404: .notFound,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/rows/{id}`
    static let getDatasetRow = Self(
        "getDatasetRow", .datasets,
        summary: "A row's lake document",
        description: "Every column of the source row, with `_provenance` (file, line, encoding) when it was read from a file.",
        parameters: [.datasetName, .path("id", .string, description: "The row's id.")],
        responses: [200: .json("The document.", ["type": "object", "additionalProperties": true]), 404: .notFound, 503: .unavailable]
    )

    /// `GET /api/v1/datasets/{dataset}/rows`
    static let listDatasetRows = Self(
        "listDatasetRows", .datasets,
        summary: "A page of a dataset's warehouse rows",
        description: """
            Ordered by partition (in the order of the partition column's levels), then by id. The penguins \
            (`/api/v1/datasets/penguins/rows`) answer as `GET /api/v1/penguins`, the partition being the \
            island.
            """,
        parameters: [
            .datasetName,
            .query("partition", .string, description: "Only this partition (a level of the partition column)."),
            .query("limit", ["type": "integer", "minimum": 1, "maximum": 1000, "default": 50]),
            .query("after", .string, description: "The `next` cursor of the previous page."),
        ],
        responses: [
            200: .json(
                "The page and the cursor of the next one (null at the end). The penguins answer as `GET /api/v1/penguins`.",
                ["oneOf": [.ref("DatasetRowPage"), .ref("PenguinPage")]]
            ),
            400: .badParameter,
            404: .notFound,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/stats`
    static let getDatasetStatistics = Self(
        "getDatasetStatistics", .datasets,
        summary: "Descriptive statistics of a dataset's warehouse",
        description: "Every numeric column summarised, every categorical one counted; the penguins answer as `GET /api/v1/stats`.",
        parameters: [.datasetName, .query("by", .string, description: "Add one table per level of this categorical column.")],
        responses: [
            200: .json("The statistics report.", .ref("StatisticsReport")),
            400: .badParameter,
            404: .notFound,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/drift`
    static let getDatasetDrift = Self(
        "getDatasetDrift", .datasets,
        summary: "Drift between a dataset's training sample and its prediction log or warehouse",
        description: """
            KS test and PSI per numeric feature, chi-squared per categorical column (the target among them, \
            counted from the predicted classes in the log), comparing the current model's training sample with \
            the dataset's logged predictions (the newest 100,000; 409 while none is logged) or, with \
            `current=warehouse`, every row stored in its warehouse. The penguins answer as \
            `GET /api/v1/drift`.
            """,
        parameters: [
            .datasetName,
            .query(
                "feature", .string,
                description: "One numeric feature only (default every numeric feature and the categorical columns)."
            ),
            .query(
                "threshold", ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": 0.05],
                description: "Drift when a p-value is below this."
            ),
            .driftCurrent,
        ],
        responses: [
            200: .json("The drift report.", .ref("DriftReport")),
            400: .badParameter,
            404: .notFound,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/drift/history`
    static let getDatasetDriftHistory = Self(
        "getDatasetDriftHistory", .datasets,
        summary: "Drift over time of a dataset's prediction log",
        description: "As `GET /api/v1/drift/history`, for the dataset's own log and training sample.",
        parameters: [.datasetName] + driftHistoryParameters,
        responses: [
            200: .json("The windows, oldest first.", .ref("DriftHistory")),
            400: .badParameter,
            404: .notFound,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `POST /api/v1/datasets/{dataset}/feedback`
    static let recordDatasetFeedback = Self(
        "recordDatasetFeedback", .datasets,
        summary: "Report the true class of a dataset's earlier predictions",
        description: "As `POST /api/v1/feedback`, for the dataset's own predictions and stored rows.",
        parameters: [.datasetName],
        requestBody: .json(.ref("FeedbackRequest")),
        responses: [
            200: .json("What was recorded, and the current model's production quality.", .ref("FeedbackResult")),
            400: .malformedJSON,
            404: .notFound,
            413: .tooLarge,
            415: .unsupportedMediaType,
            422: .invalid,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/regression`
    static let getDatasetRegression = Self(
        "getDatasetRegression", .datasets,
        summary: "An OLS regression on a dataset's warehouse",
        description: """
            Any numeric column on numeric and categorical ones (one-hot, first level dropped); the penguins \
            answer as `GET /api/v1/regression`.
            """,
        parameters: [
            .datasetName,
            .query("target", .string, required: true, description: "A numeric column."),
            .query("predictors", .string, required: true, description: "Comma-separated columns."),
            .testFraction,
            .splitSeed,
        ],
        responses: [
            200: .json("The fitted model and its errors.", .ref("RegressionReport")),
            400: .badParameter,
            404: .notFound,
            409: .notEnoughData,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/model`
    static let getDatasetModel = Self(
        "getDatasetModel", .datasets,
        summary: "A dataset's current model",
        parameters: [.datasetName],
        responses: [
            200: .json("Version, parameters, metrics, feature importances and confusion matrix.", .ref("ModelDescription")),
            404: .notFound,
            503: .unavailable,
        ]
    )

    /// `GET /api/v1/datasets/{dataset}/models`
    static let listDatasetModels = Self(
        "listDatasetModels", .datasets,
        summary: "Every model version of a dataset, newest first",
        parameters: [.datasetName],
        responses: [200: .json("The versions and the current one.", .ref("ModelVersionList")), 404: .notFound, 503: .unavailable]
    )

    /// `POST /api/v1/datasets/{dataset}/models/{version}/promote`
    static let promoteDatasetModel = Self(
        "promoteDatasetModel", .datasets,
        summary: "Make a version of a dataset's model current, unless it is worse than the current one",
        description: "As `POST /api/v1/models/{version}/promote`, for the dataset's registry.",
        parameters: [.datasetName, .path("version", ["type": "integer", "minimum": 1])] + promotionParameters,
        responses: [
            200: .json("The version now current, the one it replaced and the comparison.", .ref("PromoteResult")),
            400: .badParameter,
            404: .notFound,
            409: .promotionRefused,
            503: .unavailable,
        ]
    )
}
