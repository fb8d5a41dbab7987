import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the species of every row of a CSV file (either layout) with the current model, storing nothing."
    )

    @Argument(help: "CSV file of penguins to predict.") var file: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let model = try await global.platform().currentModel()
            let predictor = FilePredictor(model: model)
            let url = URL(fileURLWithPath: file)
            switch global.format {
            case .json:
                // Streams a JSON array, one row per line, so large files need no buffering.
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                var first = true
                print("{\"model_version\":\(model.version),\"rows\":[")
                try predictor.predict(file: url) { rows in
                    for row in rows {
                        print((first ? "" : ",") + String(decoding: try encoder.encode(row), as: UTF8.self))
                        first = false
                    }
                }
                print("]}")
            case .table:
                var table = TextTable(headers: ["row", "species"] + Species.allCases.map { "P(\($0.rawValue))" } + ["note"])
                try predictor.predict(file: url) { rows in
                    for row in rows {
                        let name = row.penguinID ?? "line \(row.line ?? 0)"
                        let probabilities = Species.allCases.map { fixed(row.probabilities?[$0.rawValue], 3) }
                        table.add(cells: [name, row.species ?? "-"] + probabilities + [row.error ?? ""])
                    }
                }
                print("model version \(model.version)")
                print(table.rendered)
            }
        }
    }
}
