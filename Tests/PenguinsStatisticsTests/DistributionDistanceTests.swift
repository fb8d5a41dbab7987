import Testing
@testable import PenguinsStatistics

struct DistanceFixture: Decodable {
    struct Numeric: Decodable {
        var name: String
        var reference: [Double]
        var current: [Double]
        var wasserstein: Double
        var normed: Double
    }
    struct Categorical: Decodable {
        var name: String
        var reference: [String: Int]
        var current: [String: Int]
        var jensenShannon: Double
    }
    var numeric: [Numeric]
    var categorical: [Categorical]
}

@Suite("Wasserstein and Jensen-Shannon distances against scipy")
struct DistributionDistanceTests {
    @Test("Wasserstein distance and its normed form match scipy and numpy")
    func wasserstein() throws {
        let fixture = try loadFixture("distances", as: DistanceFixture.self)
        for test in fixture.numeric {
            let distance = DistributionDistance.wasserstein(test.reference, test.current)
            #expect(isClose(distance, test.wasserstein, relative: 1e-12, absolute: 1e-12), "\(test.name): \(distance) vs \(test.wasserstein)")
            let normed = DistributionDistance.normedWasserstein(reference: test.reference, current: test.current)
            #expect(isClose(normed, test.normed, relative: 1e-12, absolute: 1e-12), "\(test.name): \(normed) vs \(test.normed)")
            // Symmetric in its samples.
            #expect(isClose(DistributionDistance.wasserstein(test.current, test.reference), distance, relative: 1e-12, absolute: 1e-12))
        }
        #expect(DistributionDistance.wasserstein([], [1, 2]) == 0)
    }

    @Test("Jensen-Shannon distance matches scipy")
    func jensenShannon() throws {
        let fixture = try loadFixture("distances", as: DistanceFixture.self)
        for test in fixture.categorical {
            let distance = DistributionDistance.jensenShannon(reference: test.reference, current: test.current)
            #expect(isClose(distance, test.jensenShannon, relative: 1e-12, absolute: 1e-12), "\(test.name): \(distance) vs \(test.jensenShannon)")
        }
        #expect(DistributionDistance.jensenShannon(reference: [:], current: ["a": 1]) == 0)
    }
}
