import CSQLiteSetup
import Foundation
import GRDB
import PenguinsCore
import Synchronization

/// Every storage role in one SQLite database file, `penguins.sqlite`, inside a data directory.
///
/// The file is opened as a GRDB `DatabasePool` in WAL mode (one writer, concurrent readers),
/// with `synchronous = NORMAL` and a 64 MiB page cache per connection. The schema is created
/// and upgraded by named, ordered migrations (see ``SQLiteStore/migrator``), so opening an
/// older file brings it up to date and opening a current one changes nothing.
///
/// The role objects share the pool and are cheap to copy.
public final class SQLiteStore: Sendable {
    /// The name of the database file inside the data directory.
    public static let fileName = "penguins.sqlite"

    /// The database file.
    public let url: URL
    /// The penguins' document lake, the first lake: the dataset lake of their bundled schema.
    public let lake: SQLiteRecordLake
    /// The penguins' analytical warehouse: the dataset warehouse of their bundled schema.
    public let warehouse: PenguinWarehouse<SQLiteRecordWarehouse>
    /// Versioned model artifacts.
    public let registry: SQLiteModelRegistry
    /// The registered dataset schemas.
    public let datasets: SQLiteDatasetCatalog
    /// The API keys.
    public let accessKeys: SQLiteAccessKeyStore
    /// The penguins' log of real-time predictions: the dataset log of their bundled schema.
    public let predictionLog: SQLiteRecordPredictionLog
    /// Rows that ingestion refused.
    public let quarantine: SQLiteQuarantine
    /// Predictions cached across processes, with a time to live.
    public let predictionCache: PenguinPredictionCache

    let pool: DatabasePool
    /// Copies the pool's write-ahead log into the database on a connection of its own.
    private let checkpointer: WALCheckpointer
    /// The tables of the penguins' bundled schema, made when the store opens.
    let penguinTables: DatasetTables
    /// The clock of the prediction caches.
    let now: @Sendable () -> Date
    /// The fingerprints of the dataset schemas whose tables this process has brought up to date.
    let preparedDatasets = Mutex<[String: String]>([:])

    /// Opens (creating if needed) `penguins.sqlite` in `directory`, creating the directory too.
    ///
    /// - Parameter now: the clock of the prediction cache (injectable so TTL tests need no sleeping).
    /// - Throws: ``StorageError/unavailable(role:location:reason:)`` when the directory cannot be
    ///   created or the file cannot be opened or migrated.
    public init(directory: URL, now: @escaping @Sendable () -> Date = { Date() }) throws {
        _ = SQLiteStore.libraryConfigured
        let url = directory.appendingPathComponent(SQLiteStore.fileName)
        self.url = url
        self.now = now
        checkpointer = WALCheckpointer(path: url.path)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            let checkpointer = self.checkpointer
            configuration.prepareDatabase { db in
                // Page caches: 64 MB for the writer, where ingestion gains from it; 8 MB for each
                // reader, since a whole-table read passes each page once and several run at once.
                let cacheKiB = db.configuration.readonly ? 8_192 : 65_536
                try db.execute(sql: """
                    PRAGMA page_size = 16384;
                    PRAGMA synchronous = NORMAL;
                    PRAGMA cache_size = -\(cacheKiB);
                    PRAGMA temp_store = MEMORY;
                    PRAGMA journal_size_limit = 67108864;
                    """)
                // The log is copied back into the database on a connection of its own.
                if !db.configuration.readonly { checkpointer.install(on: db) }
            }
            pool = try DatabasePool(path: url.path, configuration: configuration)
            try SQLiteStore.migrator.migrate(pool)
            // The penguins' tables, which take over their first warehouse once.
            let penguins = DatasetTables(schema: BundledSchemas.penguins)
            try pool.write { db in try SQLiteStore.applySteps(of: penguins, in: db) }
            penguinTables = penguins
        } catch {
            throw StorageError.unavailable(
                role: "SQLite store", location: url.path,
                reason: "\(error). Check that the data directory exists, is writable, and holds a penguins database."
            )
        }
        lake = SQLiteRecordLake(pool: pool, tables: penguinTables)
        warehouse = PenguinWarehouse(records: SQLiteRecordWarehouse(pool: pool, tables: penguinTables))
        registry = SQLiteModelRegistry(pool: pool)
        datasets = SQLiteDatasetCatalog(pool: pool)
        accessKeys = SQLiteAccessKeyStore(pool: pool)
        predictionLog = SQLiteRecordPredictionLog(pool: pool, tables: penguinTables)
        quarantine = SQLiteQuarantine(pool: pool)
        predictionCache = PenguinPredictionCache(records: SQLiteRecordPredictionCache(penguinsIn: pool, now: now, schema: penguinTables.schema))
        let penguins = penguinTables.schema
        preparedDatasets.withLock { $0[penguins.name] = penguins.fingerprint }
    }

    /// Closes the checkpointer's connection first, so that the pool's connections, closed
    /// next, leave the log copied into the database and removed.
    deinit {
        checkpointer.close()
    }

    /// True once the SQLite library is configured for the platform (see
    /// `penguins_sqlite_configure`), before the first connection opens; false when something
    /// else in the process used SQLite first and the library kept its defaults.
    static let libraryConfigured = penguins_sqlite_configure() == 0 // SQLITE_OK

    /// The names of the migrations applied to the open file, in order.
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try SQLiteStore.migrator.appliedMigrations(db) }
    }
}

extension SQLiteStore: RecordPredictionCaches {
    /// The penguins' prediction cache and the datasets' caches, in this database.
    public var caches: (PenguinPredictionCache, any RecordPredictionCaches) { (predictionCache, self) }

    /// The cache of dataset `name`: its rows of `dataset_prediction_cache`.
    public func cache(ofDataset name: String) -> any RecordPredictionCache {
        SQLiteRecordPredictionCache(pool: pool, now: now, dataset: name)
    }
}
