import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsStorage

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder of the embedded database (default: $PENGUINS_HOME, else ./.penguins).")
    var dataDirectory: String?

    @Option(help: ArgumentHelp(
        "Where the lake keeps its documents: sqlite://DIR, postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable, memory:// (default: $PENGUINS_LAKE, else the data directory).",
        valueName: "url"
    ))
    var lake: String?

    @Option(help: ArgumentHelp(
        "Where the warehouse keeps its rows: sqlite://DIR, postgres://..., memory:// (default: $PENGUINS_WAREHOUSE, else the data directory).",
        valueName: "url"
    ))
    var warehouse: String?

    @Option(help: ArgumentHelp(
        "Where predictions are cached: redis://[:PASSWORD@]HOST:PORT/DB, memory://, sqlite://DIR (default: $PENGUINS_CACHE, else memory://).",
        valueName: "url"
    ))
    var cache: String?

    @Option(help: ArgumentHelp("Where model versions are kept (default: $PENGUINS_REGISTRY, else the lake's location).", valueName: "url"))
    var registry: String?

    @Option(name: .customLong("prediction-log"), help: ArgumentHelp(
        "Where real-time predictions are logged (default: $PENGUINS_PREDICTION_LOG, else the lake's location).", valueName: "url"
    ))
    var predictionLog: String?

    @Option(help: ArgumentHelp("Where rejected rows are kept (default: $PENGUINS_QUARANTINE, else the lake's location).", valueName: "url"))
    var quarantine: String?

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    /// The locations given as flags, by role.
    private var explicitLocations: [StoreRole: String] {
        var locations: [StoreRole: String] = [:]
        locations[.lake] = lake
        locations[.warehouse] = warehouse
        locations[.cache] = cache
        locations[.registry] = registry
        locations[.predictionLog] = predictionLog
        locations[.quarantine] = quarantine
        return locations
    }

    /// The data directory and each role's location URL (flags first, then environment variables).
    /// The URLs are checked when the platform is built.
    var configuration: PlatformConfiguration {
        .resolving(dataDirectory: dataDirectory, locations: explicitLocations)
    }

    /// The platform built from these options: the one place the CLI constructs backends, with
    /// the penguins' newest registered schema (``Platform/followingRegisteredPenguinSchema()``).
    /// A bad location URL throws an error naming the role and the URL (password masked); a
    /// server that cannot be reached fails the first operation the same way.
    func platform() async throws -> Platform { try await Platform.make(configuration).followingRegisteredPenguinSchema() }
}
