import Foundation
import PenguinsCore
import PenguinsStorage

/// Where the platform keeps its data and how long cached predictions live.
public struct PlatformConfiguration: Sendable, Equatable {
    /// Folder of the embedded database (`penguins.sqlite`).
    public var dataDirectory: URL
    /// Time to live of a cached prediction, in seconds.
    public var cacheTTLSeconds: Int

    public init(dataDirectory: URL, cacheTTLSeconds: Int = 3600) {
        self.dataDirectory = dataDirectory
        self.cacheTTLSeconds = cacheTTLSeconds
    }

    /// The data directory chosen by, in order: an explicit path, `PENGUINS_HOME`, `./.penguins`.
    public static func resolvingDataDirectory(
        _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PlatformConfiguration {
        let path = explicit ?? environment["PENGUINS_HOME"] ?? ".penguins"
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return PlatformConfiguration(dataDirectory: url.standardizedFileURL)
    }
}

/// The platform value: one store per role. The CLI and the server build it from a
/// configuration; nothing else constructs backends.
public struct Platform: Sendable {
    public var lake: any Lake
    public var warehouse: any Warehouse
    public var cache: any PredictionCache
    public var registry: any ModelRegistry
    public var predictionLog: any PredictionLog
    public var quarantine: any Quarantine
    public var configuration: PlatformConfiguration

    public init(
        lake: any Lake, warehouse: any Warehouse, cache: any PredictionCache, registry: any ModelRegistry,
        predictionLog: any PredictionLog, quarantine: any Quarantine, configuration: PlatformConfiguration
    ) {
        self.lake = lake
        self.warehouse = warehouse
        self.cache = cache
        self.registry = registry
        self.predictionLog = predictionLog
        self.quarantine = quarantine
        self.configuration = configuration
    }

    /// The embedded platform: every role in one SQLite database in the data directory, and the
    /// in-process prediction cache.
    public static func embedded(_ configuration: PlatformConfiguration) throws -> Platform {
        let store = try SQLiteStore(directory: configuration.dataDirectory)
        return Platform(
            lake: store.lake, warehouse: store.warehouse, cache: MemoryPredictionCache(),
            registry: store.registry, predictionLog: store.predictionLog, quarantine: store.quarantine,
            configuration: configuration
        )
    }

    /// A platform held entirely in memory (tests, throw-away runs).
    public static func inMemory(cacheTTLSeconds: Int = 3600) -> Platform {
        let store = MemoryStore()
        return Platform(
            lake: store.lake, warehouse: store.warehouse, cache: store.predictionCache,
            registry: store.registry, predictionLog: store.predictionLog, quarantine: store.quarantine,
            configuration: PlatformConfiguration(dataDirectory: URL(fileURLWithPath: "/dev/null"), cacheTTLSeconds: cacheTTLSeconds)
        )
    }
}
