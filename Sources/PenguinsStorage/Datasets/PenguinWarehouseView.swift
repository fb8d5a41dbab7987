import Foundation
import PenguinsCore

/// A warehouse row: the analytical columns of a penguin plus the latest batch prediction.
public struct WarehouseRow: Hashable, Sendable {
    public var penguin: Penguin
    /// The prediction columns (predicted species, confidence, model version, predicted at); nil until scored.
    public var prediction: Prediction?
    public init(penguin: Penguin, prediction: Prediction?) {
        self.penguin = penguin
        self.prediction = prediction
    }
}

/// Position in an island scan: rows come ordered by penguin id (`species` is not used).
public struct WarehouseCursor: Hashable, Sendable {
    public var species: Species
    public var penguinID: String
    public init(species: Species, penguinID: String) {
        self.species = species
        self.penguinID = penguinID
    }
}

/// The penguins' warehouse read and written as ``PenguinsCore/Penguin``s: not a storage role
/// of its own but a view of the dataset warehouse of their schema (``recordWarehouse``), for the
/// penguins' own API routes, pages and commands, which speak of species, islands and
/// measurements. ``PenguinWarehouse`` is the view over each store's warehouse.
///
/// Only the warehouse columns of a ``Penguin`` are kept (id, species, island, measurements,
/// sex, year); `otherFields` come back empty.
public protocol PenguinWarehouseView: ChangeLog {
    /// Inserts or updates rows by penguin id. Prediction columns survive an upsert whose
    /// species and features are unchanged and are cleared when one changes.
    func upsert(_ penguins: [Penguin]) async throws
    func row(id: String) async throws -> WarehouseRow?
    /// One island's rows ordered by penguin id, after `after`, at most `limit`.
    func scan(island: Island, after: WarehouseCursor?, limit: Int) async throws -> [WarehouseRow]
    /// The dataset warehouse the penguins are stored in, for column-wise reads of any of the
    /// schema's features (``RecordWarehouse/columns(featureIndices:)``).
    var recordWarehouse: any RecordWarehouse { get }
    func count() async throws -> Int
}
