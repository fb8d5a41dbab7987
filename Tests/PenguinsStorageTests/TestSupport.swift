import Foundation
import PenguinsCore
import PenguinsStorage
import PenguinsTestSupport

/// A clock the tests move by hand, so TTL checks need no sleeping.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = start
    }

    var now: Date {
        lock.withLock { current }
    }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// The clock as the closure the caches take.
    var reading: @Sendable () -> Date {
        { [self] in now }
    }
}

/// A fresh temporary directory, removed by `cleanUp`.
struct TemporaryDirectory {
    let url: URL

    init() {
        url = Scratch.directory.appendingPathComponent("penguins-storage-\(UUID().uuidString)")
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Opens a store in a fresh temporary directory, runs `body`, then deletes the directory.
func withSQLiteStore(
    now: @escaping @Sendable () -> Date = { Date() },
    _ body: (SQLiteStore) async throws -> Void
) async throws {
    let directory = TemporaryDirectory()
    defer { directory.cleanUp() }
    let store = try SQLiteStore(directory: directory.url, now: now)
    try await body(store)
}

enum Fixtures {
    /// A penguin with the given key fields and simple measurements.
    static func penguin(
        _ id: String, _ species: Species = .adelie, _ island: Island = .biscoe,
        billLength: Double? = 39.1, bodyMass: Double? = 3750, sex: Sex? = .male, year: Int = 2007,
        otherFields: [String: JSONValue] = [:]
    ) -> Penguin {
        Penguin(
            id: id, species: species, island: island,
            measurements: Measurements(billLength: billLength, billDepth: 18.7, flipperLength: 181, bodyMass: bodyMass),
            sex: sex, year: year, otherFields: otherFields
        )
    }

    /// A prediction with exactly representable probabilities and a whole-second time.
    static func prediction(_ species: Species = .gentoo, version: Int = 1, at seconds: Double = 1_700_000_100) -> Prediction {
        var probabilities: [Species: Double] = [.adelie: 0.125, .chinstrap: 0.125, .gentoo: 0.125]
        probabilities[species] = 0.75
        return Prediction(
            species: species, probabilities: probabilities, modelVersion: version,
            predictedAt: Date(timeIntervalSince1970: seconds)
        )
    }

    /// `count` penguins spread over the three known islands and species, with some missing
    /// measurements, ids `g-00000`, `g-00001`, ... in shuffled order.
    static func mixedPenguins(count: Int) -> [Penguin] {
        var generator = SplitMix64(seed: 7)
        return (0..<count).map { index in
            let species = Species.allCases[Int(generator.next() % 3)]
            let island = Island.known[Int(generator.next() % 3)]
            let billLength: Double? = index % 7 == 3 ? nil : 35 + Double(generator.next() % 200) / 10
            return penguin(
                String(format: "g-%05d", index), species, island,
                billLength: billLength, bodyMass: 3000 + Double(generator.next() % 3000),
                sex: index % 5 == 0 ? nil : .female, year: 2007 + index % 3
            )
        }.shuffled(using: &generator)
    }
}

/// Collects what a `@Sendable` callback receives.
actor Collector<Element: Sendable> {
    private(set) var items: [Element] = []
    func append(_ item: Element) { items.append(item) }
}
