import PenguinsCore

/// Errors of the platform's workflows: each says what the user should do next.
public enum PipelineError: Error, Equatable, CustomStringConvertible {
    /// No model has been promoted yet.
    case noModel
    /// The dataset's warehouse is empty.
    case emptyWarehouse(dataset: String)
    /// A named column is not one the command understands.
    case unknownColumn(String, expected: [String])
    /// An option value is out of range.
    case invalidOption(String)
    /// Not enough rows for the requested analysis.
    case notEnoughRows(String)
    /// No dataset of this name is registered or bundled.
    case unknownDataset(String, known: [String])
    /// The dataset has no model yet.
    case noDatasetModel(String)
    /// The dataset's current model cannot read the dataset's data as its schema now is.
    case modelDoesNotMatch(dataset: String, version: Int, reason: String)
    /// No stored row of the dataset has every feature a model is to be trained on.
    case noTrainingRows(dataset: String, features: [String])

    public var description: String {
        switch self {
        case .noModel: "there is no model yet; run `penguins train` first"
        case .emptyWarehouse(let dataset):
            "the warehouse of dataset \(dataset) is empty; run `penguins ingest FILE\(Platform.datasetOption(dataset))` first"
        case .unknownColumn(let name, let expected): "unknown column \"\(name)\"; expected one of: \(expected.joined(separator: ", "))"
        case .invalidOption(let message): message
        case .notEnoughRows(let message): message
        case .noDatasetModel(let dataset):
            "dataset \(dataset) has no model yet; run `penguins train\(Platform.datasetOption(dataset))` first"
        case .modelDoesNotMatch(let dataset, let version, let reason):
            "model version \(version) of dataset \(dataset) does not match the dataset's schema: \(reason); train it again with `penguins train --dataset \(dataset)`"
        case .noTrainingRows(let dataset, let features):
            "no row of dataset \(dataset) has all of \(features.joined(separator: ", ")); run `penguins ingest FILE\(Platform.datasetOption(dataset))` first, or train on other features with --features"
        case .unknownDataset(let name, let known):
            "there is no dataset \"\(name)\"; the datasets are \(known.joined(separator: ", ")), or register one with `penguins datasets add \(name) --file CSV --target COLUMN`"
        }
    }
}
