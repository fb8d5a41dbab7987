import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PenguinsDashboard
import PenguinsML
import PenguinsPipeline
import ServiceLifecycle

/// Where the server listens, and with which certificate when it serves HTTPS.
public struct ServerConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// PEM files of the certificate (chain) and its private key; nil serves plain HTTP.
    public var tls: TLSFiles?

    public init(host: String = "127.0.0.1", port: Int = 8080, tls: TLSFiles? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// True when only this machine can connect: `localhost`, `::1` or an address in 127.0.0.0/8.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// The certificate chain and the private key of an HTTPS server, as PEM files.
    public struct TLSFiles: Sendable, Equatable {
        public var certificate: String
        public var privateKey: String
        public init(certificate: String, privateKey: String) {
            self.certificate = certificate
            self.privateKey = privateKey
        }
    }
}

/// How the server behaves beyond where it listens: every knob has the production default;
/// tests shorten the intervals or train smaller models.
public struct ServerOptions: Sendable {
    /// Forest parameters of the model trained at start when the registry has none.
    public var trainingParameters: RandomForestClassifier
    /// The most warehouse rows a model is trained on at start when the registry has none;
    /// beyond it the server starts without a model (``LiveModel/load(platform:parameters:trainingLimit:logger:)``).
    public var startTrainingLimit: Int
    /// A million rows: a fit the serving process holds in about 130 MB and makes in seconds.
    public static let defaultStartTrainingLimit = 1_000_000
    /// How often the registry is polled for promotions made by another process.
    public var registryPollInterval: Duration
    /// How often the warehouse's change log is read, to drop cached predictions of re-measured
    /// penguins (see ``CacheCoherenceWatcher``): the longest a stale prediction can be served.
    public var warehousePollInterval: Duration
    /// How often the prediction log buffer is written out.
    public var logFlushInterval: Duration
    /// Buffered entries that trigger a write before the next tick.
    public var logBatchSize: Int
    /// The most prediction log entries kept in memory while the log cannot be written; beyond
    /// it the oldest are dropped and counted.
    public var logBufferCapacity: Int
    /// The longest a readiness or recovery probe of a store waits before the store counts as
    /// down. (Reads by key are bounded by the stores themselves: the Redis client's command
    /// timeout, the PostgreSQL store's read timeout.)
    public var storeTimeout: Duration
    /// After a store fails, how long its calls are skipped before one probes it again.
    public var storeRetryInterval: Duration
    /// How often the roles that are down are checked in the background.
    public var storeCheckInterval: Duration
    /// Admits the analyses over a whole warehouse: at most its limit at once, one more answers 429.
    public var analyses: HeavyWorkLimiter
    /// Serve a non-loopback address with no API key, answering anyone (`--insecure-no-auth`).
    public var allowOpenAccess: Bool
    /// An admin key given by the environment (`PENGUINS_ADMIN_KEY`), in force beside the stored
    /// keys without being stored; at least 16 characters.
    public var environmentAdminKey: String?
    /// How long a dashboard session lasts after signing in.
    public var sessionLifetime: Duration
    /// The fewest rows of the current sample a drift verdict is given on; below, the verdict is
    /// "not enough data".
    public var minimumDriftRows: Int
    /// ``minimumDriftRows`` unless set.
    public static let defaultMinimumDriftRows = 100
    /// Jobs the server runs on its own (`--schedule`), one at a time.
    public var schedules: [JobSchedule]
    /// Alert rules and the webhooks told when one fires or resolves (`--alerts`).
    public var alerts: AlertConfiguration?
    /// Where scheduled `score` jobs run (`--engine`): this process unless a Spark cluster is given.
    public var batchScoring: any BatchScoring = LocalBatchScoring()
    /// The metrics registry (`GET /api/v1/metrics` renders it).
    public var metrics: ServerMetrics
    /// Called once the server listens, with the host and the bound port (useful with port 0).
    public var onListening: @Sendable (_ host: String, _ port: Int) async -> Void
    public var logger: Logger

