import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// A dataset the platform has never seen: two classes, a categorical partition column that is
/// not the target, a numeric and a categorical feature.
func otterSchema(name: String = "otters", extraFeature: Bool = false) -> DatasetSchema {
    var features: [FeatureColumn] = [
        .categorical("site", levels: ["north", "south"], valueRequired: true),
        .numeric("length_cm", unit: "cm", range: 10...200),
        .categorical("coat", levels: ["dark", "light"]),
    ]
    if extraFeature { features.append(.numeric("weight_kg", unit: "kg", range: 1...50)) }
    return DatasetSchema(
        name: name, id: IdentifierRule(column: "otter_id"),
        target: TargetColumn(name: "kind", classes: ["river", "sea"]), features: features, partition: "site"
    )
}

/// `[site, length_cm, coat]` of a record of ``otterSchema(name:extraFeature:)``.
func otter(_ id: String, kind: Int, site: Int, length: Double?, coat: Int?, line: Int? = nil) -> DatasetRecord {
    DatasetRecord(id: id, targetClass: kind, features: [Double(site), length, coat.map(Double.init)], sourceLine: line)
}

/// The behaviour every ``DatasetTablesProvider`` must show: each dataset's lake, warehouse and
/// quarantine, apart from every other dataset's. `provider` must hold no tables of `otters`.
func checkDatasetTablesContract(_ provider: some DatasetTablesProvider) async throws {
    let schema = otterSchema()
    try schema.validate()
    let lake = try await provider.lake(for: schema)
    let warehouse = try await provider.warehouse(for: schema)
    #expect(try await lake.count() == 0)
    #expect(try await warehouse.count() == 0)
    #expect(try await warehouse.summariesByPartition().isEmpty)

    // The lake keeps every column, the provenance of a record read from a file, and the last
    // record of an id within a batch.
    let provenance = Provenance(file: "otters.csv", dialect: CSVDialect())
    var first = otter("o2", kind: 0, site: 0, length: 95.5, coat: 1, line: 3)
    first.otherFields = ["note": .string("by the pier"), "tag": .number(17)]
    let records = [first, otter("o1", kind: 1, site: 1, length: nil, coat: nil, line: 2), otter("o3", kind: 0, site: 0, length: 60, coat: 0, line: 4)]
    try await lake.upsert(records + [otter("o3", kind: 1, site: 0, length: 61, coat: 0, line: 5)], from: provenance)
    #expect(try await lake.count() == 3)
    let document = try #require(try await lake.document(id: "o2")).body
    #expect(document == .object([
        "otter_id": .string("o2"), "kind": .string("river"), "site": .string("north"), "length_cm": .number(95.5),
        "coat": .string("light"), "note": .string("by the pier"), "tag": .number(17),
        "_provenance": .object(["file": .string("otters.csv"), "line": .number(3), "encoding": .string("utf-8")]),
    ]))
    #expect(try await lake.document(id: "o1")?.body["length_cm"] == .null)
    #expect(try await lake.document(id: "o3")?.body["kind"] == .string("sea"))
    #expect(try await lake.scan(after: nil, limit: 2).map(\.id) == ["o1", "o2"])
    #expect(try await lake.scan(after: "o2", limit: 5).map(\.id) == ["o3"])
    #expect(try await lake.document(id: "missing") == nil)

    // The warehouse keeps the target and features, by partition; every upsert moves the data
    // version on.
    let emptyVersion = try await warehouse.dataVersion()
    try await warehouse.upsert(records)
    let firstVersion = try await warehouse.dataVersion()
    #expect(firstVersion > emptyVersion)
    #expect(try await warehouse.count() == 3)
    #expect(try await warehouse.countsByPartition() == ["north": 2, "south": 1])
    let stored = try #require(try await warehouse.record(id: "o2"))
    #expect(stored.record == DatasetRecord(id: "o2", targetClass: 0, features: [0, 95.5, 1]))
    #expect(stored.prediction == nil)
    #expect(try await warehouse.record(id: "o1")?.record.features == [1, nil, nil])
    #expect(try await warehouse.scan(partition: "north", after: nil, limit: 10).map(\.record.id) == ["o2", "o3"])
    #expect(try await warehouse.scan(partition: "north", after: "o2", limit: 10).map(\.record.id) == ["o3"])
    #expect(try await warehouse.scan(partition: "south", after: nil, limit: 10).map(\.record.id) == ["o1"])
    #expect(try await warehouse.scan(partition: "east", after: nil, limit: 10).isEmpty)

    // Column-wise reads, in key order (partition, then id): classes, chosen features with NaN
    // for missing values, and no predictions unless asked for.
    let columns = try await warehouse.columns(featureIndices: [2, 1])
    #expect(columns.ids == ["o2", "o3", "o1"])
    #expect(columns.targetClasses == [0, 0, 1])
    #expect(columns.features.count == 2)
    #expect(columns.features[0][0] == 1 && columns.features[0][1] == 0 && columns.features[0][2].isNaN)
    #expect(columns.features[1][0] == 95.5 && columns.features[1][1] == 60 && columns.features[1][2].isNaN)
    #expect(columns.predictedClasses.isEmpty && columns.modelVersions.isEmpty)

    // Predictions are written by id, kept by an unchanged upsert, cleared by a changed one.
    let time = Date(timeIntervalSince1970: 1_800_000_000)
    let prediction = RecordPrediction(predictedClass: 1, probabilities: [0.25, 0.75], modelVersion: 4, predictedAt: time)
    // Each prediction is written only while the record still has the values it was computed
    // from: o3's stored length is 60, not 61 (an ingestion changed it after it was read).
    let written = try await warehouse.writePredictions(
        [("o2", prediction, [95.5, 1]), ("o3", prediction, [61, 0]), ("o1", prediction, [.nan, .nan]), ("unknown", prediction, [1, 1])],
        featureIndices: [1, 2])
    #expect(written == 2)
    let scoredVersion = try await warehouse.dataVersion()
    #expect(scoredVersion > firstVersion, "batch predictions move the data version on")
    #expect(try await warehouse.writePredictions([("unknown", prediction, [1, 1])], featureIndices: [1, 2]) == 0)
    #expect(try await warehouse.dataVersion() == scoredVersion, "writing no prediction leaves it")
    #expect(try await warehouse.record(id: "o3")?.prediction == nil)
    #expect(try await warehouse.record(id: "o1")?.prediction == prediction)
    try await warehouse.writePredictions([("o3", prediction, [60, 0])], featureIndices: [1, 2])
    #expect(try await warehouse.record(id: "o2")?.prediction == prediction)
    #expect(try await warehouse.record(id: "o2")?.prediction?.confidence == 0.75)
    try await warehouse.upsert(records)
    #expect(try await warehouse.record(id: "o2")?.prediction == prediction)
    let scored = try await warehouse.columns(featureIndices: [1], predictions: true)
    #expect((scored.predictedClasses, scored.modelVersions) == ([1, 1, 1], [4, 4, 4]))
    let unchangedVersion = try await warehouse.dataVersion()
    try await warehouse.upsert([otter("o2", kind: 0, site: 0, length: 96, coat: 1)])
    #expect(try await warehouse.record(id: "o2")?.prediction == nil)
    #expect(try await warehouse.dataVersion() > unchangedVersion)
    let rescored = try await warehouse.columns(featureIndices: [1], predictions: true)
    #expect((rescored.predictedClasses, rescored.modelVersions) == ([-1, 1, 1], [-1, 4, 4]))
    #expect(try await warehouse.record(id: "o2")?.record.features == [0, 96, 1])

    // A record that changes partition moves: one row, in its new partition, unscored.
    try await warehouse.upsert([otter("o3", kind: 0, site: 1, length: 60, coat: 0)])
    #expect(try await warehouse.count() == 3)
    #expect(try await warehouse.scan(partition: "north", after: nil, limit: 10).map(\.record.id) == ["o2"])
    #expect(try await warehouse.scan(partition: "south", after: nil, limit: 10).map(\.record.id) == ["o1", "o3"])
    #expect(try await warehouse.record(id: "o3")?.prediction == nil)
    // Within a batch, the last record of an id wins.
    try await warehouse.upsert([otter("o4", kind: 0, site: 0, length: 70, coat: nil), otter("o4", kind: 1, site: 1, length: 71, coat: nil)])
    #expect(try await warehouse.record(id: "o4")?.record == DatasetRecord(id: "o4", targetClass: 1, features: [1, 71, nil]))
    #expect(try await warehouse.countsByPartition() == ["north": 1, "south": 3])

    // Summaries by partition: o2 in the north; o1 (scored, lacking length and coat), o3 and o4
    // (lacking coat) in the south. Only o2 and o3 have every feature; categorical features have no sums.
    #expect(try await warehouse.summariesByPartition() == [
        PartitionSummary(partition: "north", count: 1, countByClass: [1, 0], usableForTraining: 1, scored: 0, featureSums: [0, 96, 0], featureCounts: [0, 1, 0]),
        PartitionSummary(partition: "south", count: 3, countByClass: [1, 2], usableForTraining: 1, scored: 1, featureSums: [0, 131, 0], featureCounts: [0, 2, 0]),
    ])
    #expect(try await warehouse.usableAndScoredByPartition() == [
        "north": UsableAndScored(usable: 1, scored: 0), "south": UsableAndScored(usable: 1, scored: 1),
    ])
    #expect(try await warehouse.summariesByPartition()[1].mean(ofFeature: 1) == 65.5)
    #expect(try await warehouse.summariesByPartition()[0].mean(ofFeature: 2) == nil)

    // Asking again gives the same tables; another dataset has its own, empty ones.
    #expect(try await provider.warehouse(for: schema).count() == 4)
    let other = otterSchema(name: "otters_b")
    #expect(try await provider.warehouse(for: other).count() == 0)
    try await checkRecordChangeLog(warehouse, otherDataset: try await provider.warehouse(for: other))
    #expect(try await provider.lake(for: other).count() == 0)

    try await checkQuarantineContract(try await provider.quarantine(for: schema))
    #expect(try await provider.quarantine(for: other).count() == 0)
    try await checkModelRegistryContract(try await provider.registry(for: schema))
    #expect(try await provider.registry(for: other).versions().isEmpty)
    try await checkRecordPredictionLogContract(try await provider.predictionLog(for: schema))
    #expect(try await provider.predictionLog(for: other).count() == 0)
}

