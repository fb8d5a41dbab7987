import Foundation
import PenguinsCore
@testable import PenguinsStorage
import PenguinsTestSupport
import PostgresNIO
import Testing

/// A dataset whose tables were made before the steps `create-prediction-log`,
/// `add-spark-columns`, `create-change-log` (with SQLite's `log-changes-…` trigger),
/// `add-prediction-ids`, `create-feedback`, `create-model-audit`, `create-data-version` and
/// `create-insertion-log` existed:
/// opened by this version, its tables gain them in place and keep their rows. `undo` puts the tables back as they were before those steps (the SQL of the
/// store's dialect); `makeProvider` opens the tables anew, as a new process would.
func checkDatasetTablesCatchUp(
    _ makeProvider: () async throws -> any DatasetTablesProvider, undo: ([String]) async throws -> Void,
    migrations: (String) async throws -> [String]
) async throws {
    let schema = otterSchema(name: "old_otters")
    let provider = try await makeProvider()
    try await provider.warehouse(for: schema).upsert([otter("o1", kind: 1, site: 0, length: 80, coat: 1)])
    try await undo([
        "DROP TABLE ds_old_otters_prediction_log",
        "DROP TABLE ds_old_otters_changes",
        "DROP TABLE ds_old_otters_feedback",
        "DROP TABLE ds_old_otters_model_audit",
        "DROP TABLE ds_old_otters_data_version",
        "DROP TABLE ds_old_otters_insertions",
        "DROP TABLE ds_old_otters_aggregates",
        "DROP TABLE ds_old_otters_replaced",
        "ALTER TABLE ds_old_otters_warehouse DROP COLUMN spark_predicted_class",
        "ALTER TABLE ds_old_otters_warehouse DROP COLUMN spark_model_version",
        "ALTER TABLE ds_old_otters_warehouse DROP COLUMN spark_predicted_at",
        """
        DELETE FROM dataset_migrations WHERE dataset = 'old_otters'
        AND (name IN ('create-prediction-log', 'add-spark-columns', 'create-change-log', 'add-prediction-ids', 'create-feedback', 'create-model-audit', 'create-data-version', 'create-insertion-log', 'create-aggregates', 'create-replaced-log')
            OR name LIKE 'log-changes-%')
        """,
    ])
    #expect(try await migrations("old_otters") == ["create-lake", "create-warehouse", "create-quarantine", "create-registry"])

    let reopened = try await makeProvider()
    let log = try await reopened.predictionLog(for: schema)
    var entry = otterLogEntry(site: 0, length: 80, coat: 1, predicted: 1, second: 0)
    entry.predictionID = "p-1"
    try await log.append([entry])
    #expect(try await log.count() == 1)
    #expect(try await log.record([Feedback(subject: .prediction("p-1"), actualClass: 0, recordedAt: Date())]).isEmpty)
    #expect(try await log.labelled(since: nil).map(\.actualClass) == [0])
    let warehouse = try await reopened.warehouse(for: schema)
    #expect(try await warehouse.record(id: "o1")?.record.features == [0, 80, 1])
    #expect(try await migrations("old_otters").filter { !$0.hasPrefix("log-changes-") } == [
        "create-lake", "create-warehouse", "create-quarantine", "create-registry", "create-prediction-log", "add-spark-columns",
        "create-change-log", "add-prediction-ids", "create-feedback", "create-model-audit", "create-data-version", "create-insertion-log",
        "create-aggregates", "create-replaced-log",
    ])
    // The change log and the data version work from then on.
    let version = try await warehouse.dataVersion()
    let update = try await warehouse.upsert([otter("o1", kind: 1, site: 0, length: 81, coat: 1)])
    #expect(update.changes?.previous == RecordColumns(ids: ["o1"], targetClasses: [1], features: [[0], [80], [1]]))
    #expect(try await warehouse.dataVersion() == version + 1)
    #expect(try await warehouse.changes(after: 0, limit: 5).ids == ["o1"])
    try await warehouse.saveAggregate(Data("counts".utf8), named: "counts", version: version + 1)
    #expect(try await warehouse.savedAggregate(named: "counts")?.version == version + 1)
}

@Suite struct DatasetTablesCatchUpTests {
    @Test func sqlite() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanUp() }
        try await checkDatasetTablesCatchUp({ try SQLiteStore(directory: directory.url) }) { statements in
            let store = try SQLiteStore(directory: directory.url)
            // The trigger that writes the change log goes first: SQLite checks triggers when a column is dropped.
            let undo = ["DROP TRIGGER \"ds_old_otters_warehouse_inputs_changed\""] + statements
            try await store.pool.write { db in for statement in undo { try db.execute(sql: statement) } }
        } migrations: { name in
            try await SQLiteStore(directory: directory.url).datasetMigrations(of: name)
        }
    }

    @Test(TestService.postgres.gate("PostgreSQL dataset tables")) func postgres() async throws {
        try await TestServers.withPostgresStore("dataset_catch_up") { store in
            var others: [PostgresStore] = []
            try await checkDatasetTablesCatchUp({
                let other = try PostgresStore(location: store.location, maximumConnections: 2)
                others.append(other)
                return other
            }) { statements in
                try await store.run(.warehouse) { client in
                    for statement in statements { try await client.query(PostgresQuery(unsafeSQL: statement)) }
                }
            } migrations: { name in
                try await store.datasetMigrations(of: name)
            }
            for other in others { await other.shutdown() }
        }
    }
}
