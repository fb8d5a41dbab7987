import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStorage

/// A registered model of a dataset, bound to the dataset's schema: it knows where each of its
/// features sits in the schema's records and predicts their class probabilities.
public struct DatasetModel: Sendable {
    public var version: Int
    public var artifact: ModelArtifact
    public var schema: DatasetSchema
    /// The schema index of each feature the model reads, in the model's order.
    public let featureIndices: [Int]

    /// Binds `artifact` to `schema`.
    /// - Throws: ``PipelineError/modelDoesNotMatch(dataset:version:reason:)`` when the schema lacks
    ///   a feature of the model, has another kind or other levels for it, or other classes.
    public init(version: Int, artifact: ModelArtifact, schema: DatasetSchema) throws {
        func mismatch(_ reason: String) -> PipelineError {
            .modelDoesNotMatch(dataset: schema.name, version: version, reason: reason)
        }
        guard artifact.classLabels == schema.target.classes else {
            throw mismatch("it predicts \(artifact.classLabels.joined(separator: ", ")), the schema's classes are \(schema.target.classes.joined(separator: ", "))")
        }
        featureIndices = try artifact.featureNames.map { name in
            guard let index = schema.features.firstIndex(where: { $0.name == name }) else {
                throw mismatch("it reads the feature \(name), which the schema no longer has")
            }
            let feature = schema.features[index]
            let levels = artifact.featureLevels?[name]
            switch feature.kind {
            case .numeric where levels != nil: throw mismatch("\(name) was categorical at training and is numeric now")
            case .categorical where levels == nil: throw mismatch("\(name) was numeric at training and is categorical now")
            case .categorical where levels != feature.levels:
                throw mismatch("the levels of \(name) were \(levels!.joined(separator: ", ")) at training and are \(feature.levels.joined(separator: ", ")) now")
            default: return index
            }
        }
        self.version = version
        self.artifact = artifact
        self.schema = schema
    }

    /// The current model of `schema`'s dataset in `registry`.
    /// - Throws: ``PipelineError/noDatasetModel(_:)`` before the first training.
    public static func current(of schema: DatasetSchema, in registry: any ModelRegistry) async throws -> DatasetModel {
        guard let registered = try await registry.current() else { throw PipelineError.noDatasetModel(schema.name) }
        return try DatasetModel(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact), schema: schema)
    }

    /// The model's features a row (features by schema index) lacks, by name.
    public func missingFeatures(_ features: [Double?]) -> [String] {
        featureIndices.filter { features[$0] == nil }.map { schema.features[$0].name }
    }

    /// Class probabilities for many rows (features by schema index) at once; nil for a row
    /// missing one of the model's features.
    public func probabilities(_ rows: [[Double?]]) -> [[Double]?] {
        var values: [Double] = []
        var positions: [Int] = []
        values.reserveCapacity(rows.count * featureIndices.count)
        for (position, row) in rows.enumerated() {
            var vector: [Double] = []
            vector.reserveCapacity(featureIndices.count)
            for index in featureIndices {
                guard let value = row[index] else { break }
                vector.append(value)
            }
            guard vector.count == featureIndices.count else { continue }
            values += artifact.scaler.transform(row: vector)
            positions.append(position)
        }
        var result = [[Double]?](repeating: nil, count: rows.count)
        guard !positions.isEmpty else { return result }
        let predicted = artifact.forest.predictProbabilities(FeatureMatrix(columnCount: featureIndices.count, values: values))
        for (position, probabilities) in zip(positions, predicted) { result[position] = probabilities }
        return result
    }

    /// Class probabilities for `rows` of columns read from a warehouse: one column per feature
    /// of the model, in its order, NaN where a value is missing; nil for a row missing one.
    public func probabilities(columns: [[Double]], rows: Range<Int>) -> [[Double]?] {
        precondition(columns.count == featureIndices.count, "one column per feature of the model")
        var values: [Double] = []
        var positions: [Int] = []
        var vector = [Double](repeating: 0, count: columns.count)
        values.reserveCapacity(rows.count * columns.count)
        positions.reserveCapacity(rows.count)
        rows: for row in rows {
            for (column, values) in columns.enumerated() {
                let value = values[row]
                guard !value.isNaN else { continue rows }
                vector[column] = value
            }
            values += artifact.scaler.transform(row: vector)
            positions.append(row - rows.lowerBound)
        }
        var result = [[Double]?](repeating: nil, count: rows.count)
        guard !positions.isEmpty else { return result }
        let predicted = artifact.forest.predictProbabilities(FeatureMatrix(columnCount: columns.count, values: values))
        for (position, probabilities) in zip(positions, predicted) { result[position] = probabilities }
        return result
    }

    /// The prediction of a row's probabilities: the most probable class (the first on a tie).
    public func prediction(from probabilities: [Double], at time: Date) -> RecordPrediction {
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return RecordPrediction(predictedClass: best, probabilities: probabilities, modelVersion: version, predictedAt: time)
    }
}

