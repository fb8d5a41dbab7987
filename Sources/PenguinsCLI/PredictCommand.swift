import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline

struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict the class of every row of a CSV file with the dataset's current model, storing nothing."
    )

    @Argument(help: "CSV file of rows to predict (for the penguins, either layout).") var file: String
    @Flag(help: "Append the predictions to the prediction log: the production sample that `drift --current production` reads. Each row then shows the prediction_id its ground truth is reported by (`penguins feedback`).")
    var log = false
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var csv: CSVOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors { try await predict(on: try await global.platform()) }
    }

    /// Predicts the file with the current model of the dataset: per row its id (or line), the
    /// predicted class and every class's probability, or why it has none.
    private func predict(on platform: Platform) async throws {
        let stores = try await platform.tables(for: try await platform.schema(ofDataset: dataset.name))
        // The schema the rows are stored with, which the models are trained on.
        let schema = stores.warehouse.schema
        let model = try await DatasetModel.current(of: schema, in: stores.registry)
        let url = URL(fileURLWithPath: file)
        let log = self.log
        var logged = 0
        switch global.format {
        case .json:
            // Streams a JSON array, one row per line, so large files need no buffering.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print("{\"dataset\":\(String(decoding: try encoder.encode(schema.name), as: UTF8.self)),\"model_version\":\(model.version),\"rows\":[")
            var first = true
            try await model.predict(file: url, overrides: csv.overrides) { rows, entries in
                if log { try await stores.predictionLog.append(entries); logged += entries.count }
                for var row in rows {
                    if !log { row.predictionID = nil }
                    print((first ? "" : ",") + String(decoding: try encoder.encode(row), as: UTF8.self))
                    first = false
                }
            }
            print("],\"logged\":\(logged)}")
        case .table:
            let classes = schema.target.classes
            var table = TextTable(headers: ["row", "prediction"] + classes.map { "P(\($0))" } + ["note"])
            try await model.predict(file: url, overrides: csv.overrides) { rows, entries in
                if log { try await stores.predictionLog.append(entries); logged += entries.count }
                for row in rows {
                    table.add(cells: [row.id ?? "line \(row.line)", row.prediction ?? "-"]
                        + classes.map { fixed(row.probabilities?[$0], 3) } + [row.error ?? ""])
                }
            }
            print("dataset \(schema.name), model version \(model.version)")
            print(table.rendered)
            if log { print("logged \(logged) predictions to the prediction log of \(schema.name)") }
        }
    }
}
