import Foundation
import PenguinsCore
import PenguinsStorage

/// Where the platform keeps its data and how long cached predictions live.
///
/// Each storage role has its own location URL (see ``StoreLocation``): set by a flag or an
/// environment variable, or else the default: the lake and the warehouse in the SQLite
/// database of ``dataDirectory``, the prediction cache in this process, and the registry, the
/// prediction log and the quarantine wherever the lake is.
public struct PlatformConfiguration: Sendable, Equatable {
    /// Folder of the embedded database (`penguins.sqlite`).
    public var dataDirectory: URL
    /// Time to live of a cached prediction, in seconds.
    public var cacheTTLSeconds: Int
    /// The location URL of each role that has one, as given; parsed by ``location(of:)``.
    public var locations: [StoreRole: String]

    public init(dataDirectory: URL, cacheTTLSeconds: Int = 3600, locations: [StoreRole: String] = [:]) {
        self.dataDirectory = dataDirectory
        self.cacheTTLSeconds = cacheTTLSeconds
        self.locations = locations
    }

    /// The data directory chosen by, in order: an explicit path, `PENGUINS_HOME`, `./.penguins`.
    public static func resolvingDataDirectory(
        _ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PlatformConfiguration {
        let path = explicit ?? environment["PENGUINS_HOME"] ?? ".penguins"
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return PlatformConfiguration(dataDirectory: url.standardizedFileURL)
    }

    /// The data directory as ``resolvingDataDirectory(_:environment:)`` chooses it, and each
    /// role's location URL: the explicit one (a flag), else the role's environment variable
    /// (`PENGUINS_LAKE`, `PENGUINS_WAREHOUSE`, `PENGUINS_CACHE`, `PENGUINS_REGISTRY`,
    /// `PENGUINS_PREDICTION_LOG`, `PENGUINS_QUARANTINE`), else none (the default). Empty values
    /// count as unset. Nothing is parsed yet: ``location(of:)`` does that.
    public static func resolving(
        dataDirectory explicitDirectory: String?, locations explicit: [StoreRole: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> PlatformConfiguration {
        var configuration = resolvingDataDirectory(explicitDirectory, environment: environment)
        for role in StoreRole.allCases {
            let given = [explicit[role], environment[role.environmentVariable]]
                .compactMap { $0?.trimmingCharacters(in: .whitespaces) }
                .first { !$0.isEmpty }
            if let given { configuration.locations[role] = given }
        }
        return configuration
    }

    /// Where `role` keeps its data: its URL parsed, or its default.
    /// - Throws: ``StoreLocationError`` for a URL that is malformed or not allowed for the role.
    public func location(of role: StoreRole) throws(StoreLocationError) -> StoreLocation {
        if let text = locations[role] {
            return try StoreLocation.parse(text, role: role, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        return switch role {
        case .lake, .warehouse: .sqlite(directory: dataDirectory)
        case .cache: .memory
        case .registry, .predictionLog, .quarantine: try location(of: .lake)
        }
    }
}

/// The platform value: one store per role. The CLI and the server build it from a
/// configuration; nothing else constructs backends.
public struct Platform: Sendable {
    /// The penguins' lake: the dataset lake of their schema, the platform's first (`lake`).
    public var lake: any RecordLake
    public var warehouse: any PenguinWarehouseView
    /// The penguins' prediction cache: the record cache of their schema, read as species.
    public var cache: PenguinPredictionCache
    public var registry: any ModelRegistry
    /// The penguins' prediction log: the dataset log of their bundled schema.
    public var predictionLog: any RecordPredictionLog
    public var quarantine: any Quarantine
    /// The registered dataset schemas, kept where the registry is.
    public var datasets: any DatasetCatalog
    /// The API keys (their digests), kept where the registry is.
    public var accessKeys: any AccessKeyStore
    public var configuration: PlatformConfiguration
    /// The stores that keep the tables of every dataset, by role (the default dataset's being
    /// the penguins' own): each dataset's lake, warehouse and quarantine live where the
    /// platform's do.
    public var datasetTables: DatasetTableStores
    /// The prediction caches of datasets other than the penguins, where the penguins' cache is.
    public var datasetCaches: any RecordPredictionCaches
    /// The server connections behind the roles, prepared and shut down together.
    private var servers = ServerConnections()

    public init(
        lake: any RecordLake, warehouse: any PenguinWarehouseView, cache: PenguinPredictionCache, registry: any ModelRegistry,
        predictionLog: any RecordPredictionLog, quarantine: any Quarantine, datasets: any DatasetCatalog = MemoryDatasetCatalog(),
        accessKeys: any AccessKeyStore = MemoryAccessKeyStore(),
        datasetTables: DatasetTableStores = DatasetTableStores(all: MemoryDatasetTables()),
        datasetCaches: any RecordPredictionCaches = MemoryRecordPredictionCaches(),
        configuration: PlatformConfiguration
    ) {
        self.lake = lake
        self.warehouse = warehouse
        self.cache = cache
        self.registry = registry
        self.predictionLog = predictionLog
        self.quarantine = quarantine
        self.datasets = datasets
        self.accessKeys = accessKeys
        self.datasetTables = datasetTables
        self.datasetCaches = datasetCaches
        self.configuration = configuration
    }

    /// The embedded platform: every role in one SQLite database in the data directory, and the
    /// in-process prediction cache, whatever locations the configuration names.
    public static func embedded(_ configuration: PlatformConfiguration) throws -> Platform {
        let store = try SQLiteStore(directory: configuration.dataDirectory)
        return Platform(
            lake: store.lake, warehouse: store.warehouse, cache: PenguinPredictionCache(records: MemoryRecordPredictionCache()),
            registry: store.registry, predictionLog: store.predictionLog, quarantine: store.quarantine,
            datasets: store.datasets, accessKeys: store.accessKeys, datasetTables: DatasetTableStores(all: store),
            datasetCaches: MemoryRecordPredictionCaches(),
            configuration: configuration
        )
    }

    /// The platform of `configuration`: each role built from its location
    /// (``PlatformConfiguration/location(of:)``). Roles at the same location share one store:
    /// one SQLite database, one PostgreSQL connection pool, one Redis pool, one set of
    /// in-memory stores. Any mix works; with no locations set this is ``embedded(_:)``.
    ///
    /// Nothing touches the network here: a PostgreSQL or Redis store connects (and PostgreSQL
    /// applies its migrations) on first use, or in ``prepare()``.
    /// - Throws: ``StoreLocationError`` for a bad URL, ``StorageError/unavailable(role:location:reason:)``
    ///   when a SQLite data directory cannot be opened.
    public static func make(_ configuration: PlatformConfiguration) throws -> Platform {
        var builder = Builder()
        let (cache, datasetCaches): (PenguinPredictionCache, any RecordPredictionCaches) = switch try configuration.location(of: .cache) {
        case .memory: (PenguinPredictionCache(records: MemoryRecordPredictionCache()), MemoryRecordPredictionCaches())
        case .sqlite(let directory): try builder.sqlite(directory).caches
        case .redis(let location): builder.redis(location).caches
        case .postgres(let location):
            throw StoreLocationError(role: .cache, location: location.maskedURL, reason: "the cache cannot be kept in postgres://; use redis:// or memory://")
        }
        var platform = Platform(
            lake: try builder.role(.lake, configuration, as: (any RecordLake).self) { $0.lake } sqlite: { $0.lake } postgres: { $0.lake },
            warehouse: try builder.role(.warehouse, configuration, as: (any PenguinWarehouseView).self) { $0.warehouse } sqlite: { $0.warehouse } postgres: { $0.warehouse },
            cache: cache,
            registry: try builder.role(.registry, configuration, as: (any ModelRegistry).self) { $0.registry } sqlite: { $0.registry } postgres: { $0.registry },
            predictionLog: try builder.role(.predictionLog, configuration, as: (any RecordPredictionLog).self) { $0.predictionLog } sqlite: { $0.predictionLog } postgres: { $0.predictionLog },
            quarantine: try builder.role(.quarantine, configuration, as: (any Quarantine).self) { $0.quarantine } sqlite: { $0.quarantine } postgres: { $0.quarantine },
            datasets: try builder.role(.registry, configuration, as: (any DatasetCatalog).self) { $0.datasets } sqlite: { $0.datasets } postgres: { $0.datasets },
            accessKeys: try builder.role(.registry, configuration, as: (any AccessKeyStore).self) { $0.accessKeys } sqlite: { $0.accessKeys } postgres: { $0.accessKeys },
            datasetTables: DatasetTableStores(
                lake: try builder.role(.lake, configuration, as: (any DatasetTablesProvider).self) { $0.datasetTables } sqlite: { $0 } postgres: { $0 },
                warehouse: try builder.role(.warehouse, configuration, as: (any DatasetTablesProvider).self) { $0.datasetTables } sqlite: { $0 } postgres: { $0 },
                quarantine: try builder.role(.quarantine, configuration, as: (any DatasetTablesProvider).self) { $0.datasetTables } sqlite: { $0 } postgres: { $0 },
                registry: try builder.role(.registry, configuration, as: (any DatasetTablesProvider).self) { $0.datasetTables } sqlite: { $0 } postgres: { $0 },
                predictionLog: try builder.role(.predictionLog, configuration, as: (any DatasetTablesProvider).self) { $0.datasetTables } sqlite: { $0 } postgres: { $0 }
            ),
            datasetCaches: datasetCaches,
            configuration: configuration
        )
        platform.servers = ServerConnections(postgres: Array(builder.postgres.values), redis: Array(builder.redisClients.values))
        return platform
    }

    /// ``make(_:)`` followed by ``prepare()``: the platform with every server reached and migrated.
    public static func connect(_ configuration: PlatformConfiguration) async throws -> Platform {
        let platform = try make(configuration)
        do {
            try await platform.prepare()
        } catch {
            await platform.shutdown()
            throw error
        }
        return platform
    }

    /// Reaches every server the platform uses: connects to each PostgreSQL database and applies
    /// its pending migrations, and pings each Redis server.
    /// - Throws: ``StorageError/unavailable(role:location:reason:)`` for the first server that cannot be used.
    public func prepare() async throws {
        for store in servers.postgres { try await store.prepare() }
        for client in servers.redis { try await RedisRecordPredictionCache(penguinsIn: client).ping() }
    }

    /// Closes the platform's server connections (PostgreSQL pools and Redis connections).
    /// The platform cannot reach its servers afterwards.
    public func shutdown() async {
        for store in servers.postgres { await store.shutdown() }
        for client in servers.redis { client.close() }
    }

    /// Each role's location, passwords masked, for display.
    public var locationDescriptions: [StoreRole: String] {
        var descriptions: [StoreRole: String] = [:]
        for role in StoreRole.allCases {
            descriptions[role] = (try? configuration.location(of: role))?.description ?? configuration.locations[role].map(StoreLocation.maskPassword(in:))
        }
        return descriptions
    }

    /// A platform held entirely in memory (tests, throw-away runs).
    public static func inMemory(cacheTTLSeconds: Int = 3600) -> Platform {
        let store = MemoryStore()
        return Platform(
            lake: store.lake, warehouse: store.warehouse, cache: store.predictionCache,
            registry: store.registry, predictionLog: store.predictionLog, quarantine: store.quarantine,
            datasets: store.datasets, accessKeys: store.accessKeys, datasetTables: DatasetTableStores(all: store.datasetTables),
            datasetCaches: store.datasetCaches,
            configuration: PlatformConfiguration(dataDirectory: URL(fileURLWithPath: "/dev/null"), cacheTTLSeconds: cacheTTLSeconds)
        )
    }

    /// The lake, warehouse, quarantine, model registry, prediction log and prediction cache of
    /// the dataset of `schema`, made (or brought up to its schema) in their stores on first use.
    /// The default dataset's are the penguins' own: their first lake, quarantine and registry,
    /// their warehouse and log, and their prediction cache.
    public func tables(for schema: DatasetSchema) async throws -> DatasetStores {
        DatasetStores(
            schema: schema,
            lake: try await datasetTables.lake.lake(for: schema),
            warehouse: try await datasetTables.warehouse.warehouse(for: schema),
            quarantine: try await datasetTables.quarantine.quarantine(for: schema),
            registry: try await datasetTables.registry.registry(for: schema),
            predictionLog: try await datasetTables.predictionLog.predictionLog(for: schema),
            cache: Platform.isDefaultDataset(schema.name) ? cache.records : datasetCaches.cache(ofDataset: schema.name)
        )
    }

    /// The server-backed stores of a platform.
    private struct ServerConnections: Sendable {
        var postgres: [PostgresStore] = []
        var redis: [RedisClient] = []
    }

    /// Builds roles, one store per distinct location.
    private struct Builder {
        var memory: MemoryStore?
        var sqliteStores: [String: SQLiteStore] = [:]
        var postgres: [PostgresLocation: PostgresStore] = [:]
        var redisClients: [RedisLocation: RedisClient] = [:]

        mutating func sqlite(_ directory: URL) throws -> SQLiteStore {
            let key = directory.standardizedFileURL.path
            if let store = sqliteStores[key] { return store }
            let store = try SQLiteStore(directory: directory)
            sqliteStores[key] = store
            return store
        }

        mutating func redis(_ location: RedisLocation) -> RedisClient {
            if let client = redisClients[location] { return client }
            let client = RedisClient(location: location)
            redisClients[location] = client
            return client
        }

        mutating func role<Role>(
            _ role: StoreRole, _ configuration: PlatformConfiguration, as type: Role.Type,
            memory: (MemoryStore) -> Role, sqlite: (SQLiteStore) -> Role, postgres: (PostgresStore) -> Role
        ) throws -> Role {
            switch try configuration.location(of: role) {
            case .memory:
                let store = self.memory ?? MemoryStore()
                self.memory = store
                return memory(store)
            case .sqlite(let directory):
                return sqlite(try self.sqlite(directory))
            case .postgres(let location):
                if let store = self.postgres[location] { return postgres(store) }
                let store = try PostgresStore(location: location)
                self.postgres[location] = store
                return postgres(store)
            case .redis(let location):
                throw StoreLocationError(role: role, location: location.maskedURL, reason: "redis:// holds only the cache")
            }
        }
    }
}

/// Where the tables of datasets other than the penguins are kept, one store per role.
public struct DatasetTableStores: Sendable {
    public var lake: any DatasetTablesProvider
    public var warehouse: any DatasetTablesProvider
    public var quarantine: any DatasetTablesProvider
    public var registry: any DatasetTablesProvider
    public var predictionLog: any DatasetTablesProvider

    public init(
        lake: any DatasetTablesProvider, warehouse: any DatasetTablesProvider, quarantine: any DatasetTablesProvider,
        registry: any DatasetTablesProvider, predictionLog: any DatasetTablesProvider
    ) {
        self.lake = lake
        self.warehouse = warehouse
        self.quarantine = quarantine
        self.registry = registry
        self.predictionLog = predictionLog
    }

    /// Every role in one store.
    public init(all store: any DatasetTablesProvider) {
        self.init(lake: store, warehouse: store, quarantine: store, registry: store, predictionLog: store)
    }
}

/// One dataset's stores: its lake, warehouse, quarantine, model registry, prediction log and prediction cache, made from its schema.
public struct DatasetStores: Sendable {
    public var schema: DatasetSchema
    public var lake: any RecordLake
    public var warehouse: any RecordWarehouse
    public var quarantine: any Quarantine
    public var registry: any ModelRegistry
    public var predictionLog: any RecordPredictionLog
    /// Its prediction cache, kept coherent with the warehouse's change log.
    public var cache: any RecordPredictionCache
}
