import Foundation
@testable import PenguinsCore
import Testing

@Suite struct BundledSchemaTests {
    @Test func penguinsSchemaDeclaresWhatTheCodeReads() throws {
        let schema = BundledSchemas.penguins
        #expect(schema.name == "penguins")
        #expect(schema.target.name == "species")
        #expect(schema.target.classes == Species.allCases.map(\.rawValue))
        #expect(schema.partition == "island")
        #expect(schema.modelFeatures.map(\.name) == Feature.allCases.map(\.rawValue), "the default model uses the four measurements")
        #expect(schema.features.map(\.name) == [
            "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "delta_15_n", "delta_13_c", "island", "sex", "year",
        ])
        for feature in Feature.allCases {
            #expect(schema.feature(named: feature.rawValue)?.range == feature.plausibleRange, "\(feature)")
        }
        #expect(schema.feature(named: "island")?.levels == Island.known.map(\.rawValue))
        #expect(schema.feature(named: "sex")?.levels == Sex.allCases.map(\.rawValue))
        #expect(schema.feature(named: "year")?.range == 1900...2100)
        #expect(schema.id.column == "penguin_id")
        #expect(schema.id.templateColumns == ["study_name", "species", "sample_number"])
    }

    @Test func penguinsSchemaNamesEveryColumnOfBothLayouts() throws {
        let schema = BundledSchemas.penguins
        var known: Set<String> = [schema.target.name]
        for feature in schema.features {
            known.insert(feature.name)
            known.formUnion(feature.headers.map(normalizedColumnName))
            if let source = feature.yearFrom { known.insert(source) }
        }
        known.formUnion(schema.kept.numbers + schema.kept.texts)
        // The header of each bundled file: every column a feature, the target, or a kept one.
        for url in [BundledDataset.rawCSV, BundledDataset.tidyCSV] {
            let header = try #require(try TestFiles.records(of: url).first)
            for column in header.fields {
                #expect(known.contains(normalizedColumnName(column)), "\(url.lastPathComponent): \(column)")
            }
        }
        // The raw file's isotope columns are features now, read from their LTER headers.
        #expect(schema.feature(named: "delta_15_n")?.headers == ["Delta 15 N (o/oo)"])
        #expect(schema.feature(named: "delta_15_n")?.required == false, "the tidy layout has no isotopes")
    }

    @Test func targetAliasesMapEveryRawSpeciesToTheFirstWordOfItsName() throws {
        let aliases = BundledSchemas.penguins.target.aliases
        var seen = 0
        for outcome in try TestFiles.records(of: BundledDataset.rawCSV).dropFirst() {
            let text = outcome.fields[2]
            #expect(aliases[text] == text.split(separator: " ").first.map(String.init), "\(text)")
            seen += 1
        }
        #expect(seen == 344)
    }

    @Test func irisSchemaDescribesTheIrisFile() throws {
        let schema = BundledSchemas.iris
        #expect(schema.target.classes == ["setosa", "versicolor", "virginica"])
        #expect(schema.features.allSatisfy { $0.kind == .numeric })
        #expect(schema.partition == "species")
        let header = try #require(try TestFiles.records(of: BundledDataset.irisCSV).first)
        #expect(header.fields == schema.features.map(\.name) + ["species"])
        #expect(BundledSchemas.dataFile(of: "iris") == BundledDataset.irisCSV)
        #expect(BundledSchemas.dataFile(of: "wine") == nil)
    }

    @Test(arguments: BundledSchemas.all)
    func yamlRoundTripsAndTheFingerprintIsStable(schema: DatasetSchema) throws {
        let text = schema.yaml()
        let read = try DatasetSchema(yaml: text)
        #expect(read == schema)
        #expect(read.fingerprint == schema.fingerprint)
        #expect(schema.fingerprint.count == 16)
        var described = schema
        described.description = "another description"
        #expect(described.fingerprint == schema.fingerprint, "the description does not change how rows read")
        var changed = schema
        changed.missingValues.append("n/a")
        #expect(changed.fingerprint != schema.fingerprint)
        var analysed = schema
        analysed.analyses = AnalysisDefaults(scatter: ScatterDefault(x: "a", y: "b", colour: "c"))
        #expect(analysed.fingerprint == schema.fingerprint, "the analyses do not change how rows read")
    }

    /// The pages and commands open with the schema's analyses, else ones chosen from the columns.
    @Test func defaultAnalysesComeFromTheSchemaElseTheColumns() throws {
        let penguins = BundledSchemas.penguins
        #expect(penguins.defaultRegression == RegressionDefault(target: "body_mass_g", predictors: ["flipper_length_mm", "sex"]))
        #expect(penguins.defaultScatter == ScatterDefault(x: "bill_length_mm", y: "flipper_length_mm", colour: "island"))
        let iris = BundledSchemas.iris
        #expect(iris.analyses == nil)
        #expect(iris.defaultRegression == RegressionDefault(target: "petal_width_cm", predictors: ["sepal_length_cm"]))
        #expect(iris.defaultScatter == ScatterDefault(x: "sepal_length_cm", y: "sepal_width_cm", colour: "species"))
        let yaml = """
            name: plots
            target: {name: kind, classes: [a, b]}
            features:
              - {name: width, kind: numeric}
              - {name: site, kind: categorical, levels: [n, s]}
            analyses:
              regression: {target: width, predictors: [site, kind]}
            """
        let read = try DatasetSchema(yaml: yaml)
        #expect(read.defaultRegression == RegressionDefault(target: "width", predictors: ["site", "kind"]))
        #expect(read.defaultScatter == nil, "one numeric feature makes no scatter plot")
        #expect(try DatasetSchema(yaml: read.yaml()) == read)
    }
}

