import ArgumentParser
import PenguinsPipeline

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Latency of sequential single-key reads of each store (cache, lake, warehouse) of the dataset after a warm-up."
    )

    @Option(help: "Timed reads per store.") var iterations = 1_000
    @Option(help: "Untimed reads per store before timing.") var warmUp = 100
    @OptionGroup var dataset: DatasetOption
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        guard warmUp >= 0 else { throw ValidationError("--warm-up must be zero or more") }
    }

    func run() async throws {
        try await reportingErrors {
            let platform = try await global.platform()
            let benchmark = StoreBenchmark(platform: platform, iterations: iterations, warmUp: warmUp)
            let results = try await benchmark.run(dataset: try await platform.schema(ofDataset: dataset.name))
            switch global.format {
            case .json: try printJSON(results)
            case .table:
                var table = TextTable("store", "backend", "reads", "mean ms", "p50 ms", "p99 ms", "reads/s")
                for r in results {
                    table.add(r.store, r.backend, "\(r.iterations)", fixed(r.meanMilliseconds, 4), fixed(r.p50Milliseconds, 4),
                              fixed(r.p99Milliseconds, 4), "\(Int(r.operationsPerSecond))")
                }
                print(table.rendered)
            }
        }
    }
}
