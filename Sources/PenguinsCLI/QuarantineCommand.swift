import ArgumentParser
import Foundation
import PenguinsPipeline
import PenguinsStorage

struct QuarantineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List the rows ingestion refused, newest first, with file, line, reason and raw text."
    )

    @Option(help: "Most rows to list.") var limit = 20
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        try await reportingErrors {
            let quarantine = try await global.platform().quarantine(ofDataset: dataset.name)
            let rows = try await quarantine.rows(limit: limit)
            switch global.format {
            case .json: try printJSON(QuarantineListing(total: try await quarantine.count(), rows: rows))
            case .table:
                guard !rows.isEmpty else { print("the quarantine is empty"); return }
                var table = TextTable("file", "line", "reason", "raw text")
                for row in rows { table.add(row.file, "\(row.line)", row.reason, row.rawText) }
                print("\(try await quarantine.count()) quarantined rows; the newest \(rows.count):")
                print(table.rendered)
            }
        }
    }
}

/// The JSON shape of `penguins quarantine`.
struct QuarantineListing: Encodable {
    var total: Int
    var rows: [QuarantinedRow]
}