@Suite struct SchemaValidationTests {
    private var base: DatasetSchema { BundledSchemas.iris }

    private func expectInvalid(_ schema: DatasetSchema, field: String, mentioning words: String..., sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try schema.validate()
            Issue.record("expected \(field) to be refused", sourceLocation: sourceLocation)
        } catch {
            guard case .invalid(_, let named, let problem) = error else {
                Issue.record("expected an invalid field, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(named == field, sourceLocation: sourceLocation)
            for word in words { #expect(problem.contains(word), "\(problem)", sourceLocation: sourceLocation) }
        }
    }

    @Test func eachBrokenRuleNamesItsField() {
        var schema = base
        schema.name = "Wine Quality"
        expectInvalid(schema, field: "name", mentioning: "lowercase")

        schema = base
        schema.target.classes = ["setosa"]
        expectInvalid(schema, field: "target.classes", mentioning: "two")

        schema = base
        schema.target.aliases["Iris-rosa"] = "rosa"
        expectInvalid(schema, field: "target.aliases", mentioning: "Iris-rosa", "rosa")

        schema = base
        schema.partition = "sepal_length_cm"
        expectInvalid(schema, field: "partition", mentioning: "categorical")

        schema = base
        schema.partition = "colour"
        expectInvalid(schema, field: "partition", mentioning: "colour")

        schema = base
        schema.defaultFeatures = ["petal_length_cm", "stem_length_cm"]
        expectInvalid(schema, field: "default_features", mentioning: "stem_length_cm")

        schema = base
        schema.features.append(.numeric("petal_width_cm"))
        expectInvalid(schema, field: "features", mentioning: "petal_width_cm")

        schema = base
        schema.features.append(.categorical("colour", levels: []))
        expectInvalid(schema, field: "features.colour.levels", mentioning: "levels")

        schema = base
        schema.features.append(.categorical("colour", levels: ["blue", "Blue"]))
        expectInvalid(schema, field: "features.colour.levels", mentioning: "Blue")

        schema = base
        schema.features.append(.categorical("colour", levels: ["blue"], aliases: ["bleu": "azure"]))
        expectInvalid(schema, field: "features.colour.aliases", mentioning: "azure")

        schema = base
        schema.features.append(.numeric("Stem Length"))
        expectInvalid(schema, field: "features.Stem Length", mentioning: "stem_length")

        schema = base
        schema.features.append(.categorical("colour", levels: ["blue"]))
        schema.partition = "colour"
        expectInvalid(schema, field: "features.colour.value_required", mentioning: "partition")

        schema = base
        schema.analyses = AnalysisDefaults(regression: RegressionDefault(target: "species", predictors: ["petal_length_cm"]))
        expectInvalid(schema, field: "analyses.regression.target", mentioning: "species", "numeric")

        schema = base
        schema.analyses = AnalysisDefaults(regression: RegressionDefault(target: "petal_width_cm", predictors: ["petal_width_cm"]))
        expectInvalid(schema, field: "analyses.regression.predictors", mentioning: "petal_width_cm")

        schema = base
        schema.analyses = AnalysisDefaults(regression: RegressionDefault(target: "petal_width_cm", predictors: []))
        expectInvalid(schema, field: "analyses.regression.predictors", mentioning: "at least one")

        schema = base
        schema.analyses = AnalysisDefaults(scatter: ScatterDefault(x: "petal_width_cm", y: "stem_cm", colour: "species"))
        expectInvalid(schema, field: "analyses.scatter.y", mentioning: "stem_cm")

        schema = base
        schema.analyses = AnalysisDefaults(scatter: ScatterDefault(x: "petal_width_cm", y: "petal_length_cm", colour: "sepal_length_cm"))
        expectInvalid(schema, field: "analyses.scatter.colour", mentioning: "sepal_length_cm")
    }

    @Test func unreadableYAMLNamesTheField() {
        let noTarget = "name: wine\nfeatures:\n  - {name: acidity, kind: numeric}\n"
        #expect(throws: SchemaError.unreadable(source: "wine.yaml", reason: "target is missing")) {
            try DatasetSchema(yaml: noTarget, source: "wine.yaml")
        }
        let badRange = "name: wine\ntarget: {name: quality, classes: [good, bad]}\nfeatures:\n  - {name: acidity, kind: numeric, range: [9, 1]}\n"
        let error = #expect(throws: SchemaError.self) { try DatasetSchema(yaml: badRange, source: "wine.yaml") }
        #expect(error?.description.contains("features[0].range") == true, "\(String(describing: error))")
        let minimal = "name: wine\ntarget: {name: quality, classes: [good, bad]}\nfeatures:\n  - {name: acidity, kind: numeric}\n"
        let schema = try? DatasetSchema(yaml: minimal)
        #expect(schema?.partition == "quality", "the partition defaults to the target")
        #expect(schema?.missingValues == DatasetSchema.standardMissingValues)
        #expect(schema?.feature(named: "acidity")?.required == true)
    }
}

@Suite struct SchemaInferenceTests {
    @Test func irisInfersFourNumericFeaturesAndThreeClasses() throws {
        let schema = try DatasetSchema.infer(name: "flowers", file: BundledDataset.irisCSV, options: SchemaInferenceOptions(target: "species"))
        #expect(schema.name == "flowers")
        #expect(schema.target.classes == ["setosa", "versicolor", "virginica"])
        #expect(schema.features.map(\.name) == ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"])
        #expect(schema.features.allSatisfy { $0.kind == .numeric })
        // petal_width_cm: observed 0.1...2.5, span 2.4, margin 1.2, step 1: [0 (not below zero), 4].
        #expect(schema.feature(named: "petal_width_cm")?.range == 0...4)
        // sepal_length_cm: observed 4.3...7.9, span 3.6, margin 1.8, step 1: [2, 10].
        #expect(schema.feature(named: "sepal_length_cm")?.range == 2...10)
        #expect(schema.partition == "species")
        #expect(schema.id.column == nil)
        #expect(try DatasetSchema(yaml: schema.yaml()) == schema)
    }

