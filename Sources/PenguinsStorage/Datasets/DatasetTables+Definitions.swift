import PenguinsCore

/// The SQL dialects whose tables a dataset can have.
enum SQLDialect: Sendable {
    case sqlite, postgres
}

/// A named step of a dataset's table layout; a store records the steps it has applied in
/// `dataset_migrations (dataset, name, applied_at)` and applies each once.
struct DatasetMigration: Sendable {
    var name: String
    var statements: [String]
}

extension DatasetTables {
    /// The steps that bring the dataset's tables up to its schema, given the warehouse columns
    /// that exist (empty before the warehouse is made): the three tables, then one step per
    /// feature the schema gained since the warehouse was made (its column is added, empty, to be
    /// backfilled from the lake, which kept the source column all along).
    func migrations(_ dialect: SQLDialect, existingWarehouseColumns existing: Set<String>) -> [DatasetMigration] {
        // The first tables exist already: the platform's own migrations made them.
        let first = keepsFirstTables
        var steps = [
            DatasetMigration(name: "create-lake", statements: first ? [] : createLake(dialect)),
            DatasetMigration(name: "create-warehouse", statements: createWarehouse(dialect)),
            DatasetMigration(name: "create-quarantine", statements: first ? [] : createQuarantine(dialect)),
            DatasetMigration(name: "create-registry", statements: first ? [] : createRegistry(dialect)),
            DatasetMigration(name: "create-prediction-log", statements: createPredictionLog(dialect)),
            DatasetMigration(name: "add-spark-columns", statements: addSparkColumns(dialect)),
            DatasetMigration(name: "create-change-log", statements: createChangeLog(dialect)),
            DatasetMigration(name: "add-prediction-ids", statements: addPredictionIDs(dialect)),
            DatasetMigration(name: "create-feedback", statements: createFeedback(dialect)),
            DatasetMigration(name: "create-model-audit", statements: first ? [] : registry.createAudit(dialect)),
            DatasetMigration(name: "create-data-version", statements: createDataVersion(dialect)),
        ]
        steps.append(DatasetMigration(name: "create-insertion-log", statements: createInsertionLog(dialect)))
        steps.append(DatasetMigration(name: "create-aggregates", statements: createAggregates(dialect)))
        // Made with the warehouse's feature columns as they are; the steps that add a feature
        // add it to both.
        let present = existing.isEmpty ? schema.features : schema.features.filter { existing.contains($0.name) }
        steps.append(DatasetMigration(name: "create-replaced-log", statements: createReplacedLog(dialect, features: present)))
        if !existing.isEmpty {
            for feature in schema.features where !existing.contains(feature.name) {
                steps.append(DatasetMigration(
                    name: Self.addFeatureMigration(feature.name),
                    statements: [warehouse, replaced].map {
                        "ALTER TABLE \($0) ADD COLUMN \(Self.quoted(feature.name)) \(type(of: feature, dialect))"
                    }
                ))
            }
        }
        steps.append(logChangesTrigger(dialect))
        if schema.name == BundledSchemas.defaultName {
            steps.append(adoptFirstWarehouse(dialect))
            steps.append(adoptFirstPredictionLog(dialect))
            steps.append(dropOwnTablesOfFirstDataset())
        }
        return steps
    }

