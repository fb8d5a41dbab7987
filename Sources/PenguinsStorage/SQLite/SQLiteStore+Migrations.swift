import GRDB

extension SQLiteStore {
    /// The schema, one named migration per role, applied in order. Never edit a released
    /// migration: append a new one (`v2-warehouse`, ...) instead.
    ///
    /// Times are stored as REAL seconds since 1970; species, islands and sex as their raw names;
    /// probabilities as the JSON object `{"Adelie":p,"Chinstrap":p,"Gentoo":p}`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-lake") { db in
            try db.execute(sql: """
                CREATE TABLE lake (
                    penguin_id TEXT NOT NULL PRIMARY KEY,
                    document TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }

        migrator.registerMigration("v1-warehouse") { db in
            try db.execute(sql: """
                CREATE TABLE warehouse (
                    island TEXT NOT NULL,
                    species TEXT NOT NULL,
                    penguin_id TEXT NOT NULL,
                    bill_length_mm REAL,
                    bill_depth_mm REAL,
                    flipper_length_mm REAL,
                    body_mass_g REAL,
                    sex TEXT,
                    year INTEGER NOT NULL,
                    usable_for_training INTEGER NOT NULL,
                    predicted_species TEXT,
                    confidence REAL,
                    probabilities TEXT,
                    model_version INTEGER,
                    predicted_at REAL,
                    PRIMARY KEY (island, species, penguin_id)
                ) WITHOUT ROWID;
                CREATE UNIQUE INDEX warehouse_penguin_id ON warehouse (penguin_id);
                """)
        }

        migrator.registerMigration("v1-registry") { db in
            try db.execute(sql: """
                CREATE TABLE model_versions (
                    version INTEGER PRIMARY KEY AUTOINCREMENT,
                    created_at REAL NOT NULL,
                    artifact BLOB NOT NULL
                );
                CREATE TABLE model_promotions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    version INTEGER NOT NULL REFERENCES model_versions (version),
                    promoted_at REAL NOT NULL,
                    rolled_back_at REAL
                );
                """)
        }

        migrator.registerMigration("v1-prediction-log") { db in
            try db.execute(sql: """
                CREATE TABLE prediction_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    bill_length_mm REAL,
                    bill_depth_mm REAL,
                    flipper_length_mm REAL,
                    body_mass_g REAL,
                    species TEXT NOT NULL,
                    probabilities TEXT NOT NULL,
                    model_version INTEGER NOT NULL,
                    predicted_at REAL NOT NULL
                );
                """)
        }

        migrator.registerMigration("v1-quarantine") { db in
            try db.execute(sql: """
                CREATE TABLE quarantine (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    file TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    raw_text TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    quarantined_at REAL NOT NULL,
                    UNIQUE (file, line)
                );
                CREATE INDEX quarantine_newest ON quarantine (quarantined_at, id);
                """)
        }

        migrator.registerMigration("v1-prediction-cache") { db in
            try db.execute(sql: """
                CREATE TABLE prediction_cache (
                    penguin_id TEXT NOT NULL,
                    model_version INTEGER NOT NULL,
                    prediction TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    PRIMARY KEY (penguin_id, model_version)
                ) WITHOUT ROWID;
                CREATE INDEX prediction_cache_expiry ON prediction_cache (expires_at);
                """)
        }

        // The change log of the warehouse: a trigger appends the id of every stored row whose
        // island, species or measurements change (the inputs that clear its prediction), in the
        // writing transaction, whichever process writes. Caches follow it (CacheCoherence).
        migrator.registerMigration("v2-warehouse-changes") { db in
            try db.execute(sql: """
                CREATE TABLE warehouse_changes (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    penguin_id TEXT NOT NULL,
                    changed_at REAL NOT NULL
                );
                CREATE TRIGGER warehouse_prediction_inputs_changed
                AFTER UPDATE OF island, species, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g ON warehouse
                WHEN old.island IS NOT new.island OR old.species IS NOT new.species
                    OR old.bill_length_mm IS NOT new.bill_length_mm OR old.bill_depth_mm IS NOT new.bill_depth_mm
                    OR old.flipper_length_mm IS NOT new.flipper_length_mm OR old.body_mass_g IS NOT new.body_mass_g
                BEGIN
                    INSERT INTO warehouse_changes (penguin_id, changed_at)
                    VALUES (new.penguin_id, (julianday('now') - 2440587.5) * 86400.0);
                END;
                """)
        }

        // Named values of the prediction cache: `coherent_through`, the warehouse change up to
        // which changed penguins have been removed from it.
        migrator.registerMigration("v2-prediction-cache-state") { db in
            try db.execute(sql: """
                CREATE TABLE prediction_cache_state (
                    name TEXT NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                ) WITHOUT ROWID;
                """)
        }

        // The dataset catalog: every version of each registered dataset schema.
        migrator.registerMigration("v3-dataset-schemas") { db in
            try db.execute(sql: """
                CREATE TABLE dataset_schemas (
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    fingerprint TEXT NOT NULL,
                    document TEXT NOT NULL,
                    registered_at REAL NOT NULL,
                    PRIMARY KEY (name, version)
                ) WITHOUT ROWID;
                """)
        }

        // Where each lake document was read from: the file and encoding once in `lake_sources`,
        // the source and line per document (the document's `_provenance` when read).
        migrator.registerMigration("v4-lake-sources") { db in
            try db.execute(sql: """
                CREATE TABLE lake_sources (
                    source_id INTEGER PRIMARY KEY,
                    file TEXT NOT NULL,
                    encoding TEXT NOT NULL,
                    UNIQUE (file, encoding)
                );
                ALTER TABLE lake ADD COLUMN source_id INTEGER;
                ALTER TABLE lake ADD COLUMN source_line INTEGER;
                """)
        }

        // The steps applied to each dataset's own tables (see DatasetTables): which tables were
        // made and which features were added to its warehouse since.
        migrator.registerMigration("v5-dataset-migrations") { db in
            try db.execute(sql: """
                CREATE TABLE dataset_migrations (
                    dataset TEXT NOT NULL,
                    name TEXT NOT NULL,
                    applied_at REAL NOT NULL,
                    PRIMARY KEY (dataset, name)
                );
                """)
        }

        // The prediction caches of datasets other than the penguins: one table, keyed by dataset
        // first; each dataset's coherence position is `coherent_through:<dataset>` in
        // prediction_cache_state.
        migrator.registerMigration("v6-dataset-prediction-cache") { db in
            try db.execute(sql: """
                CREATE TABLE dataset_prediction_cache (
                    dataset TEXT NOT NULL,
                    id TEXT NOT NULL,
                    model_version INTEGER NOT NULL,
                    prediction TEXT NOT NULL,
                    expires_at REAL NOT NULL,
                    PRIMARY KEY (dataset, id, model_version)
                ) WITHOUT ROWID;
                CREATE INDEX dataset_prediction_cache_expiry ON dataset_prediction_cache (dataset, expires_at);
                """)
        }

        // The API keys: each one's name, role and the SHA-256 digest of its token.
        migrator.registerMigration("v7-access-keys") { db in
            try db.execute(sql: """
                CREATE TABLE access_keys (
                    name TEXT NOT NULL PRIMARY KEY,
                    role TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                """)
        }

        // The audit trail of the penguins' registry: every promotion and rollback.
        migrator.registerMigration("v8-model-audit") { db in
            for statement in ModelRegistryTables.penguins.createAudit(.sqlite) { try db.execute(sql: statement) }
        }

        return migrator
    }
}