    public init(
        trainingParameters: RandomForestClassifier = RandomForestClassifier(),
        startTrainingLimit: Int = ServerOptions.defaultStartTrainingLimit,
        registryPollInterval: Duration = .seconds(2),
        warehousePollInterval: Duration = .milliseconds(500),
        logFlushInterval: Duration = .milliseconds(100),
        logBatchSize: Int = 1_000,
        logBufferCapacity: Int = 100_000,
        storeTimeout: Duration = .seconds(2),
        storeRetryInterval: Duration = .seconds(1),
        storeCheckInterval: Duration = .seconds(1),
        analyses: HeavyWorkLimiter = HeavyWorkLimiter(limit: HeavyWorkLimiter.defaultLimit),
        allowOpenAccess: Bool = false,
        environmentAdminKey: String? = nil,
        sessionLifetime: Duration = .seconds(8 * 3600),
        minimumDriftRows: Int = ServerOptions.defaultMinimumDriftRows,
        schedules: [JobSchedule] = [],
        alerts: AlertConfiguration? = nil,
        metrics: ServerMetrics = ServerMetrics(),
        onListening: @escaping @Sendable (_ host: String, _ port: Int) async -> Void = { _, _ in },
        logger: Logger = Logger(label: "penguins.server")
    ) {
        self.trainingParameters = trainingParameters
        self.startTrainingLimit = startTrainingLimit
        self.registryPollInterval = registryPollInterval
        self.warehousePollInterval = warehousePollInterval
        self.logFlushInterval = logFlushInterval
        self.logBatchSize = logBatchSize
        self.logBufferCapacity = logBufferCapacity
        self.storeTimeout = storeTimeout
        self.storeRetryInterval = storeRetryInterval
        self.storeCheckInterval = storeCheckInterval
        self.analyses = analyses
        self.allowOpenAccess = allowOpenAccess
        self.environmentAdminKey = environmentAdminKey
        self.sessionLifetime = sessionLifetime
        self.minimumDriftRows = minimumDriftRows
        self.schedules = schedules
        self.alerts = alerts
        self.metrics = metrics
        self.onListening = onListening
        self.logger = logger
    }
}

/// Why the server could not start.
public enum ServerError: Error, Equatable, CustomStringConvertible {
    /// Another process holds the address.
    case addressInUse(host: String, port: Int)
    /// The address cannot be bound for another reason.
    case cannotListen(host: String, port: Int, reason: String)
    /// A certificate or key file cannot be read or used.
    case tls(file: String, reason: String)
    /// A non-loopback address with no API key and no `--insecure-no-auth`.
    case openWithoutKeys(host: String)
    /// `PENGUINS_ADMIN_KEY` is too short to be a secret.
    case weakEnvironmentKey
    /// The stored API keys cannot be read, so whom to admit is unknown.
    case keysUnreadable(reason: String)

    public var description: String {
        switch self {
        case .addressInUse(let host, let port):
            "cannot listen on \(host):\(port): the address is already in use; stop the other server or choose another port with --port"
        case .cannotListen(let host, let port, let reason):
            "cannot listen on \(host):\(port): \(reason); check --host and --port"
        case .tls(let file, let reason):
            "cannot serve HTTPS with \(file): \(reason); give a PEM certificate with --tls-cert and its PEM private key with --tls-key"
        case .openWithoutKeys(let host):
            "refusing to serve \(host) with no API key: anyone who reaches it could promote models; create one with `penguins keys create NAME --role admin` (or pass --insecure-no-auth to serve it open anyway)"
        case .weakEnvironmentKey:
            "PENGUINS_ADMIN_KEY is shorter than 16 characters; set it to a long random secret (`openssl rand -hex 32`)"
        case .keysUnreadable(let reason):
            "cannot read the API keys, so the server cannot tell whom to admit: \(reason); check the registry's store"
        }
    }
}

/// The platform's HTTP face: the JSON API under `/api/v1`, metrics, the OpenAPI document and the dashboard.
public enum PenguinsServer {
    /// The largest request body accepted, except by the batch endpoint.
    public static let maximumBodySize = 1 << 20
    /// The largest body `POST /api/v1/predict/batch` accepts: room for 10,000 penguins.
    public static let maximumBatchBodySize = 4 << 20
    /// The most penguins one batch request may hold.
    public static let maximumBatchSize = 10_000

