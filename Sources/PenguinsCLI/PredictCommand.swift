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
    @Flag(help: "Append the predictions to the prediction log: the production sample that `drift --current production` reads.")
    var log = false
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let platform = try global.platform()
            let model = try await platform.currentModel()
            let log = self.log
            var logged = 0
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
                try await predictor.predict(file: url, overrides: csv.overrides) { rows, entries in
                    if log { try await platform.predictionLog.append(entries); logged += entries.count }
                    for row in rows {
                        print((first ? "" : ",") + String(decoding: try encoder.encode(row), as: UTF8.self))
                        first = false
                    }
                }
                print("],\"logged\":\(logged)}")
            case .table:
                var table = TextTable(headers: ["row", "species"] + Species.allCases.map { "P(\($0.rawValue))" } + ["note"])
                try await predictor.predict(file: url, overrides: csv.overrides) { rows, entries in
                    if log { try await platform.predictionLog.append(entries); logged += entries.count }
                    for row in rows {
                        let name = row.penguinID ?? "line \(row.line ?? 0)"
                        let probabilities = Species.allCases.map { fixed(row.probabilities?[$0.rawValue], 3) }
                        table.add(cells: [name, row.species ?? "-"] + probabilities + [row.error ?? ""])
                    }
                }
                print("model version \(model.version)")
                print(table.rendered)
                if log { print("logged \(logged) predictions to the prediction log") }
            }
        }
    }
}