    @Test func rawPenguinsInferCategoricalsNumbersAndKeptText() throws {
        let options = SchemaInferenceOptions(target: "Species", partition: "Island")
        let schema = try DatasetSchema.infer(name: "lter", file: BundledDataset.rawCSV, options: options)
        #expect(schema.target.name == "species")
        #expect(schema.target.classes.count == 3)
        #expect(schema.partition == "island")
        let island = try #require(schema.feature(named: "island"))
        #expect(island.kind == .categorical)
        #expect(island.levels == ["Biscoe", "Dream", "Torgersen"])
        #expect(island.valueRequired)
        #expect(schema.feature(named: "sex")?.levels == ["FEMALE", "MALE"], "NA is a missing value, not a level")
        #expect(schema.feature(named: "delta_15_n")?.kind == .numeric)
        #expect(schema.feature(named: "body_mass_g")?.range == 0...9000)  // 2700...6300, margin 1800, step 1000
        #expect(schema.kept.texts.contains("individual_id"), "over 50 distinct ids are too many levels")
    }

    @Test func theEuropeanSpreadsheetInfersWithItsDialect() throws {
        let url = try TestFiles.fixture("penguins-raw-excel-fr", "csv")
        let schema = try DatasetSchema.infer(name: "releves", file: url, options: SchemaInferenceOptions(target: "Species"))
        let plain = try DatasetSchema.infer(name: "releves", file: BundledDataset.rawCSV, options: SchemaInferenceOptions(target: "Species"))
        #expect(schema.feature(named: "bill_length_mm") == plain.feature(named: "bill_length_mm"), "39,1 reads as 39.1")
        #expect(schema.feature(named: "delta_13_c")?.kind == .numeric)
    }

    @Test func namedColumnsMustExistAndTheTargetMustBeClasses() throws {
        let iris = BundledDataset.irisCSV
        #expect(throws: SchemaError.self) { try DatasetSchema.infer(name: "x", file: iris, options: SchemaInferenceOptions(target: "colour")) }
        do {
            _ = try DatasetSchema.infer(name: "x", file: iris, options: SchemaInferenceOptions(target: "species", id: "flower_id"))
            Issue.record("an id column that is not in the file is refused")
        } catch let error as SchemaError {
            #expect(error.description.contains("flower_id"))
            #expect(error.description.contains("sepal_length_cm"), "the message lists the file's columns")
        }
        let options = SchemaInferenceOptions(target: "species", partition: "sepal_length_cm", maximumLevels: 5)
        #expect(throws: SchemaError.invalid(
            schema: "flowers", field: "partition", problem: "\"sepal_length_cm\" has more than 5 distinct values; partition by a column with few")) {
            try DatasetSchema.infer(name: "flowers", file: iris, options: options)
        }
        let constant = try TestFiles.write("kind,size\na,1\na,2\n")
        #expect(throws: SchemaError.unsuitableTarget(path: constant.path, column: "kind", problem: "has 1 distinct value; a classifier needs at least two")) {
            try DatasetSchema.infer(name: "x", file: constant, options: SchemaInferenceOptions(target: "kind"))
        }
        let continuous = try TestFiles.write("value,size\n" + (0..<150).map { "\(Double($0) * 0.37),\($0)" }.joined(separator: "\n") + "\n")
        #expect(throws: SchemaError.self) { try DatasetSchema.infer(name: "x", file: continuous, options: SchemaInferenceOptions(target: "value")) }
    }
}
