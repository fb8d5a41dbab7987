import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsStorage

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, promote and roll back model versions.",
        subcommands: [List.self, Promote.self, Rollback.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every model version, newest first.")
        @OptionGroup var dataset: DatasetOption
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let rows = try await global.platform().modelVersions(ofDataset: dataset.name)
                switch global.format {
                case .json: try printJSON(rows)
                case .table:
                    guard !rows.isEmpty else { print("no models yet; run `penguins train --dataset \(dataset.name)`"); return }
                    var table = TextTable("version", "current", "created", "engine", "trees", "depth", "rows", "accuracy", "macro-F1", "spark accuracy")
                    for row in rows {
                        table.add("\(row.version)", row.current ? "*" : "", row.createdAt.formatted(.iso8601), row.engine ?? "-",
                                  row.numTrees.map(String.init) ?? "-", row.maxDepth.map(String.init) ?? "-",
                                  row.trainingRows.map(String.init) ?? "-", fixed(row.accuracy, 4), fixed(row.macroF1, 4),
                                  row.spark.map { fixed($0.accuracy, 4) } ?? "-")
                    }
                    print(table.rendered)
                }
            }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version current.")
        @Argument(help: "The version to make current.") var version: Int
        @OptionGroup var dataset: DatasetOption
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                try await global.platform().registry(ofDataset: dataset.name).promote(version: version)
                if global.format == .json { print("{\"current\":\(version)}") } else { print("model version \(version) is current") }
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the previously current version current again.")
        @OptionGroup var dataset: DatasetOption
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let version = try await global.platform().registry(ofDataset: dataset.name).rollback()
                if global.format == .json { print("{\"current\":\(version)}") } else { print("rolled back: model version \(version) is current") }
            }
        }
    }
}
