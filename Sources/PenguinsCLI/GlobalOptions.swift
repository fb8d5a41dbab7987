import ArgumentParser
import Foundation
import PenguinsPipeline

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Folder of the embedded database (default: $PENGUINS_HOME, else ./.penguins).")
    var dataDirectory: String?

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    var configuration: PlatformConfiguration { .resolvingDataDirectory(dataDirectory) }

    /// The platform built from these options: the one place the CLI constructs backends.
    func platform() throws -> Platform { try Platform.embedded(configuration) }
}
