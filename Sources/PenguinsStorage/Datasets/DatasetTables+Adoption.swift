import PenguinsCore

extension DatasetTables {
    /// The columns of the penguins' first warehouse, `warehouse`, which the platform kept before
    /// every dataset had tables of its own: the features it has a column of, under the same name.
    static let firstWarehouseFeatures: Set<String> = [
        "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "island", "sex", "year",
    ]

    /// The step by which the default dataset's tables take over the penguins' first warehouse:
    /// its rows are copied with their batch (and, in PostgreSQL, Spark) predictions; the
    /// features it had no column for (the isotope ratios) are read from the lake documents,
    /// which kept every source column; its change log is carried over with its positions, so a
    /// prediction cache that followed it stays coherent; then the old tables are dropped.
    ///
    /// The old tables always exist when this step runs: the platform's own migrations, applied
    /// first, made them.
    func adoptFirstWarehouse(_ dialect: SQLDialect) -> DatasetMigration {
        let features = schema.features.map { feature -> String in
            if Self.firstWarehouseFeatures.contains(feature.name) { return "w.\(Self.quoted(feature.name))" }
            guard feature.kind == .numeric else { return "NULL" }
            let key = Self.literal(feature.name)
            return switch dialect {
            case .sqlite:
                // Feature names are identifiers (letters, digits, underscores): a plain JSON path.
                "CASE WHEN json_type(l.document, \(Self.literal("$." + feature.name))) IN ('integer', 'real') "
                    + "THEN json_extract(l.document, \(Self.literal("$." + feature.name))) END"
            case .postgres:
                "CASE WHEN jsonb_typeof(l.document -> \(key)) = 'number' THEN (l.document ->> \(key))::double precision END"
            }
        }
        var targets = recordColumns + ["usable_for_training", "predicted_class", "confidence", "probabilities", "model_version", "predicted_at"]
        var sources = ["w.penguin_id", "w.species"] + features
            + ["w.usable_for_training", "w.predicted_species", "w.confidence", "w.probabilities", "w.model_version", "w.predicted_at"]
        if dialect == .postgres {
            targets += ["spark_predicted_class", "spark_model_version", "spark_predicted_at"]
            sources += ["w.spark_predicted_species", "w.spark_model_version", "w.spark_predicted_at"]
        }
        let copyRows = """
            INSERT INTO \(warehouse) (\(targets.joined(separator: ", ")))
            SELECT \(sources.joined(separator: ", "))
            FROM warehouse AS w LEFT JOIN lake AS l ON l.penguin_id = w.penguin_id
            """
        let newerChanges = "WHERE sequence > (SELECT coalesce(max(sequence), 0) FROM \(changes))"
        switch dialect {
        case .sqlite:
            return DatasetMigration(name: "adopt-first-warehouse", statements: [
                copyRows.replacingOccurrences(of: "INSERT INTO", with: "INSERT OR IGNORE INTO"),
                // An explicit sequence above the table's counter moves the counter on.
                "INSERT INTO \(changes) (sequence, id, changed_at) SELECT sequence, penguin_id, changed_at FROM warehouse_changes \(newerChanges)",
                "DROP TABLE warehouse_changes",
                "DROP TABLE warehouse",
            ])
        case .postgres:
            return DatasetMigration(name: "adopt-first-warehouse", statements: [
                copyRows + "\nON CONFLICT DO NOTHING",
                "INSERT INTO \(warehouseIDs) (id, partition) SELECT \(idColumn), \(partitionColumn) FROM \(warehouse) ON CONFLICT DO NOTHING",
                """
                INSERT INTO \(changes) (sequence, id, changed_at) OVERRIDING SYSTEM VALUE
                SELECT sequence, penguin_id, changed_at FROM warehouse_changes \(newerChanges)
                """,
                """
                SELECT setval(pg_get_serial_sequence(\(Self.literal(changes)), 'sequence'), last.sequence)
                FROM (SELECT max(sequence) AS sequence FROM \(changes)) AS last WHERE last.sequence IS NOT NULL
                """,
                "DROP TABLE warehouse_changes",
                "DROP TABLE warehouse_ids",
                "DROP TABLE warehouse",
            ])
        }
    }

    /// The measurements the penguins' first prediction log, `prediction_log`, kept of each
    /// logged prediction, one column each, named as the schema's features.
    static let firstPredictionLogFeatures = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]

    /// The step by which the default dataset's prediction log takes over the penguins' first
    /// one: each entry is copied in its order, its measurements as the inputs object by feature
    /// name (a missing one left out), its species as the class and its probabilities as they
    /// are (the same object by class name); then the old table is dropped.
    func adoptFirstPredictionLog(_ dialect: SQLDialect) -> DatasetMigration {
        let pairs = Self.firstPredictionLogFeatures.map { "\(Self.literal($0)), \(Self.quoted($0))" }.joined(separator: ", ")
        let inputs = switch dialect {
        // A merge patch into an empty object leaves the null members out.
        case .sqlite: "json_patch('{}', json_object(\(pairs)))"
        case .postgres: "jsonb_strip_nulls(jsonb_build_object(\(pairs)))::text"
        }
        return DatasetMigration(name: "adopt-first-prediction-log", statements: [
            """
            INSERT INTO \(predictionLog) (inputs, predicted_class, probabilities, model_version, predicted_at)
            SELECT \(inputs), species, probabilities, model_version, predicted_at FROM prediction_log ORDER BY id
            """,
            "DROP TABLE prediction_log",
        ])
    }

    /// The step that drops the lake, quarantine and registry tables the default dataset was
    /// once given of its own name (`ds_penguins_lake`, ...) beside the first ones, which it
    /// keeps: nothing wrote to them, since every write of the penguins went to the first tables.
    func dropOwnTablesOfFirstDataset() -> DatasetMigration {
        let own = ownRegistry
        return DatasetMigration(
            name: "drop-own-tables-of-first-dataset",
            statements: [ownLake, ownQuarantine, own.audit, own.promotions, own.versions].map { "DROP TABLE IF EXISTS \($0)" })
    }
}