/// A logged prediction of an otter: `[site, length_cm, coat]` and the class it was given.
func otterLogEntry(site: Int, length: Double?, coat: Int?, predicted: Int, second: Int) -> RecordLogEntry {
    RecordLogEntry(
        features: [Double(site), length, coat.map(Double.init)],
        prediction: RecordPrediction(
            predictedClass: predicted, probabilities: predicted == 0 ? [0.875, 0.125] : [0.25, 0.75], modelVersion: 2,
            predictedAt: Date(timeIntervalSince1970: 1_800_000_000 + Double(second))
        )
    )
}

/// The prediction log of an otters dataset: entries kept in append order with their features
/// (missing ones included) and predictions, read newest first. `log` must be empty.
func checkRecordPredictionLogContract(_ log: any RecordPredictionLog) async throws {
    #expect(try await log.count() == 0)
    #expect(try await log.recent(limit: 10).isEmpty)
    let entries = [
        otterLogEntry(site: 0, length: 95.5, coat: 1, predicted: 0, second: 0),
        otterLogEntry(site: 1, length: nil, coat: nil, predicted: 1, second: 1),
    ]
    try await log.append(entries)
    try await log.append([])
    try await log.append([otterLogEntry(site: 1, length: 120.25, coat: 0, predicted: 1, second: 2)])
    #expect(try await log.count() == 3)
    let recent = try await log.recent(limit: 10)
    #expect(recent == [otterLogEntry(site: 1, length: 120.25, coat: 0, predicted: 1, second: 2)] + entries.reversed())
    #expect(try await log.recent(limit: 1) == [recent[0]])
    #expect(try await log.recent(limit: 0).isEmpty)
}

