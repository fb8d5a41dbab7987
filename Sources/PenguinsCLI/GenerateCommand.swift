import ArgumentParser
import Foundation
import PenguinsCore

struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic penguins (tidy layout with penguin_id), sampled per species from the real data's distribution."
    )

    @Option(help: "Number of rows.") var rows: Int
    @Option(help: "Random seed: the same seed writes the same file.") var seed: UInt64 = 42
    @Option(help: "Output file (default: standard output).") var output: String?
    @Option(help: "Shift one feature to simulate drift, as FEATURE=DELTA (repeatable), e.g. body_mass_g=250.")
    var shift: [String] = []
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be zero or more") }
        _ = try shifts()
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
            let generator = try SyntheticGenerator.fittedOnBundledData()
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil) else {
                    throw ValidationError("cannot create \(output); check that its folder exists and is writable")
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            } else {
                handle = FileHandle.standardOutput
            }
            try generator.write(rows: rows, seed: seed, shift: try shifts(), to: handle)
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
