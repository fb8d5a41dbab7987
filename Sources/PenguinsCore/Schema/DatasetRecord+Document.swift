/// How a dataset's rows are named and written outside the parser: the id column of its tables
/// and the lake document of a record.
extension DatasetSchema {
    /// The column that holds a row's id in the dataset's tables and documents: the schema's id
    /// column, else `id`.
    public var idColumnName: String { id.column ?? "id" }

    /// The columns every warehouse table of a dataset has beside its own: whether the row can
    /// train a model and the latest batch prediction. No feature, target or id may take these
    /// names.
    public static let warehouseColumnNames: [String] = [
        "usable_for_training", "predicted_class", "confidence", "probabilities", "model_version", "predicted_at",
        "spark_predicted_class", "spark_model_version", "spark_predicted_at",
    ]

    /// The index of the partition column among the features, or nil when the target is the partition.
    public var partitionFeatureIndex: Int? {
        partition == target.name ? nil : features.firstIndex { $0.name == partition }
    }

    /// The text of a record's value of feature `index`: the number, or the level's name for a
    /// categorical feature; nil when missing.
    public func valueText(of record: DatasetRecord, feature index: Int) -> JSONValue {
        guard let value = record.features[index] else { return .null }
        let feature = features[index]
        switch feature.kind {
        case .numeric: return .number(value)
        case .categorical:
            let level = Int(value)
            return feature.levels.indices.contains(level) ? .string(feature.levels[level]) : .null
        }
    }

    /// The partition a record belongs to: its class when the target partitions the dataset,
    /// else its level of the partition feature.
    public func partitionValue(of record: DatasetRecord) -> String {
        guard let index = partitionFeatureIndex else { return target.classes[record.targetClass] }
        return valueText(of: record, feature: index).stringValue ?? ""
    }

    /// The indices of the features the schema's models use by default.
    public var modelFeatureIndices: [Int] {
        let names = Set(modelFeatures.map(\.name))
        return features.indices.filter { names.contains(features[$0].name) }
    }

    /// Whether each record has every feature the schema's models use by default.
    public func usableForTraining(_ records: some Collection<DatasetRecord>) -> [Bool] {
        let required = modelFeatureIndices
        return records.map { record in required.allSatisfy { record.features[$0] != nil } }
    }

    /// The lake document of `record`: one member per column, the id under ``idColumnName``,
    /// the class under the target's name, each feature under its name (a number, a level, or
    /// null when missing), then every other field of the source row; `_provenance` when the
    /// record's file and line are known.
    public func document(of record: DatasetRecord, from provenance: Provenance? = nil) -> JSONValue {
        var members = record.otherFields
        members.reserveCapacity(record.otherFields.count + features.count + 3)
        for index in features.indices {
            members[features[index].name] = valueText(of: record, feature: index)
        }
        members[target.name] = .string(target.classes[record.targetClass])
        members[idColumnName] = .string(record.id)
        if let provenance, let line = record.sourceLine {
            members[Provenance.documentKey] = provenance.document(line: line)
        }
        return .object(members)
    }
}