/// The prediction for one row of a file of any dataset, or why the row has none.
public struct DatasetPredictionRow: Codable, Sendable, Equatable {
    /// The row's id, when the file has the dataset's id column.
    public var id: String?
    /// The line of the file the row starts on.
    public var line: Int
    /// The predicted class.
    public var prediction: String?
    /// The probability of each class.
    public var probabilities: [String: Double]?
    /// Why the row has no prediction (an invalid value, or a feature of the model missing).
    public var error: String?
    /// The id its log entry carries, for its ground truth (`penguins feedback`); the command
    /// shows it only when it logs the predictions.
    public var predictionID: String?
    /// The name of the dataset's target, under which the predicted class is written as well
    /// (as a row of the dataset's files holds its class), unless that is a name of the row's
    /// own members; nil to write it under `prediction` only.
    public var targetName: String? = nil

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, line, prediction, probabilities, error
        case predictionID = "prediction_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(prediction, forKey: .prediction)
        try container.encodeIfPresent(probabilities, forKey: .probabilities)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encodeIfPresent(predictionID, forKey: .predictionID)
        if let targetName, let prediction, !CodingKeys.allCases.contains(where: { $0.rawValue == targetName }) {
            var named = encoder.container(keyedBy: MemberName.self)
            try named.encode(prediction, forKey: MemberName(targetName))
        }
    }
}

/// A JSON member named at run time.
struct MemberName: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { nil }
}

extension DatasetModel {
    /// Predicts every row of a CSV file of the model's dataset, storing nothing. The file needs
    /// the model's features, not the target. `body` receives each batch's rows in file order,
    /// and the prediction log entries of the rows that have a prediction.
    public func predict(
        file: URL, overrides: CSVDialect.Overrides = .none, batchSize: Int = 10_000,
        _ body: (_ rows: [DatasetPredictionRow], _ entries: [RecordLogEntry]) async throws -> Void
    ) async throws {
        var reader = try DatasetFile(url: file, schema: schema, overrides: overrides, requiringTarget: false)
        let missingColumns = featureIndices.filter { !reader.parser.hasColumn(ofFeature: $0) }.map { schema.features[$0].name }
        guard missingColumns.isEmpty else {
            throw IngestError.missingColumns(
                source: file.path, dataset: schema.name, missing: missingColumns, found: reader.parser.columnNames, dialect: reader.dialect)
        }
        let classes = schema.target.classes
        while let batch = try reader.nextFeatureBatch(maxCount: batchSize) {
            let accepted = batch.compactMap { outcome -> FeatureRow? in
                if case .accepted(let row) = outcome { return row }
                return nil
            }
            var predicted = probabilities(accepted.map(\.features)).makeIterator()
            var rows: [DatasetPredictionRow] = []
            var entries: [RecordLogEntry] = []
            rows.reserveCapacity(batch.count)
            entries.reserveCapacity(accepted.count)
            for outcome in batch {
                switch outcome {
                case .rejected(let rejected):
                    rows.append(DatasetPredictionRow(line: rejected.line, error: rejected.reason))
                case .accepted(let row):
                    if let probabilities = predicted.next()! {
                        let prediction = prediction(from: probabilities, at: Date())
                        let id = PredictionIDs.shared.next()
                        entries.append(RecordLogEntry(features: row.features, prediction: prediction, predictionID: id))
                        rows.append(DatasetPredictionRow(
                            id: row.id, line: row.line, prediction: classes[prediction.predictedClass],
                            probabilities: Dictionary(uniqueKeysWithValues: zip(classes, probabilities)), predictionID: id,
                            targetName: schema.target.name))
                    } else {
                        rows.append(DatasetPredictionRow(
                            id: row.id, line: row.line, error: "missing \(missingFeatures(row.features).joined(separator: ", ")), which the model needs"))
                    }
                }
            }
            try await body(rows, entries)
        }
    }
}
