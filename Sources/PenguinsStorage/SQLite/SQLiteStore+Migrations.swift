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

        return migrator
    }
}
