import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsStorage

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, promote and roll back model versions, and show the audit trail of promotions.",
        subcommands: [List.self, Promote.self, Rollback.self, History.self],
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
        static let configuration = CommandConfiguration(
            abstract: "Make a version current, unless it is worse than the current one.",
            discussion: """
                The candidate and the current version predict the same rows: the candidate's held-out \
                rows and the predictions whose ground truth came back. A candidate less accurate by \
                more than --margin on either is refused, saying by how much; --force promotes it anyway. \
                Every promotion goes into the audit trail (`penguins models history`).
                """
        )
        @Argument(help: "The version to make current.") var version: Int
        @Option(help: "How much less accurate (a fraction: 0.01 is one point) the candidate may be.") var margin = ModelPromotion.defaultMargin
        @Flag(help: "Promote even a candidate worse than the margin allows (the audit trail says so).") var force = false
        @OptionGroup var dataset: DatasetOption
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard margin >= 0, margin < 1 else { throw ValidationError("--margin must be at least 0 and below 1") }
        }

        func run() async throws {
            try await reportingErrors {
                let platform = try await global.platform()
                let schema = try await platform.schema(ofDataset: dataset.name)
                let outcome = try await ModelPromotion(platform: platform, schema: schema, margin: margin)
                    .promote(version: version, actor: "cli", force: force)
                switch global.format {
                case .json: try printJSON(PromotionOutput(current: version, previous: outcome.previous, comparison: outcome.comparison))
                case .table:
                    print("model version \(version) is current" + (outcome.previous.map { $0 == version ? " (it was already)" : " (was \($0))" } ?? ""))
                    if let comparison = outcome.comparison { print(comparison.summary) }
                }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit trail: every promotion and rollback, newest first.")
        @Option(help: "Most entries to list.") var limit = 20
        @OptionGroup var dataset: DatasetOption
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let trail = try await global.platform().registry(ofDataset: dataset.name).audit(limit: max(limit, 0))
                switch global.format {
                case .json: try printJSON(trail)
                case .table:
                    guard !trail.isEmpty else { print("no promotion yet"); return }
                    var table = TextTable("when", "action", "from", "to", "by", "forced")
                    for entry in trail {
                        table.add(entry.at.formatted(.iso8601), entry.action.rawValue, entry.from.map(String.init) ?? "-", "\(entry.to)",
                                  entry.actor, entry.forced ? "yes" : "")
                    }
                    print(table.rendered)
                }
            }
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make the previously current version current again.")
        @OptionGroup var dataset: DatasetOption
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let version = try await global.platform().registry(ofDataset: dataset.name).rollback(by: "cli")
                if global.format == .json { print("{\"current\":\(version)}") } else { print("rolled back: model version \(version) is current") }
            }
        }
    }
}

/// The JSON shape of `penguins models promote`.
struct PromotionOutput: Encodable {
    var current: Int
    var previous: Int?
    var comparison: ModelComparison?
}
