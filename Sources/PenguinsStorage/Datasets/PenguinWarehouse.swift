import Foundation
import PenguinsCore

/// The penguins' warehouse: the dataset warehouse of their bundled schema
/// (`ds_penguins_warehouse`), read and written as penguins.
///
/// It stores every feature of the schema, the isotope ratios included (taken from the
/// penguins' other fields; see ``PenguinsCore/PenguinRecords``), so models of any features can
/// train on the penguins. Rows of an island come in id order; a change of any feature (sex and
/// year too) clears a row's prediction and is logged, as in every dataset's warehouse.
public struct PenguinWarehouse<Records: RecordWarehouse>: PenguinWarehouseView {
    /// The dataset warehouse the penguins are stored in.
    public let records: Records
    let coding: PenguinRecords

    public var recordWarehouse: any RecordWarehouse { records }

    public init(records: Records) {
        self.records = records
        coding = PenguinRecords(schema: records.schema)
    }

    /// - Throws: ``StorageError/notFound(_:)`` for a penguin of an island the schema lacks
    ///   (ingestion refuses such rows before they get here).
    public func upsert(_ penguins: [Penguin]) async throws {
        try await records.upsert(try self.records(of: penguins))
    }

    /// The records of `penguins` in the schema's columns.
    /// - Throws: ``StorageError/notFound(_:)`` for a penguin of an island the schema lacks.
    func records(of penguins: [Penguin]) throws -> [DatasetRecord] {
        if let stray = penguins.first(where: { !coding.islands.contains($0.island) }) {
            let known = coding.islands.map(\.rawValue).joined(separator: ", ")
            throw StorageError.notFound("island \"\(stray.island.rawValue)\" of penguin \(stray.id) among the islands of the penguins' schema (\(known))")
        }
        return penguins.map { coding.record($0, otherFields: false) }
    }

    public func row(id: String) async throws -> WarehouseRow? {
        guard let stored = try await records.record(id: id) else { return nil }
        return row(stored)
    }

    public func scan(island: Island, after: WarehouseCursor?, limit: Int) async throws -> [WarehouseRow] {
        let stored = try await records.scan(partition: island.rawValue, after: after?.penguinID, limit: limit)
        var rows: [WarehouseRow] = []
        rows.reserveCapacity(stored.count)
        for record in stored { if let row = row(record) { rows.append(row) } }
        return rows
    }

    public func count() async throws -> Int { try await records.count() }

    public func latestChange() async throws -> Int64 { try await records.latestChange() }

    public func changes(after: Int64, limit: Int) async throws -> WarehouseChanges {
        try await records.changes(after: after, limit: limit)
    }

    public func pruneChanges(before date: Date) async throws { try await records.pruneChanges(before: date) }

    /// The penguin and prediction of a stored record; nil for a record that is no penguin.
    func row(_ stored: StoredRecord) -> WarehouseRow? {
        guard let penguin = coding.penguin(stored.record) else { return nil }
        guard let stored = stored.prediction else { return WarehouseRow(penguin: penguin, prediction: nil) }
        return WarehouseRow(penguin: penguin, prediction: coding.prediction(stored))
    }

}

extension PenguinWarehouse: SparkWarehouse where Records: SparkRecordWarehouse {
    public var jdbcLocation: PostgresLocation { records.jdbcLocation }
    public var tableName: String { records.tableName }

    /// The dataset tables have their Spark columns from the start; reaching the server is enough.
    public func prepareForSpark() async throws { _ = try await records.count() }

    public func mergeSparkPredictions(fromStaging stagingTable: String, modelVersion: Int, at time: Date) async throws -> Int {
        try await records.mergeSparkPredictions(fromStaging: stagingTable, modelVersion: modelVersion, at: time)
    }

    public func dropStagingTable(_ stagingTable: String) async throws {
        try await records.dropStagingTable(stagingTable)
    }

    public func shadowComparison(modelVersion: Int, limit: Int) async throws -> ShadowComparison? {
        guard let shadow = try await records.shadowComparison(modelVersion: modelVersion, limit: limit) else { return nil }
        return ShadowComparison(
            modelVersion: shadow.modelVersion, compared: shadow.compared, agreed: shadow.agreed,
            disagreements: shadow.disagreements.map {
                ShadowDisagreement(penguinID: $0.id, island: $0.partition, species: $0.actual, swift: $0.swift, spark: $0.spark)
            }
        )
    }
}

extension PenguinRecords {
    /// The penguin's prediction of a record prediction: its class's species and the
    /// probabilities by species; nil for a class that is no species.
    public func prediction(_ stored: RecordPrediction) -> Prediction? {
        guard let species = species(ofClass: stored.predictedClass) else { return nil }
        var probabilities: [Species: Double] = [:]
        probabilities.reserveCapacity(stored.probabilities.count)
        for (index, probability) in stored.probabilities.enumerated() {
            if let species = self.species(ofClass: index) { probabilities[species] = probability }
        }
        return Prediction(species: species, probabilities: probabilities, modelVersion: stored.modelVersion, predictedAt: stored.predictedAt)
    }

    /// The record prediction of a penguin's prediction: its species' class index and the
    /// probabilities by class index (0 for a species it lacks).
    public func recordPrediction(_ prediction: Prediction) -> RecordPrediction {
        var probabilities = [Double](repeating: 0, count: schema.target.classes.count)
        for (species, probability) in prediction.probabilities { probabilities[targetClass(of: species)] = probability }
        return RecordPrediction(
            predictedClass: targetClass(of: prediction.species), probabilities: probabilities,
            modelVersion: prediction.modelVersion, predictedAt: prediction.predictedAt
        )
    }
}
