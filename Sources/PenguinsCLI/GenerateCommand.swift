import ArgumentParser
import Foundation
import PenguinsCore
import PenguinsPipeline

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic rows sampled per class from the real data's distribution: penguins in the tidy layout, any other dataset from its stored rows."
    )

    @Option(help: "Number of rows.") var rows: Int
    @Option(help: "Random seed: the same seed writes the same file.") var seed: UInt64 = 42
    @Option(help: "Output file (default: standard output).") var output: String?
    @Option(help: "Shift one feature to simulate drift, as FEATURE=DELTA (repeatable), e.g. body_mass_g=250.")
    var shift: [String] = []
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be zero or more") }
        if Platform.isDefaultDataset(dataset.name) { _ = try shifts() } else { _ = try namedShifts() }
    }

    /// The shifts by feature name, for any dataset (the generator checks the names).
    func namedShifts() throws -> [String: Double] {
        var result: [String: Double] = [:]
        for item in shift {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let delta = Double(parts[1]), delta.isFinite else {
                throw ValidationError("--shift must be FEATURE=DELTA with a numeric feature and a number, got \(item)")
            }
            result[parts[0], default: 0] += delta
        }
        return result
    }

    func shifts() throws -> [Feature: Double] {
        var result: [Feature: Double] = [:]
        for item in shift {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let feature = Feature(name: parts[0]), let delta = Double(parts[1]), delta.isFinite else {
                throw ValidationError("--shift must be FEATURE=DELTA with FEATURE one of \(Feature.allCases.map(\.rawValue).joined(separator: ", ")), got \(item)")
            }
            result[feature, default: 0] += delta
        }
        return result
    }

    func run() async throws {
        try await reportingErrors {
            // Fitted first, so that a dataset without rows writes no file.
            let write: (FileHandle) throws -> Void
            if Platform.isDefaultDataset(dataset.name) {
                let generator = try SyntheticGenerator.fittedOnBundledData()
                let shifts = try shifts()
                write = { try generator.write(rows: rows, seed: seed, shift: shifts, to: $0) }
            } else {
                let platform = try await global.platform()
                let schema = try await platform.schema(ofDataset: dataset.name)
                let columns = try await platform.tables(for: schema).warehouse.columns(featureIndices: Array(schema.features.indices))
                let generator = try DatasetGenerator(schema: schema, classes: columns.targetClasses, features: columns.features)
                let shifts = try namedShifts()
                try generator.check(shift: shifts)
                write = { try generator.write(rows: rows, seed: seed, shift: shifts, to: $0) }
            }
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil) else {
                    throw ValidationError("cannot create \(output); check that its folder exists and is writable")
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            } else {
                handle = FileHandle.standardOutput
            }
            try write(handle)
            if let output {
                try handle.close()
                if global.format == .json {
                    print("{\"rows\":\(rows),\"output\":\"\(output)\",\"seed\":\(seed)}")
                } else {
                    FileHandle.standardError.write(Data("wrote \(rows) rows to \(output)\n".utf8))
                }
            }
        }
    }
}
