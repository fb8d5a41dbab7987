import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PenguinsCore
import PenguinsPipeline
@testable import PenguinsServer
import PenguinsStorage
import PenguinsTestSupport
import Testing

/// The bundled penguin `knownPenguinID` (an Adelie) with a Gentoo's measurements.
func remeasuredAsGentoo(_ platform: Platform) async throws -> Penguin {
    var penguin = try #require(try await platform.warehouse.row(id: knownPenguinID)).penguin
    penguin.measurements = Measurements(billLength: 49.5, billDepth: 15.9, flipperLength: 224, bodyMass: 5600)
    return penguin
}

@Suite struct CacheCoherenceWatcherTests {
    private func watcher(_ platform: Platform, _ generation: CacheGeneration, metrics: ServerMetrics = ServerMetrics()) -> CacheCoherenceWatcher {
        CacheCoherenceWatcher(
            coherence: CacheCoherence(platform: platform), generation: generation, interval: .seconds(1),
            health: StoreHealth(), metrics: metrics, logger: Logger(label: "test")
        )
    }

    @Test func aTickRemovesEachChangedPenguinTwiceAndMovesTheGeneration() async throws {
        let platform = try await makePlatform()
        let generation = CacheGeneration()
        let metrics = ServerMetrics()
        let watcher = watcher(platform, generation, metrics: metrics)
        var state = CacheCoherenceWatcher.State()
        let cachedAtStart = try await platform.cache.count()
        #expect(cachedAtStart == 342)

        // The first tick starts from the cache's recorded position: nothing to remove.
        try await watcher.tick(&state)
        #expect(state.position == 0)
        #expect(generation.current == 1)
        #expect(try await platform.cache.count() == cachedAtStart)

        // Another process re-measures a penguin: written straight to the warehouse, so nothing
        // but the watcher touches this process's cache.
        let stale = try #require(try await platform.cache.prediction(penguinID: knownPenguinID, modelVersion: 1))
        try await platform.warehouse.upsert([try await remeasuredAsGentoo(platform)])
        try await watcher.tick(&state)
        #expect(state.position == 1)
        #expect(generation.current == 2)
        #expect(try await platform.cache.prediction(penguinID: knownPenguinID, modelVersion: 1) == nil)
        #expect(try await platform.cache.count() == cachedAtStart - 1)
        #expect(state.removeAgain == [knownPenguinID])
        #expect(try await platform.cache.coherentThrough() == 1)

        // A refill that slipped in after the first removal goes on the next tick, which sees no
        // new change and leaves the generation alone.
        try await platform.cache.store([(knownPenguinID, stale)], ttlSeconds: 60)
        try await watcher.tick(&state)
        #expect(try await platform.cache.prediction(penguinID: knownPenguinID, modelVersion: 1) == nil)
        #expect(state.removeAgain.isEmpty)
        #expect(generation.current == 2)
        #expect(String(decoding: metrics.render(), as: UTF8.self).contains("penguins_cache_invalidations_total 1\n"))
    }

    @Test func aCacheWithNoRecordedPositionIsEmptiedAtStart() async throws {
        let platform = try await makePlatform()
        let fresh = PenguinPredictionCache(records: MemoryRecordPredictionCache())
        let prediction = Prediction(species: .gentoo, probabilities: [.adelie: 0, .chinstrap: 0, .gentoo: 1], modelVersion: 1, predictedAt: Date())
        try await fresh.store([(knownPenguinID, prediction)], ttlSeconds: 60)
        var other = platform
        other.cache = fresh
        var state = CacheCoherenceWatcher.State()
        try await watcher(other, CacheGeneration()).tick(&state)
        #expect(try await fresh.count() == 0)
        #expect(try await fresh.coherentThrough() == 0)
    }

    /// Two platforms on one SQLite database, as two processes would have: the server's cache is
    /// in its process; the other process re-ingests a penguin with new measurements.
    @Test func aServerAnswersTheNewSpeciesSoonAfterAnotherProcessReingests() async throws {
        let platform = try await makePlatform()
        var options = testOptions()
        options.warehousePollInterval = .milliseconds(100)
        let app = try await makeApp(platform, options: options)
        try await app.test(.live) { client in
            let before = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
            #expect(before["species"] as? String == "Adelie")
            #expect(before["source"] as? String == "cache")

            let otherProcess = try Platform.embedded(platform.configuration)
            let file = Scratch.directory.appendingPathComponent("remeasured-\(UUID().uuidString).csv")
            let penguin = try await remeasuredAsGentoo(platform)
            try """
            penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
            \(penguin.id),Adelie,\(penguin.island.rawValue),49.5,15.9,224,5600,male,2007

            """.write(to: file, atomically: true, encoding: .utf8)
            let report = try await Ingestor(platform: otherProcess).ingest(file: file)
            #expect(report.cacheInvalidated == 1)
            let changedAt = ContinuousClock.now

            var answer: [String: Any] = [:]
            while ContinuousClock.now - changedAt < .seconds(2) {
                answer = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
                if answer["species"] as? String == "Gentoo" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(answer["species"] as? String == "Gentoo", "still \(answer) 2 s after the re-ingest")
            #expect(answer["source"] as? String == "model")
            // The new answer is cached again once the watcher's second removal has passed.
            var again: [String: Any] = [:]
            let answeredAt = ContinuousClock.now
            while ContinuousClock.now - answeredAt < .seconds(2) {
                again = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
                #expect(again["species"] as? String == "Gentoo")
                if again["source"] as? String == "cache" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(again["source"] as? String == "cache")
        }
    }
}
