import Foundation
import PenguinsCore
import PenguinsML

/// A registered model of the penguins, ready to predict: its artifact bound to the penguins'
/// schema (a ``DatasetModel``), answering in species.
///
/// A model reads the features it was trained on (`train --features`): the four measurements by
/// default, or any of the schema's features, such as the island, the sex or the isotope ratios.
/// Its input is a row of features by schema index, as ``PenguinRecords`` makes of a penguin; a
/// model of the four measurements alone also predicts straight from ``Measurements``.
public struct SpeciesModel: Sendable {
    /// The model bound to the penguins' schema.
    public let bound: DatasetModel
    /// The conversions between penguins and the records of the schema the model is bound to.
    public let coding: PenguinRecords
    /// True for a model of the four measurements in ``Feature/allCases`` order: it reads a
    /// penguin's ``Measurements/featureVector`` as it is.
    private let readsFeatureVector: Bool

    public var version: Int { bound.version }
    public var artifact: ModelArtifact { bound.artifact }
    /// The schema index of each feature the model reads, in the model's order.
    public var featureIndices: [Int] { bound.featureIndices }

    /// Binds `artifact` to the penguins' `schema`.
    /// - Throws: ``PipelineError/modelDoesNotMatch(dataset:version:reason:)`` when the schema
    ///   lacks a feature the model reads, or has other levels or classes than it was trained with.
    public init(version: Int, artifact: ModelArtifact, schema: DatasetSchema = BundledSchemas.penguins) throws {
        bound = try DatasetModel(version: version, artifact: artifact, schema: schema)
        coding = PenguinRecords(schema: schema)
        readsFeatureVector = bound.featureIndices == coding.measurementIndices
    }

    /// The names of the features the model reads that `features` (by schema index) lacks.
    public func missingFeatures(_ features: [Double?]) -> [String] { bound.missingFeatures(features) }

    /// The row of features (by schema index) holding `measurements` and nothing else.
    public func features(of measurements: Measurements) -> [Double?] {
        var features = [Double?](repeating: nil, count: coding.schema.features.count)
        for (feature, index) in zip(Feature.allCases, coding.measurementIndices) { features[index] = measurements[feature] }
        return features
    }

    /// The prediction for one penguin's measurements; nil when one the model reads is missing,
    /// or when the model reads more than measurements.
    public func predict(_ measurements: Measurements, at time: Date = Date()) -> Prediction? {
        if readsFeatureVector {
            guard let vector = measurements.featureVector else { return nil }
            return prediction(from: artifact.forest.predictProbabilities(row: artifact.scaler.transform(row: vector)), at: time)
        }
        return predict(row: features(of: measurements), at: time)
    }

    /// Predictions for many penguins' measurements at once (parallel inside the forest); nil for
    /// a row lacking a measurement the model reads, and for every row when the model reads more
    /// than measurements.
    public func predict(_ batch: [Measurements], at time: Date = Date()) -> [Prediction?] {
        guard readsFeatureVector else { return predict(features: batch.map(features(of:)), at: time) }
        var rows: [Double] = []
        var positions: [Int] = []
        rows.reserveCapacity(batch.count * Feature.allCases.count)
        for (index, measurements) in batch.enumerated() {
            guard let vector = measurements.featureVector else { continue }
            rows += artifact.scaler.transform(row: vector)
            positions.append(index)
        }
        var result = [Prediction?](repeating: nil, count: batch.count)
        guard !positions.isEmpty else { return result }
        let probabilities = artifact.forest.predictProbabilities(FeatureMatrix(columnCount: Feature.allCases.count, values: rows))
        for (position, row) in zip(positions, probabilities) {
            result[position] = prediction(from: row, at: time)
        }
        return result
    }

    /// The prediction for one row of features by schema index; nil when it lacks a feature the model reads.
    public func predict(row: [Double?], at time: Date = Date()) -> Prediction? {
        var vector: [Double] = []
        vector.reserveCapacity(featureIndices.count)
        for index in featureIndices {
            guard let value = row[index] else { return nil }
            vector.append(value)
        }
        return prediction(from: artifact.forest.predictProbabilities(row: artifact.scaler.transform(row: vector)), at: time)
    }

    /// Predictions for rows of features by schema index; nil for a row lacking a feature the model reads.
    public func predict(features rows: [[Double?]], at time: Date = Date()) -> [Prediction?] {
        bound.probabilities(rows).map { $0.map { prediction(from: $0, at: time) } }
    }

    /// Predictions for penguins as the schema records them: measurements, island, sex, year and
    /// the schema's other numeric features (kept in their `otherFields`).
    public func predict(_ penguins: [Penguin], at time: Date = Date()) -> [Prediction?] {
        predict(features: penguins.map { coding.record($0, otherFields: false).features }, at: time)
    }

    /// Predictions for `rows` of columns read from the warehouse: one column per feature of the
    /// model, in its order, NaN where a value is missing.
    public func predict(columns: [[Double]], rows: Range<Int>, at time: Date = Date()) -> [Prediction?] {
        bound.probabilities(columns: columns, rows: rows).map { $0.map { prediction(from: $0, at: time) } }
    }

    /// The prediction of a row's class probabilities, in species.
    func prediction(from probabilities: [Double], at time: Date) -> Prediction {
        var byClass: [Species: Double] = [:]
        var best = 0
        for (index, probability) in probabilities.enumerated() {
            if let species = Species(rawValue: artifact.classLabels[index]) { byClass[species] = probability }
            if probability > probabilities[best] { best = index }
        }
        let species = Species(rawValue: artifact.classLabels[best]) ?? .adelie
        return Prediction(species: species, probabilities: byClass, modelVersion: version, predictedAt: time)
    }
}

extension Platform {
    /// The registry's current model, decoded and bound to the penguins' schema.
    /// - Throws: ``PipelineError/noModel`` when there is none, ``PipelineError/modelDoesNotMatch(dataset:version:reason:)``
    ///   when the schema lacks what the model reads.
    public func currentModel() async throws -> SpeciesModel {
        guard let registered = try await registry.current() else { throw PipelineError.noModel }
        return try speciesModel(version: registered.version, artifact: try ModelArtifact.decode(registered.artifact))
    }

    /// `artifact` of the penguins' registry bound to the schema of the penguins' warehouse.
    public func speciesModel(version: Int, artifact: ModelArtifact) throws -> SpeciesModel {
        try SpeciesModel(version: version, artifact: artifact, schema: warehouse.recordWarehouse.schema)
    }
}