    /// Builds the application on a platform: loads the live model (training one when the
    /// registry has none and the warehouse has data), and wires the routes and the background
    /// services (prediction log writer, registry watcher, store monitor, cache coherence watcher). `runService()` on the result serves
    /// until SIGINT or SIGTERM, then finishes in-flight requests and flushes the prediction log.
    public static func makeApplication(
        platform: Platform, configuration: ServerConfiguration, options: ServerOptions = ServerOptions()
    ) async throws -> some ApplicationProtocol {
        // The certificate first: a bad file is reported before the model loads.
        let server: HTTPServerBuilder = try configuration.tls.map { try .tls(.http1(), tlsConfiguration: try tlsConfiguration($0)) } ?? .http1()
        let access = try await accessControl(platform: platform, configuration: configuration, options: options)
        if access.isOpen && !configuration.isLoopback {
            options.logger.warning("serving \(configuration.host) with no API key (--insecure-no-auth): anyone who reaches it may promote models")
        }
        let (router, services) = try await makeRouter(platform: platform, options: options, access: access)
        let onListening = options.onListening
        let host = configuration.host
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: services,
            onServerRunning: { channel in await onListening(host, channel.localAddress?.port ?? configuration.port) },
            logger: options.logger
        )
    }

    /// The server side of TLS from PEM files: the certificate chain and its private key.
    static func tlsConfiguration(_ files: ServerConfiguration.TLSFiles) throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certificate)
        } catch {
            throw ServerError.tls(file: files.certificate, reason: "not a readable PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw ServerError.tls(file: files.certificate, reason: "it holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
        } catch {
            throw ServerError.tls(file: files.privateKey, reason: "not a readable PEM private key (\(error))")
        }
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
    }

    /// Throws what ``makeApplication(platform:configuration:options:)`` would about keys: an open
    /// bind without one, a weak `PENGUINS_ADMIN_KEY`, keys that cannot be read. For commands that
    /// work before they serve.
    public static func checkAccess(platform: Platform, configuration: ServerConfiguration, options: ServerOptions) async throws {
        _ = try await accessControl(platform: platform, configuration: configuration, options: options)
    }

    /// The keys in force at start (stored and from the environment), and whether the server may
    /// answer without one: on loopback, or with `--insecure-no-auth`.
    static func accessControl(platform: Platform, configuration: ServerConfiguration, options: ServerOptions) async throws -> AccessControl {
        if let token = options.environmentAdminKey, token.count < 16 { throw ServerError.weakEnvironmentKey }
        let access = AccessControl(
            environmentToken: options.environmentAdminKey, openWhenKeyless: configuration.isLoopback || options.allowOpenAccess,
            secureCookies: configuration.tls != nil, sessionLifetime: options.sessionLifetime
        )
        do {
            try await access.refresh(from: platform.keys)
        } catch {
            throw ServerError.keysUnreadable(reason: StoreHealth.reason(error))
        }
        if access.current.isEmpty && !access.openWhenKeyless { throw ServerError.openWithoutKeys(host: configuration.host) }
        return access
    }

    /// The router and the background services, without a listening socket.
    static func makeRouter(
        platform: Platform, options: ServerOptions, access: AccessControl
    ) async throws -> (Router<PenguinsRequestContext>, [any Service]) {
        let model = try await LiveModel.load(
            platform: platform, parameters: options.trainingParameters, trainingLimit: options.startTrainingLimit, logger: options.logger)
        let health = StoreHealth(
            retryInterval: options.storeRetryInterval, pointTimeout: options.storeTimeout, metrics: options.metrics, logger: options.logger
        )
        let buffer = PredictionLogBuffer(batchSize: options.logBatchSize, capacity: options.logBufferCapacity)
        let writer = PredictionLogWriter(
            buffer: buffer, logs: platform.datasetTables.predictionLog, interval: options.logFlushInterval,
            shutdownRetryWindow: .seconds(5), metrics: options.metrics, health: health, logger: options.logger
        )
        let generation = CacheGeneration()
        let endpoints = Endpoints(
            platform: platform, model: model, log: buffer, logWriter: writer, metrics: options.metrics, health: health,
            cacheGeneration: generation, access: access, analysisLimiter: options.analyses, minimumDriftRows: options.minimumDriftRows,
            jobs: JobBoard(schedules: options.schedules, scoringEngine: options.batchScoring.engine), alerts: AlertBoard(rules: options.alerts?.rules ?? []), logger: options.logger
        )
        let router = Router(context: PenguinsRequestContext.self)
        let sessionStore = MemoryPersistDriver()
        let sessions = endpoints.datasetSessions
        var table = RouteTable(router: router, metrics: options.metrics, limiter: options.analyses, access: access, sessions: sessionStore) {
            Navigation(datasets: await sessions.datasetNames())
        }
        endpoints.register(on: &table)
        router.add(middleware: UnmatchedRouteMiddleware(routes: table.routes, metrics: options.metrics.route("ANY", "unmatched")))
        let watcher = ModelWatcher(
            model: model, registry: platform.registry, interval: options.registryPollInterval, health: health, logger: options.logger
        )
        let monitor = StoreMonitor(health: health, platform: platform, interval: options.storeCheckInterval)
        let coherence = CacheCoherenceWatcher(
            coherence: CacheCoherence(platform: platform), generation: generation, interval: options.warehousePollInterval,
            health: health, metrics: options.metrics, logger: options.logger
        )
        let datasetCoherence = DatasetCacheWatchers(
            sessions: sessions, interval: options.warehousePollInterval, health: health, metrics: options.metrics, logger: options.logger)
        let keyWatcher = KeyringWatcher(access: access, keys: platform.keys, interval: options.registryPollInterval, logger: options.logger)
        let jobs = ScheduledJobRunner(
            schedules: options.schedules, board: endpoints.jobs, work: ScheduledWork(platform: platform, scoring: options.batchScoring),
            metrics: options.metrics,
            minimumDriftRows: options.minimumDriftRows, logger: options.logger)
        var services: [any Service] = [writer, watcher, monitor, coherence, datasetCoherence, keyWatcher, sessionStore]
        if !options.schedules.isEmpty { services.append(jobs) }
        if let alerts = options.alerts {
            services.append(AlertMonitor(
                configuration: alerts, work: ScheduledWork(platform: platform), platform: platform, logBuffer: buffer, metrics: options.metrics,
                minimumDriftRows: options.minimumDriftRows, board: endpoints.alerts, logger: options.logger))
        }
        return (router, services)
    }

    /// Every route the application answers (method and OpenAPI path), sorted.
    public static func routes(platform: Platform) async throws -> [Route] {
        routeTable(platform: platform).routes.sorted()
    }

    /// The OpenAPI 3.1 document of the API: the operation of every route as registered, and the
    /// written components. `/api/v1/openapi.yaml` serves it with the generated operations of
    /// every dataset but the penguins (``OpenAPIDatasets``).
    public static var openAPIDocument: String {
        get throws {
            OpenAPIDocument(operations: routeTable(platform: .inMemory()).operations, components: try OpenAPIDocument.writtenComponents()).yaml()
        }
    }

    /// Every route registered, with its operation, on a router that never serves: the handlers
    /// work on `platform` but none is called.
    private static func routeTable(platform: Platform) -> RouteTable {
        let endpoints = Endpoints(
            platform: platform, model: LiveModel(), log: PredictionLogBuffer(),
            logWriter: PredictionLogWriter(buffer: PredictionLogBuffer(), logs: platform.datasetTables.predictionLog),
            metrics: ServerMetrics(), health: StoreHealth(), cacheGeneration: CacheGeneration(), logger: Logger(label: "penguins.routes")
        )
        var table = RouteTable(router: Router(context: PenguinsRequestContext.self), metrics: ServerMetrics())
        endpoints.register(on: &table)
        return table
    }

    /// Binds the address once and lets it go, so that a busy or unusable address is reported
    /// before any service starts: a server that fails to bind while the other services of its
    /// group start can leave the group's cancellation waiting on itself, and the process with it.
    static func probe(_ configuration: ServerConfiguration) async throws {
        guard configuration.port != 0 else { return }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port).get()
        try await channel.close()
    }

    /// Runs an application until SIGINT or SIGTERM, turning a failure to bind into a
    /// ``ServerError`` whose message says what to do. A command that serves arms the
    /// ``ShutdownWatchdog`` first.
    public static func serve(_ application: some ApplicationProtocol, configuration: ServerConfiguration) async throws {
        do {
            try await probe(configuration)
            try await application.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServerError.addressInUse(host: configuration.host, port: configuration.port)
        } catch let error as IOError {
            throw ServerError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)")
        } catch let error as SocketAddressError {
            throw ServerError.cannotListen(host: configuration.host, port: configuration.port, reason: "\(error)")
        } catch is SocketAddressError.UnknownHost {
            throw ServerError.cannotListen(host: configuration.host, port: configuration.port, reason: "the host name is unknown")
        }
    }
}
