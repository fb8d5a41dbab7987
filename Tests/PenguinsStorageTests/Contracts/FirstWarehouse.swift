import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// The penguins' first warehouse as the platform kept it before every dataset had tables of its
/// own, and what must become of it: the rows of two penguins (one scored, one with its isotope
/// ratios in the lake only) and two entries of its change log.
enum FirstWarehouse {
    static let scored = Fixtures.penguin("p-1", .gentoo, .biscoe, sex: .female, year: 2008, otherFields: ["delta_15_n": .number(8.5), "delta_13_c": .number(-26.25)])
    static let unscored = Fixtures.penguin("p-2", .adelie, .dream, billLength: nil, sex: nil)
    static let prediction = Fixtures.prediction(.gentoo, version: 3)

    /// The statements that fill the old `lake`, `warehouse` and `warehouse_changes`;
    /// `document` turns a document's JSON text into the dialect's column value.
    static func statements(document: (String) -> String, usable: (Bool) -> String) -> [String] {
        func row(_ penguin: Penguin, _ prediction: Prediction?) -> String {
            let m = penguin.measurements
            func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "NULL" }
            let predicted = prediction.map {
                "'\($0.species.rawValue)', \($0.confidence), '{\"Adelie\":0.125,\"Chinstrap\":0.125,\"Gentoo\":0.75}', \($0.modelVersion), \($0.predictedAt.timeIntervalSince1970)"
            } ?? "NULL, NULL, NULL, NULL, NULL"
            return """
                INSERT INTO warehouse (island, species, penguin_id, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g,
                    sex, year, usable_for_training, predicted_species, confidence, probabilities, model_version, predicted_at)
                VALUES ('\(penguin.island.rawValue)', '\(penguin.species.rawValue)', '\(penguin.id)', \(number(m.billLength)), \(number(m.billDepth)),
                    \(number(m.flipperLength)), \(number(m.bodyMass)), \(penguin.sex.map { "'\($0.rawValue)'" } ?? "NULL"), \(penguin.year),
                    \(usable(penguin.isUsableForTraining)), \(predicted))
                """
        }
        return [scored, unscored].map { "INSERT INTO lake (penguin_id, document) VALUES ('\($0.id)', \(document($0.document.jsonText)))" }
            + [row(scored, prediction), row(unscored, nil)]
            + ["INSERT INTO warehouse_changes (penguin_id, changed_at) VALUES ('p-2', 1700000000), ('p-1', 1700000001)"]
    }

    /// The penguins' warehouse after the move holds the same rows and predictions, the isotope
    /// ratios from the lake, and the change log at the same positions, which it continues.
    static func check(_ warehouse: PenguinWarehouse<some RecordWarehouse>) async throws {
        // Its isotope ratios, features of the warehouse, come back among the penguin's other fields.
        #expect(try await warehouse.row(id: "p-1") == WarehouseRow(penguin: scored, prediction: prediction))
        #expect(try await warehouse.row(id: "p-2") == WarehouseRow(penguin: unscored, prediction: nil))
        #expect(try await warehouse.count() == 2)
        let schema = warehouse.records.schema
        let isotopes = ["delta_15_n", "delta_13_c"].map { name in schema.features.firstIndex { $0.name == name }! }
        #expect(try await warehouse.records.record(id: "p-1")?.record.features[isotopes[0]] == 8.5)
        #expect(try await warehouse.records.record(id: "p-1")?.record.features[isotopes[1]] == -26.25)
        #expect(try await warehouse.records.record(id: "p-2")?.record.features[isotopes[0]] == nil)
        #expect(try await warehouse.recordWarehouse.summariesByPartition().map(\.usableForTraining) == [1, 0])

        #expect(try await warehouse.latestChange() == 2)
        #expect(try await warehouse.changes(after: 1, limit: 10) == WarehouseChanges(ids: ["p-1"], through: 2, isComplete: true))
        var remeasured = unscored
        remeasured.measurements.bodyMass = 4000
        try await warehouse.upsert([remeasured])
        #expect(try await warehouse.changes(after: 2, limit: 10) == WarehouseChanges(ids: ["p-2"], through: 3, isComplete: true))
    }
}