    /// The change log of the warehouse: the ids of stored rows whose target or features changed.
    /// A trigger writes it for updated rows (``logChangesTrigger(_:)``); in PostgreSQL, where a
    /// row that changes partition is deleted and inserted anew, the upsert logs those itself.
    private func createChangeLog(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["""
            CREATE TABLE \(changes) (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL,
                changed_at REAL NOT NULL
            )
            """]
        case .postgres:
            ["""
            CREATE TABLE \(changes) (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text COLLATE "C" NOT NULL,
                changed_at double precision NOT NULL
            )
            """]
        }
    }

    /// The log of the values updates replaced: a row per stored record whose target or
    /// features an upsert changed, with the data version the upsert made and the record's
    /// values before it (the warehouse's columns of the same names). Written by the change-log
    /// trigger in SQLite and by the upsert in PostgreSQL; what an
    /// analysis takes out to follow an update (``RecordWarehouse/changes(after:featureIndices:limit:)``).
    /// Kept as long as the insertion log.
    private func createReplacedLog(_ dialect: SQLDialect, features: [FeatureColumn]) -> [String] {
        let text = dialect == .sqlite ? "TEXT" : "text COLLATE \"C\""
        let version = dialect == .sqlite ? "INTEGER" : "bigint"
        let columns = ["version \(version) NOT NULL", "\(idColumn) \(text) NOT NULL", "\(targetColumn) \(text) NOT NULL"]
            + features.map { "\(Self.quoted($0.name)) \(type(of: $0, dialect))" }
        return [
            "CREATE TABLE \(replaced) (\(columns.joined(separator: ", ")))",
            "CREATE INDEX \(replaced)_by_version ON \(replaced) (version)",
        ]
    }

    /// The statement that logs the values of the records `source` names in ``replaced``, at the
    /// warehouse's data version: the row a trigger replaces (`old`), or the rows of a table (or
    /// common table expression) of the warehouse's record columns that `from` selects (the
    /// rest of a `FROM` clause).
    func logReplaced(_ source: String, from: String? = nil) -> String {
        let inputs = recordColumns
        return """
            INSERT INTO \(replaced) (version, \(inputs.joined(separator: ", ")))
            SELECT d.version, \(inputs.map { "\(source).\($0)" }.joined(separator: ", ")) FROM \(dataVersion) d\(from.map { ", " + $0 } ?? "")
            """
    }

    /// The trigger that logs every update of a row's target or features, in the writing
    /// transaction, whichever process writes: its id in the change log and, in SQLite, its
    /// values before in ``replaced`` (PostgreSQL's upsert logs those itself, set-based, which
    /// costs a fraction of a row-by-row trigger there). Prediction writes, which set neither,
    /// do not run it. Its step is named
    /// after the columns it compares, so a schema that gains a feature gets the trigger made
    /// again over the new column too.
    private func logChangesTrigger(_ dialect: SQLDialect) -> DatasetMigration {
        let trigger = Self.quoted("\(warehouse)_inputs_changed")
        let inputs = [targetColumn] + featureColumns
        var hash = ContentHash()
        // The trigger's third layout: it fires on updates of the inputs only (`UPDATE OF`), so
        // prediction writes do not run it, and in SQLite logs the values it replaced.
        hash.add("update-of")
        hash.add("replaced")
        for column in inputs { hash.add(column) }
        let name = "log-changes-\(String(hash.value, radix: 16))"
        switch dialect {
        case .sqlite:
            return DatasetMigration(name: name, statements: [
                "DROP TRIGGER IF EXISTS \(trigger)",
                """
                CREATE TRIGGER \(trigger) AFTER UPDATE OF \(inputs.joined(separator: ", ")) ON \(warehouse)
                WHEN \(inputs.map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR "))
                BEGIN
                    INSERT INTO \(changes) (id, changed_at) VALUES (new.\(idColumn), (julianday('now') - 2440587.5) * 86400.0);
                    \(logReplaced("old"));
                END
                """,
            ])
        case .postgres:
            let function = Self.quoted("\(warehouse)_log_change")
            return DatasetMigration(name: name, statements: [
                """
                CREATE OR REPLACE FUNCTION \(function)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO \(changes) (id, changed_at) VALUES (NEW.\(idColumn), extract(epoch FROM clock_timestamp()));
                    RETURN NULL;
                END
                $$
                """,
                "DROP TRIGGER IF EXISTS \(trigger) ON \(warehouse)",
                """
                CREATE TRIGGER \(trigger) AFTER UPDATE OF \(inputs.joined(separator: ", ")) ON \(warehouse) FOR EACH ROW
                WHEN (\(inputs.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")))
                EXECUTE FUNCTION \(function)()
                """,
            ])
        }
    }

    private func type(of feature: FeatureColumn, _ dialect: SQLDialect) -> String {
        switch (feature.kind, dialect) {
        case (.numeric, .sqlite): "REAL"
        case (.numeric, .postgres): "double precision"
        case (.categorical, .sqlite): "TEXT"
        case (.categorical, .postgres): "text COLLATE \"C\""
        }
    }

    private func createLake(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["""
            CREATE TABLE \(lake) (
                id TEXT NOT NULL PRIMARY KEY,
                document TEXT NOT NULL,
                source_id INTEGER,
                source_line INTEGER
            ) WITHOUT ROWID
            """]
        case .postgres:
            ["""
            CREATE TABLE \(lake) (
                id text COLLATE "C" NOT NULL PRIMARY KEY,
                document jsonb NOT NULL,
                source_id integer,
                source_line integer
            )
            """]
        }
    }

    private func createWarehouse(_ dialect: SQLDialect) -> [String] {
        let text = dialect == .sqlite ? "TEXT" : "text COLLATE \"C\""
        let real = dialect == .sqlite ? "REAL" : "double precision"
        let integer = dialect == .sqlite ? "INTEGER" : "integer"
        let boolean = dialect == .sqlite ? "INTEGER" : "boolean"
        var columns = ["\(idColumn) \(text) NOT NULL", "\(targetColumn) \(text) NOT NULL"]
        columns += schema.features.map { "\(Self.quoted($0.name)) \(type(of: $0, dialect))" }
        columns += [
            "usable_for_training \(boolean) NOT NULL", "predicted_class \(text)", "confidence \(real)",
            "probabilities \(text)", "model_version \(integer)", "predicted_at \(real)",
            "PRIMARY KEY (\(partitionColumn), \(idColumn))",
        ]
        let body = columns.map { "    " + $0 }.joined(separator: ",\n")
        switch dialect {
        case .sqlite:
            return [
                "CREATE TABLE \(warehouse) (\n\(body)\n) WITHOUT ROWID",
                "CREATE UNIQUE INDEX \(warehouse)_by_id ON \(warehouse) (\(idColumn))",
            ]
        case .postgres:
            // PostgreSQL allows no unique index without the partition key, so each id's
            // partition is kept in the id table too: ids stay unique across partitions.
            return ["CREATE TABLE \(warehouse) (\n\(body)\n) PARTITION BY LIST (\(partitionColumn))"]
                + partitionLevels.enumerated().map { index, level in
                    "CREATE TABLE \(partition(level: index)) PARTITION OF \(warehouse) FOR VALUES IN (\(Self.literal(level)))"
                }
                + [
                    "CREATE TABLE \(defaultPartition) PARTITION OF \(warehouse) DEFAULT",
                    "CREATE TABLE \(warehouseIDs) (id text COLLATE \"C\" NOT NULL PRIMARY KEY, partition text COLLATE \"C\" NOT NULL)",
                ]
        }
    }

    private func createRegistry(_ dialect: SQLDialect) -> [String] {
        let tables = registry
        switch dialect {
        case .sqlite:
            return ["""
            CREATE TABLE \(tables.versions) (
                version INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at REAL NOT NULL,
                artifact BLOB NOT NULL
            )
            """, """
            CREATE TABLE \(tables.promotions) (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                version INTEGER NOT NULL REFERENCES \(tables.versions) (version),
                promoted_at REAL NOT NULL,
                rolled_back_at REAL
            )
            """]
        case .postgres:
            return ["""
            CREATE TABLE \(tables.versions) (
                version integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                created_at double precision NOT NULL,
                artifact bytea NOT NULL
            )
            """, """
            CREATE TABLE \(tables.promotions) (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                version integer NOT NULL REFERENCES \(tables.versions) (version),
                promoted_at double precision NOT NULL,
                rolled_back_at double precision
            )
            """]
        }
    }

    /// The batch prediction of the Spark model registered beside the Swift one: the class,
    /// that model's version, and when (written by `score --engine` on PostgreSQL).
    private func addSparkColumns(_ dialect: SQLDialect) -> [String] {
        let text = dialect == .sqlite ? "TEXT" : "text COLLATE \"C\""
        let real = dialect == .sqlite ? "REAL" : "double precision"
        let integer = dialect == .sqlite ? "INTEGER" : "integer"
        return [("spark_predicted_class", text), ("spark_model_version", integer), ("spark_predicted_at", real)].map {
            "ALTER TABLE \(warehouse) ADD COLUMN \($0.0) \($0.1)"
        }
    }

    /// The prediction log keeps each entry's features as one JSON object by name, so it needs
    /// no step when the schema gains a feature.
    private func createPredictionLog(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["""
            CREATE TABLE \(predictionLog) (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                inputs TEXT NOT NULL,
                predicted_class TEXT NOT NULL,
                probabilities TEXT NOT NULL,
                model_version INTEGER NOT NULL,
                predicted_at REAL NOT NULL
            )
            """]
        case .postgres:
            ["""
            CREATE TABLE \(predictionLog) (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                inputs text NOT NULL,
                predicted_class text COLLATE "C" NOT NULL,
                probabilities text NOT NULL,
                model_version integer NOT NULL,
                predicted_at double precision NOT NULL
            )
            """]
        }
    }

    /// The id each real-time prediction is answered with, unique, so that its ground truth can
    /// find it; entries logged before have none.
    private func addPredictionIDs(_ dialect: SQLDialect) -> [String] {
        let text = dialect == .sqlite ? "TEXT" : "text COLLATE \"C\""
        return [
            "ALTER TABLE \(predictionLog) ADD COLUMN prediction_id \(text)",
            "CREATE UNIQUE INDEX \(predictionLog)_by_prediction_id ON \(predictionLog) (prediction_id)",
        ]
    }

    /// The warehouse's data version, one row, counted from 1 (the rows a store already held).
    private func createDataVersion(_ dialect: SQLDialect) -> [String] {
        [
            "CREATE TABLE \(dataVersion) (id \(dialect == .sqlite ? "INTEGER" : "integer") PRIMARY KEY CHECK (id = 1), version \(dialect == .sqlite ? "INTEGER" : "bigint") NOT NULL)",
            "INSERT INTO \(dataVersion) (id, version) VALUES (1, 1)",
        ]
    }

    /// The statement that counts one more version of the warehouse's data.
    var nextDataVersion: String { "UPDATE \(dataVersion) SET version = version + 1" }

    /// The insertion log: the ids each upsert that changed records inserted, at the data version
    /// it made (what it updated is in ``replaced``), or NULL when that is not known (the oldest
    /// row kept stands for every upsert before it). What an analysis kept at a version needs to
    /// catch up (``RecordWarehouse/changes(after:featureIndices:limit:)``).
    /// SQLite: one row per upsert, the ids as a JSON array. PostgreSQL: one row per statement
    /// of an upsert, the ids as an array.
    private func createInsertionLog(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["CREATE TABLE \(insertions) (version INTEGER PRIMARY KEY, ids TEXT)"]
        case .postgres:
            [
                "CREATE TABLE \(insertions) (version bigint NOT NULL, ids text[])",
                "CREATE INDEX \(insertions)_by_version ON \(insertions) (version)",
            ]
        }
    }

    /// Aggregates of the records (statistics kept as counts, a regression's sums), one row per
    /// name, with the schema fingerprint and the data version they are of: what a server
    /// starting again brings up to date with the insertion log instead of reading every record.
    private func createAggregates(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["CREATE TABLE \(aggregates) (name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, version INTEGER NOT NULL, body BLOB NOT NULL)"]
        case .postgres:
            ["CREATE TABLE \(aggregates) (name text COLLATE \"C\" PRIMARY KEY, fingerprint text NOT NULL, version bigint NOT NULL, body bytea NOT NULL)"]
        }
    }

    /// Saves an aggregate (name, fingerprint, version, body bound in that order) unless the one
    /// saved under its name (for the same fingerprint) is of a later version.
    func saveAggregate(_ dialect: SQLDialect) -> String {
        let values = dialect == .sqlite ? "?, ?, ?, ?" : "$1, $2, $3, $4"
        return """
        INSERT INTO \(aggregates) (name, fingerprint, version, body) VALUES (\(values))
        ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, version = excluded.version, body = excluded.body
        WHERE excluded.version >= \(aggregates).version OR excluded.fingerprint <> \(aggregates).fingerprint
        """
    }

    /// Ground truth: one row per prediction (`subject` `prediction`, by its id) or stored row
    /// (`subject` `row`, by the row's id), with the prediction it judges and its inputs (features
    /// by name, as the log keeps them) copied in when the truth came, so that production
    /// metrics and the comparison of two versions read this table alone.
    private func createFeedback(_ dialect: SQLDialect) -> [String] {
        let text = dialect == .sqlite ? "TEXT" : "text COLLATE \"C\""
        let real = dialect == .sqlite ? "REAL" : "double precision"
        let integer = dialect == .sqlite ? "INTEGER" : "integer"
        let columns = """
                subject \(text) NOT NULL,
                reference \(text) NOT NULL,
                predicted_class \(text) NOT NULL,
                actual_class \(text) NOT NULL,
                inputs \(dialect == .sqlite ? "TEXT" : "text") NOT NULL,
                model_version \(integer) NOT NULL,
                predicted_at \(real) NOT NULL,
                recorded_at \(real) NOT NULL,
                PRIMARY KEY (subject, reference)
            """
        return [
            "CREATE TABLE \(feedback) (\n\(columns)\n)" + (dialect == .sqlite ? " WITHOUT ROWID" : ""),
            "CREATE INDEX \(feedback)_by_time ON \(feedback) (predicted_at)",
        ]
    }

    private func createQuarantine(_ dialect: SQLDialect) -> [String] {
        switch dialect {
        case .sqlite:
            ["""
            CREATE TABLE \(quarantine) (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                file TEXT NOT NULL,
                line INTEGER NOT NULL,
                raw_text TEXT NOT NULL,
                reason TEXT NOT NULL,
                quarantined_at REAL NOT NULL,
                UNIQUE (file, line)
            )
            """, "CREATE INDEX \(quarantine)_newest ON \(quarantine) (quarantined_at, id)"]
        case .postgres:
            ["""
            CREATE TABLE \(quarantine) (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                file text NOT NULL,
                line integer NOT NULL,
                raw_text text NOT NULL,
                reason text NOT NULL,
                quarantined_at double precision NOT NULL,
                UNIQUE (file, line)
            )
            """, "CREATE INDEX \(quarantine)_newest ON \(quarantine) (quarantined_at, id)"]
        }
    }
}
