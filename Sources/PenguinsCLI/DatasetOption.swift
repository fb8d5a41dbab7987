import ArgumentParser
import Foundation
import PenguinsCore

/// The `--dataset` option of every data command.
struct DatasetOption: ParsableArguments {
    @Option(name: .customLong("dataset"), help: ArgumentHelp(
        "The dataset to work on (default: $PENGUINS_DATASET, else \(BundledSchemas.defaultName)); `penguins datasets list` shows them.",
        valueName: "name"
    ))
    var explicit: String?

    /// The dataset named by the flag, else by `PENGUINS_DATASET`, else the default one.
    var name: String {
        let environment = ProcessInfo.processInfo.environment["PENGUINS_DATASET"]?.trimmingCharacters(in: .whitespaces)
        return explicit ?? (environment?.isEmpty == false ? environment! : BundledSchemas.defaultName)
    }
}
