import Foundation
import PenguinsCore
import PenguinsStorage
import Testing

/// Ingestion throughput and single-key read latency of the SQLite backend.
///
/// Skipped unless `PENGUINS_STORAGE_BENCHMARK` is set; run it in a release build:
/// `PENGUINS_STORAGE_BENCHMARK=1000000 swift test -c release --filter StorageBenchmark`
/// (the value is the number of penguins). Options:
/// - `PENGUINS_STORAGE_BENCHMARK_FIELDS=raw` adds ten extra fields, like the LTER raw layout's, to every document;
/// - `PENGUINS_STORAGE_BENCHMARK_RUNS=n` ingests n times into fresh files (default 3) and reports the median;
/// - `PENGUINS_STORAGE_BENCHMARK_CONCURRENT=1` runs each batch's lake and warehouse upserts concurrently (`async let`);
/// - `PENGUINS_STORAGE_BENCHMARK_INGESTION_ONLY=1` skips everything but ingestion (for profiling).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PENGUINS_STORAGE_BENCHMARK"] != nil))
struct StorageBenchmark {
    static let environment = ProcessInfo.processInfo.environment
    static let penguinCount = Int(environment["PENGUINS_STORAGE_BENCHMARK"] ?? "") ?? 1_000_000
    static let batchSize = 10_000

    @Test func ingestionAndReads() async throws {
        let rawFields = StorageBenchmark.environment["PENGUINS_STORAGE_BENCHMARK_FIELDS"] == "raw"
        let penguins = StorageBenchmark.makePenguins(count: StorageBenchmark.penguinCount, rawFields: rawFields)
        var rates: [Double] = []
        let concurrent = StorageBenchmark.environment["PENGUINS_STORAGE_BENCHMARK_CONCURRENT"] != nil
        let ingestionOnly = StorageBenchmark.environment["PENGUINS_STORAGE_BENCHMARK_INGESTION_ONLY"] != nil
        let serialiseStart = ContinuousClock.now
        var documentBytes = 0
        for penguin in penguins where !ingestionOnly { documentBytes += penguin.document.jsonText.utf8.count }
        if !ingestionOnly { print("serialising documents with jsonText alone: \(Int(Double(penguins.count) / StorageBenchmark.seconds(ContinuousClock.now - serialiseStart))) penguins/s, mean \(documentBytes / penguins.count) bytes") }
        let runs = Int(StorageBenchmark.environment["PENGUINS_STORAGE_BENCHMARK_RUNS"] ?? "") ?? 3
        for run in 1...runs {
            let directory = TemporaryDirectory()
            defer { directory.cleanUp() }
            let store = try SQLiteStore(directory: directory.url)
            let start = ContinuousClock.now
            let cpuStart = StorageBenchmark.processCPUSeconds()
            var lakeTime = Duration.zero
            var warehouseTime = Duration.zero
            var index = 0
            while index < penguins.count {
                let batch = Array(penguins[index..<min(index + StorageBenchmark.batchSize, penguins.count)])
                if concurrent {
                    async let lake: Void = store.lake.upsert(batch)
                    async let warehouse: Void = store.warehouse.upsert(batch)
                    _ = try await (lake, warehouse)
                } else {
                    let lakeStart = ContinuousClock.now
                    try await store.lake.upsert(batch)
                    let warehouseStart = ContinuousClock.now
                    try await store.warehouse.upsert(batch)
                    lakeTime += warehouseStart - lakeStart
                    warehouseTime += ContinuousClock.now - warehouseStart
                }
                index += StorageBenchmark.batchSize
            }
            let seconds = StorageBenchmark.seconds(ContinuousClock.now - start)
            print("  process CPU time \(StorageBenchmark.processCPUSeconds() - cpuStart) s")
            if !concurrent { print("  lake upserts \(StorageBenchmark.seconds(lakeTime)) s, warehouse upserts \(StorageBenchmark.seconds(warehouseTime)) s") }
            rates.append(Double(penguins.count) / seconds)
            print("run \(run): \(penguins.count) penguins into lake + warehouse in \(seconds) s = \(Int(rates.last!)) penguins/s")
            #expect(try await store.lake.count() == penguins.count)
            #expect(try await store.warehouse.count() == penguins.count)

            if run == runs && !ingestionOnly {
                try await StorageBenchmark.measureReads(store: store, penguins: penguins)
                let reingestStart = ContinuousClock.now
                for batchStart in stride(from: 0, to: penguins.count, by: StorageBenchmark.batchSize) {
                    let batch = Array(penguins[batchStart..<min(batchStart + StorageBenchmark.batchSize, penguins.count)])
                    try await store.lake.upsert(batch)
                    try await store.warehouse.upsert(batch)
                }
                let reingest = StorageBenchmark.seconds(ContinuousClock.now - reingestStart)
                print("re-ingesting unchanged penguins: \(Int(Double(penguins.count) / reingest)) penguins/s")
                let scanStart = ContinuousClock.now
                let visited = Collector<Int>()
                try await store.warehouse.forEachBatch(batchSize: StorageBenchmark.batchSize) { page in
                    await visited.append(page.count)
                }
                let scan = StorageBenchmark.seconds(ContinuousClock.now - scanStart)
                #expect(await visited.items.reduce(0, +) == penguins.count)
                print("warehouse forEachBatch: \(Int(Double(penguins.count) / scan)) rows/s")
            }
        }
        rates.sort()
        print("median ingestion rate: \(Int(rates[rates.count / 2])) penguins/s (lake + warehouse\(concurrent ? " concurrently" : " one after the other"), batches of \(StorageBenchmark.batchSize))")
    }

