import Foundation
import Testing
@testable import PenguinsStatistics

struct SpecialFunctionsFixture: Decodable {
    struct Case: Decodable, CustomTestStringConvertible {
        var function: String
        var arguments: [Double]
        var value: Double
        var testDescription: String { "\(function)(\(arguments.map { "\($0)" }.joined(separator: ", ")))" }
    }
    var cases: [Case]
}

@Suite("Special functions against scipy")
struct SpecialFunctionsTests {
    private static let cases: [SpecialFunctionsFixture.Case] =
        (try? loadFixture("special_functions", as: SpecialFunctionsFixture.self).cases) ?? []

    @Test("fixture is present and covers every function")
    func fixtureCoverage() throws {
        let fixture = try loadFixture("special_functions", as: SpecialFunctionsFixture.self)
        #expect(Set(fixture.cases.map(\.function)).count == 9)
    }

    @Test("matches scipy to 1e-12 relative", arguments: cases)
    func matchesScipy(_ fixture: SpecialFunctionsFixture.Case) throws {
        let a = fixture.arguments
        let actual: Double = switch fixture.function {
        case "regularizedIncompleteBeta": SpecialFunctions.regularizedIncompleteBeta(a: a[0], b: a[1], x: a[2])
        case "regularizedLowerIncompleteGamma": SpecialFunctions.regularizedLowerIncompleteGamma(a: a[0], x: a[1])
        case "regularizedUpperIncompleteGamma": SpecialFunctions.regularizedUpperIncompleteGamma(a: a[0], x: a[1])
        case "normalCDF": SpecialFunctions.normalCDF(a[0])
        case "studentTCDF": SpecialFunctions.studentTCDF(a[0], degreesOfFreedom: a[1])
        case "studentTTwoSidedPValue": SpecialFunctions.studentTTwoSidedPValue(a[0], degreesOfFreedom: a[1])
        case "studentTQuantile": SpecialFunctions.studentTQuantile(p: a[0], degreesOfFreedom: a[1])
        case "fSurvival":
            SpecialFunctions.fSurvival(a[0], numeratorDegreesOfFreedom: a[1], denominatorDegreesOfFreedom: a[2])
        case "chiSquaredSurvival": SpecialFunctions.chiSquaredSurvival(a[0], degreesOfFreedom: a[1])
        default: Double.nan
        }
        #expect(isClose(actual, fixture.value, relative: 1e-12, absolute: 1e-300), "got \(actual), scipy \(fixture.value)")
    }

    @Test("t quantile inverts the t CDF")
    func quantileInvertsCDF() {
        for degreesOfFreedom in [1.0, 3, 17, 250] {
            for p in [0.001, 0.2, 0.5, 0.8, 0.975] {
                let q = SpecialFunctions.studentTQuantile(p: p, degreesOfFreedom: degreesOfFreedom)
                #expect(isClose(SpecialFunctions.studentTCDF(q, degreesOfFreedom: degreesOfFreedom), p, relative: 1e-13))
            }
        }
    }

    @Test("edge values")
    func edges() {
        #expect(SpecialFunctions.regularizedIncompleteBeta(a: 2, b: 3, x: 0) == 0)
        #expect(SpecialFunctions.regularizedIncompleteBeta(a: 2, b: 3, x: 1) == 1)
        #expect(SpecialFunctions.chiSquaredSurvival(0, degreesOfFreedom: 3) == 1)
        #expect(SpecialFunctions.fSurvival(.infinity, numeratorDegreesOfFreedom: 2, denominatorDegreesOfFreedom: 5) == 0)
        #expect(SpecialFunctions.studentTTwoSidedPValue(0, degreesOfFreedom: 4) == 1)
        #expect(SpecialFunctions.regularizedIncompleteBeta(a: -1, b: 3, x: 0.5).isNaN)
    }
}
