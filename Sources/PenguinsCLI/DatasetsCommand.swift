import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline

struct DatasetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "Register, list and show dataset schemas.",
        subcommands: [Add.self, List.self, Show.self, History.self, Check.self],
        defaultSubcommand: List.self
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a dataset: infer its schema from a CSV file, or read it from a YAML file.",
            discussion: """
                With --file, every row of the file is read: columns of numbers become numeric features (their \
                plausible range the observed one widened by half its span each side), text columns with at most \
                --max-levels values categorical features, other columns are kept in the lake as text. Edit the \
                YAML that --schema-out writes and register it with --schema. Registering an unchanged schema adds \
                no version.
                """
        )

        @Argument(help: "The dataset's name: lowercase letters, digits and underscores.") var name: String
        @Option(help: "CSV file to infer the schema from.") var file: String?
        @Option(help: "With --file: the class column to predict.") var target: String?
        @Option(help: "With --file: the id column (default: rows get content-hash ids).") var id: String?
        @Option(help: "With --file: the categorical column the warehouse is partitioned by (default: the target).") var partition: String?
        @Option(name: .customLong("max-levels"), help: "With --file: the most levels a categorical feature may have.") var maximumLevels = 50
        @Option(name: .customLong("schema-out"), help: "With --file: also write the inferred schema's YAML to this file.") var schemaOut: String?
        @Option(help: "A schema written as YAML (instead of --file); its name is replaced by NAME.") var schema: String?
        @OptionGroup var csv: CSVOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            switch (file, schema) {
            case (nil, nil): throw ValidationError("give --file CSV --target COLUMN to infer the schema, or --schema FILE")
            case (.some, .some): throw ValidationError("give either --file or --schema, not both")
            case (.some, nil):
                guard target != nil else { throw ValidationError("--file needs --target COLUMN, the class column to predict") }
            case (nil, .some):
                if target != nil || id != nil || partition != nil || schemaOut != nil {
                    throw ValidationError("--target, --id, --partition and --schema-out go with --file, not --schema")
                }
            }
            guard maximumLevels >= 2 else { throw ValidationError("--max-levels must be at least 2") }
        }

        func run() async throws {
            try await reportingErrors {
                var schema: DatasetSchema
                if let file, let target {
                    let options = SchemaInferenceOptions(
                        target: target, id: id, partition: partition, overrides: csv.overrides, maximumLevels: maximumLevels)
                    schema = try DatasetSchema.infer(name: name, file: URL(fileURLWithPath: file), options: options)
                    if let schemaOut {
                        do {
                            try schema.yaml().write(toFile: schemaOut, atomically: true, encoding: .utf8)
                        } catch {
                            throw ValidationError("cannot write \(schemaOut): \(error.localizedDescription)")
                        }
                    }
                } else {
                    let path = self.schema!
                    let text: String
                    do {
                        text = try String(contentsOfFile: path, encoding: .utf8)
                    } catch {
                        throw ValidationError("cannot read the schema \(path): \(error.localizedDescription)")
                    }
                    schema = try DatasetSchema(yaml: text, source: path)
                }
                schema.name = name
                let platform = try await global.platform()
                let datasets = Datasets(catalog: platform.datasets)
                // The newest registered version, else the bundled schema the stored rows were read with.
                let previous: DatasetSchema?
                do { previous = try await datasets.dataset(named: name).schema } catch PipelineError.unknownDataset { previous = nil }
                var registered = try await datasets.register(schema)
                if let previous, previous != registered.schema {
                    registered.evolution = try await SchemaEvolution(platform: platform).evolve(from: previous, to: registered.schema)
                }
                try DatasetsCommand.print(registered, format: global.format)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the datasets: the bundled ones and those registered.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let datasets = try await Datasets(catalog: global.platform().datasets).list()
                switch global.format {
                case .json: try printJSON(datasets, convertingKeys: false)
                case .table:
                    var table = TextTable("name", "version", "target", "classes", "features", "partition", "fingerprint", "registered")
                    for dataset in datasets {
                        let schema = dataset.schema
                        table.add(
                            dataset.name, dataset.version == 0 ? "bundled" : "\(dataset.version)", schema.target.name,
                            "\(schema.target.classes.count)", "\(schema.features.count)", schema.partition, dataset.fingerprint,
                            dataset.registeredAt?.formatted(.iso8601) ?? "-")
                    }
                    Swift.print(table.rendered)
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a dataset's schema: YAML, or JSON with --format json.")
        @Argument(help: "The dataset's name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let platform = try await global.platform()
                var dataset = try await Datasets(catalog: platform.datasets).dataset(named: name)
                dataset.stored = try await platform.describeStoredData(of: dataset)
                try DatasetsCommand.print(dataset, format: global.format)
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every registered version of a dataset's schema, newest first.")
        @Argument(help: "The dataset's name.") var name: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let datasets = Datasets(catalog: try await global.platform().datasets)
                let versions = try await datasets.versions(of: name)
                if versions.isEmpty { _ = try await datasets.dataset(named: name) }  // an unknown name is an error
                switch global.format {
                case .json: try printJSON(versions, convertingKeys: false)
                case .table:
                    guard !versions.isEmpty else {
                        Swift.print("\(name) is bundled and not registered; `penguins datasets add \(name) --schema FILE` registers an edited schema")
                        return
                    }
                    var table = TextTable("version", "fingerprint", "registered", "features", "default features", "classes")
                    for version in versions {
                        let schema = version.schema
                        table.add(
                            "\(version.version)", version.fingerprint, version.registeredAt?.formatted(.iso8601) ?? "-",
                            "\(schema.features.count)", "\(schema.modelFeatures.count)", "\(schema.target.classes.count)")
                    }
                    Swift.print(table.rendered)
                }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a CSV file with a dataset's schema and report what would be stored and refused, storing nothing.")
        @Argument(help: "The dataset's name.") var name: String
        @Argument(help: "The CSV file to check.") var file: String
        @OptionGroup var csv: CSVOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await reportingErrors {
                let dataset = try await Datasets(catalog: global.platform().datasets).dataset(named: name)
                let report = try DatasetCheck.run(file: URL(fileURLWithPath: file), schema: dataset.schema, overrides: csv.overrides)
                switch global.format {
                case .json: try printJSON(report, convertingKeys: false)
                case .table:
                    var table = TextTable("file", "dataset", "read as", "read", "accepted", "rejected", "incomplete")
                    table.add(
                        URL(fileURLWithPath: report.file).lastPathComponent, report.dataset, report.dialect.description,
                        "\(report.read)", "\(report.accepted)", "\(report.rejected)", "\(report.incomplete)")
                    var lines = [table.rendered]
                    lines.append("classes: " + report.classCounts.keys.sorted().map { "\($0) \(report.classCounts[$0]!)" }.joined(separator: ", "))
                    for row in report.rejections { lines.append("line \(row.line): \(row.reason)") }
                    if report.rejected > report.rejections.count { lines.append("... and \(report.rejected - report.rejections.count) more rejected rows") }
                    Swift.print(lines.joined(separator: "\n"))
                }
            }
        }
    }

    /// A dataset as JSON, or as a summary line followed by its schema's YAML.
    static func print(_ dataset: DatasetDescription, format: OutputFormat) throws {
        switch format {
        case .json: try printJSON(dataset, convertingKeys: false)
        case .table:
            let version = dataset.version == 0 ? "bundled, not registered" : "version \(dataset.version)"
            Swift.print("# dataset \(dataset.name) (\(version), fingerprint \(dataset.fingerprint))")
            if let evolution = dataset.evolution, !evolution.addedFeatures.isEmpty {
                for name in evolution.addedFeatures {
                    let rejected = evolution.rejected[name] ?? []
                    Swift.print("# added \(name): backfilled \(evolution.backfilled[name] ?? 0) of \(evolution.rows) stored rows from the lake"
                        + (rejected.isEmpty ? "" : "; not valid: \(rejected.joined(separator: "; "))"))
                }
            }
            if let stored = dataset.stored {
                let partitions = stored.partitions.keys.sorted().map { "\($0) \(stored.partitions[$0]!)" }.joined(separator: ", ")
                Swift.print("# stored: \(stored.rows) rows\(partitions.isEmpty ? "" : " (\(partitions))"), \(stored.documents) lake documents, \(stored.quarantined) quarantined")
            }
            Swift.print(dataset.schema.yaml(), terminator: "")
        }
    }
}