/// A stored dataset whose schema gains a feature: its warehouse gets the column (recorded as a
/// migration, applied once), the stored records read it as missing, and new records fill it.
/// `migrations` lists the steps the store applied to a dataset's tables.
func checkDatasetTablesEvolution(
    _ makeProvider: () async throws -> any DatasetTablesProvider, migrations: (String) async throws -> [String]
) async throws {
    let before = otterSchema()
    let provider = try await makeProvider()
    let former = try await provider.warehouse(for: before)
    try await former.upsert([otter("o1", kind: 0, site: 0, length: 80, coat: 1)])
    try await provider.predictionLog(for: before).append([otterLogEntry(site: 0, length: 80, coat: 1, predicted: 0, second: 0)])
    let saved = SavedAggregate(version: try await former.dataVersion(), body: Data("counts".utf8))
    try await former.saveAggregate(saved.body, named: "counts", version: saved.version)
    /// The steps but the SQLite trigger's (which each dialect may need or not).
    func tableSteps() async throws -> [String] { try await migrations("otters").filter { !$0.hasPrefix("log-changes-") } }
    let steps = [
        "create-lake", "create-warehouse", "create-quarantine", "create-registry", "create-prediction-log", "add-spark-columns",
        "create-change-log", "add-prediction-ids", "create-feedback", "create-model-audit", "create-data-version",
        "create-insertion-log", "create-aggregates", "create-replaced-log",
    ]
    #expect(try await tableSteps() == steps)

    let after = otterSchema(extraFeature: true)
    try after.validate()
    let grown = try await makeProvider().warehouse(for: after)
    #expect(try await tableSteps() == steps + ["add-feature-weight_kg"])
    #expect(try await grown.record(id: "o1")?.record.features == [0, 80, 1, nil])
    // The log of replaced values has the new feature's column too.
    let weighed = try await grown.upsert([DatasetRecord(id: "o1", targetClass: 0, features: [0, 80, 1, 12.5])])
    let replaced = try #require(weighed.changes?.previous)
    #expect(replaced.ids == ["o1"] && replaced.features.prefix(3) == [[0], [80], [1]] && replaced.features[3].count == 1 && replaced.features[3][0].isNaN)
    #expect(try await grown.record(id: "o1")?.record.features == [0, 80, 1, 12.5])
    // An aggregate of the records as the former schema read them is not the new schema's; the
    // first save of the new schema's removes it.
    #expect(try await grown.savedAggregate(named: "counts") == nil)
    #expect(try await former.savedAggregate(named: "counts") == saved)
    try await grown.saveAggregate(Data("grown".utf8), named: "counts", version: saved.version)
    #expect(try await grown.savedAggregate(named: "counts") == SavedAggregate(version: saved.version, body: Data("grown".utf8)))
    #expect(try await former.savedAggregate(named: "counts") == nil)
    // The log needs no step: an older entry reads the new feature as missing.
    let log = try await makeProvider().predictionLog(for: after)
    #expect(try await log.recent(limit: 5).map(\.features) == [[0, 80, 1, nil]])
    try await grown.upsert([DatasetRecord(id: "o2", targetClass: 1, features: [1, 90, 0, 12.5])])
    #expect(try await grown.record(id: "o2")?.record.features == [1, 90, 0, 12.5])
    // A change of the new feature is logged like any other.
    let position = try await grown.latestChange()
    try await grown.upsert([DatasetRecord(id: "o2", targetClass: 1, features: [1, 90, 0, 13])])
    #expect(try await grown.changes(after: position, limit: 5).ids == ["o2"])
    // Opening the tables again, from another store of the same database, applies nothing new.
    let applied = try await migrations("otters")
    _ = try await makeProvider().warehouse(for: after)
    #expect(try await migrations("otters") == applied)
}
