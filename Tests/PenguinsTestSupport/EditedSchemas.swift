import PenguinsCore

extension BundledSchemas {
    /// The penguins' bundled schema as a user edits it to train on the raw file's clutch
    /// completion: `clutch_completion` moved from the kept columns to the features (categorical,
    /// `Yes` or `No`, not required, since the tidy layout lacks it).
    public static var penguinsWithClutchCompletion: DatasetSchema {
        var schema = penguins
        schema.features.append(.categorical("clutch_completion", levels: ["Yes", "No"], required: false))
        schema.kept.texts.removeAll { $0 == "clutch_completion" }
        return schema
    }
}
