// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every target: Swift 6 language mode with strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Penguins",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "penguins", targets: ["penguins"]),
        .library(name: "PenguinsCore", targets: ["PenguinsCore"]),
        .library(name: "PenguinsStatistics", targets: ["PenguinsStatistics"]),
        .library(name: "PenguinsML", targets: ["PenguinsML"]),
        .library(name: "PenguinsStorage", targets: ["PenguinsStorage"]),
        .library(name: "PenguinsPipeline", targets: ["PenguinsPipeline"]),
        .library(name: "PenguinsDashboard", targets: ["PenguinsDashboard"]),
        .library(name: "PenguinsServer", targets: ["PenguinsServer"]),
        .library(name: "PenguinsSpark", targets: ["PenguinsSpark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Domain types, dataset schemas (YAML through Yams), CSV reading, cleaning, validation,
        // synthetic data, the bundled datasets.
        .target(
            name: "PenguinsCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Descriptive statistics, OLS, hypothesis tests, special functions. Foundation only.
        .target(name: "PenguinsStatistics", swiftSettings: swiftSettings),
        // Scaler, random forest, splits, classification metrics, model artifacts.
        .target(name: "PenguinsML", dependencies: ["PenguinsCore"], swiftSettings: swiftSettings),
        // The SQLite library's process-wide configuration, which only C can set (`sqlite3_config`).
        .target(name: "CSQLiteSetup", linkerSettings: [.linkedLibrary("sqlite3")]),
        // Storage roles and their backends: SQLite through GRDB, in-memory, PostgreSQL through
        // postgres-nio, and Redis through the package's own RESP client on SwiftNIO.
        .target(
            name: "PenguinsStorage",
            dependencies: [
                "PenguinsCore",
                "CSQLiteSetup",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API, for binding arguments on the ingestion hot path.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The platform value and its workflows: ingest, train, score, analyse, benchmark, API keys
        // (SHA-256 digests through swift-crypto).
        .target(
            name: "PenguinsPipeline",
            dependencies: [
                "PenguinsCore", "PenguinsStatistics", "PenguinsML", "PenguinsStorage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Dashboard pages and SVG charts: pure functions from platform data to HTML.
        .target(name: "PenguinsDashboard", dependencies: ["PenguinsPipeline"], swiftSettings: swiftSettings),
        // The Hummingbird application: the JSON API, metrics, OpenAPI document and dashboard routes.
        .target(
            name: "PenguinsServer",
            dependencies: [
                "PenguinsPipeline", "PenguinsDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // The Spark Connect protocol (messages and the client of SparkConnectService), generated
        // by scripts/spark/generate.sh; a module of its own so the rest never rebuilds it.
        .target(
            name: "SparkConnectProtocol",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ]
        ),
        // Spark as an engine: the Spark Connect client, typed plan builders, and training and
        // batch scoring on a cluster (`--engine sc://HOST:PORT`).
        .target(
            name: "PenguinsSpark",
            dependencies: [
                "PenguinsCore", "PenguinsStorage", "PenguinsPipeline", "SparkConnectProtocol",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "penguins",
            dependencies: [
                "PenguinsPipeline", "PenguinsServer", "PenguinsSpark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/PenguinsCLI",
            swiftSettings: swiftSettings
        ),
        // Times the numerical kernels on a CSV file: `swift run -c release penguins-benchmarks FILE`.
        .executableTarget(
            name: "penguins-benchmarks",
            dependencies: ["PenguinsPipeline"],
            path: "Sources/PenguinsBenchmarks",
            swiftSettings: swiftSettings
        ),
        // What the test targets share: the services a test needs, and how it is gated on them.
        .target(name: "PenguinsTestSupport", dependencies: ["PenguinsCore", "PenguinsStorage"], path: "Tests/PenguinsTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "PenguinsCoreTests",
            dependencies: ["PenguinsCore", "PenguinsTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PenguinsStatisticsTests",
            dependencies: ["PenguinsStatistics", "PenguinsCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PenguinsMLTests",
            dependencies: ["PenguinsML"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PenguinsStorageTests",
            dependencies: [
                "PenguinsStorage",
                "PenguinsTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PenguinsPipelineTests", dependencies: ["PenguinsPipeline", "PenguinsStatistics", "PenguinsTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "PenguinsDashboardTests", dependencies: ["PenguinsDashboard"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PenguinsServerTests",
            dependencies: ["PenguinsServer", "PenguinsTestSupport", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PenguinsCLITests", dependencies: ["penguins", "PenguinsStorage", "PenguinsTestSupport"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PenguinsSparkTests",
            dependencies: ["PenguinsSpark", "PenguinsTestSupport", "SparkConnectProtocol", .product(name: "GRPCCore", package: "grpc-swift-2")],
            swiftSettings: swiftSettings
        ),
    ]
)
