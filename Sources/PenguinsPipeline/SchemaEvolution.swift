import Foundation
import PenguinsCore
import PenguinsStorage

/// What registering a changed schema did to a dataset's stored rows.
public struct EvolutionReport: Codable, Sendable, Equatable {
    /// Features the new schema has and the previous one had not.
    public var addedFeatures: [String]
    /// Per added feature, the stored rows whose lake document gave it a value.
    public var backfilled: [String: Int]
    /// Per added feature, lake values that are not valid for it (left missing), first few reasons.
    public var rejected: [String: [String]]
    /// Warehouse rows read.
    public var rows: Int

    /// Spelled out in snake_case, as ``DatasetDescription``'s (encoded without a key strategy).
    enum CodingKeys: String, CodingKey {
        case backfilled, rejected, rows
        case addedFeatures = "added_features"
    }
}

/// Schema evolution of a dataset: a feature added to the registered schema gets its warehouse
/// column (the store records the migration when the tables are next opened), then its values
/// from the lake, which kept every source column: the document's member under the feature's
/// name or one of its `headers`, validated as ingestion validates it. No file is read again.
/// Rows whose inputs changed this way lose their batch prediction, as on any upsert. The
/// penguins' documents, in their lake's own layout, keep their other columns beside their
/// measurements (`clutch_completion`, `date_egg`, ...).
public struct SchemaEvolution: Sendable {
    public var platform: Platform
    /// Rows read and rewritten at a time.
    public var batchSize: Int

    public init(platform: Platform, batchSize: Int = 10_000) {
        self.platform = platform
        self.batchSize = batchSize
    }

    /// Brings the stored rows of `schema`'s dataset from `previous` to `schema`.
    public func evolve(from previous: DatasetSchema?, to schema: DatasetSchema) async throws -> EvolutionReport {
        let known = Set(previous?.features.map(\.name) ?? [])
        let added = previous == nil ? [] : schema.features.indices.filter { !known.contains(schema.features[$0].name) }
        var report = EvolutionReport(addedFeatures: added.map { schema.features[$0].name }, backfilled: [:], rejected: [:], rows: 0)
        guard !added.isEmpty else { return report }
        let stores = try await platform.tables(for: schema)
        func page(after: String?) async throws -> [LakeDocument] { try await stores.lake.scan(after: after, limit: batchSize) }
        let validator = SchemaValidator(schema: schema)
        let keys = added.map { index in
            let feature = schema.features[index]
            return [feature.name] + feature.headers.map(normalizedColumnName)
        }
        for name in report.addedFeatures { report.backfilled[name] = 0 }

        let columns = try await stores.warehouse.columns(featureIndices: Array(schema.features.indices))
        report.rows = columns.count
        var rowOfID: [String: Int] = [:]
        rowOfID.reserveCapacity(columns.count)
        for (row, id) in columns.ids.enumerated() { rowOfID[id] = row }
        // The lake in pages, in its own order; each document patches its warehouse row.
        var after: String?
        while true {
            let documents = try await page(after: after)
            guard let last = documents.last else { break }
            after = last.id
            var changed: [DatasetRecord] = []
            for document in documents {
                guard let row = rowOfID[document.id] else { continue }
                var features = columns.features.map { $0[row].isNaN ? nil : $0[row] }
                var touched = false
                for (position, index) in added.enumerated() where features[index] == nil {
                    guard let member = keys[position].lazy.compactMap({ document.body[$0] }).first else { continue }
                    let input: InputValue = switch member {
                    case .number(let number): .number(number)
                    case .string(let text): .text(text)
                    default: .missing
                    }
                    let name = schema.features[index].name
                    do {
                        guard let value = try validator.value(input, feature: index) else { continue }
                        features[index] = value
                        touched = true
                        report.backfilled[name, default: 0] += 1
                    } catch {
                        if report.rejected[name, default: []].count < 5 { report.rejected[name, default: []].append("\(document.id): \(error.detail)") }
                    }
                }
                if touched { changed.append(DatasetRecord(id: document.id, targetClass: columns.targetClasses[row], features: features)) }
            }
            try await stores.warehouse.upsert(changed)
        }
        // The backfilled rows' cached predictions go too, as their batch predictions did. A cache
        // out of reach is corrected by the next pass: a server's within a second, or an ingestion's.
        _ = try? await CacheCoherence(stores: stores).reconcile()
        return report
    }
}