    static func measureReads(store: SQLiteStore, penguins: [Penguin]) async throws {
        var generator = SplitMix64(seed: 11)
        let ids = (0..<1_000).map { _ in penguins[Int(generator.next() % UInt64(penguins.count))].id }
        let prediction = Fixtures.prediction(.gentoo, version: 1)
        try await store.predictionCache.store(ids.map { ($0, prediction) }, ttlSeconds: 3600)
        let memoryCache = PenguinPredictionCache(records: MemoryRecordPredictionCache())
        try await memoryCache.store(ids.map { ($0, prediction) }, ttlSeconds: 3600)

        try await report("warehouse row(id:)", ids) { try await store.warehouse.row(id: $0) != nil }
        try await report("lake document(id:)", ids) { try await store.lake.document(id: $0) != nil }
        try await report("SQLite cache prediction", ids) {
            try await store.predictionCache.prediction(penguinID: $0, modelVersion: 1) != nil
        }
        try await report("memory cache prediction", ids) {
            try await memoryCache.prediction(penguinID: $0, modelVersion: 1) != nil
        }
    }

    static func report(_ name: String, _ ids: [String], _ read: (String) async throws -> Bool) async throws {
        var microseconds: [Double] = []
        var found = 0
        for id in ids {
            let start = ContinuousClock.now
            if try await read(id) { found += 1 }
            microseconds.append(seconds(ContinuousClock.now - start) * 1e6)
        }
        #expect(found == ids.count, "\(name) found \(found) of \(ids.count)")
        let mean = microseconds.reduce(0, +) / Double(microseconds.count)
        microseconds.sort()
        let p50 = microseconds[microseconds.count / 2]
        let p99 = microseconds[microseconds.count * 99 / 100]
        let format = { (value: Double) in String(format: "%.1f µs", value) }
        print("\(name): mean \(format(mean)), p50 \(format(p50)), p99 \(format(p99)) over \(ids.count) reads")
    }

    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Penguins with plausible measurements and ids `synthetic-0000000`, ... in order.
    static func makePenguins(count: Int, rawFields: Bool) -> [Penguin] {
        var generator = SplitMix64(seed: 3)
        var penguins: [Penguin] = []
        penguins.reserveCapacity(count)
        for index in 0..<count {
            let species = Species.allCases[index % 3]
            var otherFields: [String: JSONValue] = [:]
            if rawFields {
                otherFields = [
                    "study_name": .string("PAL0708"), "sample_number": .number(Double(index % 152 + 1)),
                    "region": .string("Anvers"), "stage": .string("Adult, 1 Egg Stage"),
                    "individual_id": .string("N\(index % 100)A\(index % 2 + 1)"), "clutch_completion": .string("Yes"),
                    "date_egg": .string("2007-11-11"), "delta_15_n": .number(8 + Double(generator.next() % 2000) / 1000),
                    "delta_13_c": .number(-26 + Double(generator.next() % 2000) / 1000), "comments": .null,
                ]
            }
            penguins.append(Penguin(
                id: "synthetic-" + String(repeating: "0", count: 7 - String(index).count) + String(index),
                species: species, island: Island.known[Int(generator.next() % 3)],
                measurements: Measurements(
                    billLength: 32 + Double(generator.next() % 280) / 10,
                    billDepth: 13 + Double(generator.next() % 85) / 10,
                    flipperLength: 172 + Double(generator.next() % 60),
                    bodyMass: 2700 + Double(generator.next() % 3600)
                ),
                sex: index % 2 == 0 ? .female : .male, year: 2007 + index % 3, otherFields: otherFields
            ))
        }
        return penguins
    }
}
