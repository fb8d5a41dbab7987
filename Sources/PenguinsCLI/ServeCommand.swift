import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsServer
import PenguinsSpark

/// Where `serve` and `up` listen.
struct ListenOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "Analyses over a whole warehouse (statistics, regressions, drift, simulations, benchmarks) run at once; one more answers 429 (default: one per core, at least 2).")
    var maxAnalyses: Int = HeavyWorkLimiter.defaultLimit
    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate (chain); needs --tls-key.") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Flag(help: "Serve an address other than loopback even with no API key, answering anyone (not recommended).")
    var insecureNoAuth = false
    @Option(help: "The fewest current rows a drift verdict is given on; below, it says \"not enough data\".")
    var minDriftRows = ServerOptions.defaultMinimumDriftRows
    @Option(help: ArgumentHelp(
        "A job the server runs on its own, one at a time: 'score daily 02:00' (UTC), 'drift hourly', 'score every 30m'; repeat for more (also $PENGUINS_SCHEDULE, separated by ';').",
        valueName: "schedule"
    ))
    var schedule: [String] = []
    @Option(help: ArgumentHelp(
        "Alert rules (YAML: webhooks, rules on drift, production accuracy and the prediction log); also $PENGUINS_ALERTS.",
        valueName: "file"
    ))
    var alerts: String?
    @Option(name: .customLong("engine"), help: ArgumentHelp(
        "Where scheduled score jobs run: local, sc://HOST:PORT (a Spark Connect server; needs the warehouse on PostgreSQL) or spark ($PENGUINS_SPARK).",
        valueName: "engine"
    ))
    var jobsEngine = "local"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard !host.isEmpty else { throw ValidationError("--host cannot be empty") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together: give both or neither") }
        guard maxAnalyses >= 1 else { throw ValidationError("--max-analyses must be at least 1, got \(maxAnalyses)") }
        guard minDriftRows >= 0 else { throw ValidationError("--min-drift-rows cannot be negative, got \(minDriftRows)") }
        for text in scheduleArguments() {
            do { _ = try JobSchedule(argument: text) } catch { throw ValidationError(error.description) }
        }
    }

    /// The `--schedule` options, else those of `PENGUINS_SCHEDULE` (separated by `;`).
    func scheduleArguments(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        guard schedule.isEmpty else { return schedule }
        return (environment["PENGUINS_SCHEDULE"] ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The server's options: the limits, the open-access choice, and the admin key of
    /// `PENGUINS_ADMIN_KEY` when the environment sets it.
    /// - Throws: ``AlertConfigurationError`` for alert rules that cannot be read or used.
    func options(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerOptions {
        let adminKey = environment["PENGUINS_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        var options = ServerOptions(
            analyses: HeavyWorkLimiter(limit: maxAnalyses), allowOpenAccess: insecureNoAuth, environmentAdminKey: adminKey,
            minimumDriftRows: minDriftRows, schedules: scheduleArguments(environment: environment).compactMap { try? JobSchedule(argument: $0) })
        if case .spark(let url) = try Engine(parsing: jobsEngine, environment: environment) {
            options.batchScoring = SparkBatchScoring(url: url)
        }
        if let path = alerts ?? environment["PENGUINS_ALERTS"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw AlertConfigurationError(source: path, reason: "the file cannot be read")
            }
            options.alerts = try AlertConfiguration(yaml: text, source: path)
        }
        return options
    }

    var configuration: ServerConfiguration {
        ServerConfiguration(
            host: host, port: port,
            tls: tlsCertificate.flatMap { certificate in tlsKey.map { ServerConfiguration.TLSFiles(certificate: certificate, privateKey: $0) } }
        )
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API (under /api/v1) and the dashboard from the configured stores, until SIGINT or SIGTERM."
    )

    @OptionGroup var listen: ListenOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            try await ServeCommand.serve(platform: try await global.platform(), listen: listen)
        }
    }

    /// Builds the application and serves it, printing the dashboard's address once listening
    /// (on standard error when standard output carries JSON).
    static func serve(platform: Platform, listen: ListenOptions, addressOnStandardError: Bool = false) async throws {
        let scheme = listen.tlsCertificate == nil ? "http" : "https"
        var options = try listen.options()
        options.onListening = { host, port in
            let shown = host.contains(":") ? "[\(host)]" : host
            let text = """
                dashboard: \(scheme)://\(shown):\(port)/
                API:       \(scheme)://\(shown):\(port)/api/v1/ (OpenAPI document at /api/v1/openapi.yaml)
                press Ctrl-C to stop

                """
            if addressOnStandardError {
                FileHandle.standardError.write(Data(text.utf8))
            } else {
                print(text, terminator: "")
                fflush(nil)
            }
        }
        let application = try await PenguinsServer.makeApplication(platform: platform, configuration: listen.configuration, options: options)
        ShutdownWatchdog.arm(grace: .seconds(30))
        try await PenguinsServer.serve(application, configuration: listen.configuration)
    }
}
