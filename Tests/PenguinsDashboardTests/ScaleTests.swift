import Testing
import Foundation
@testable import PenguinsDashboard

@Suite struct ScaleTests {
    @Test func niceStepIsOneTwoOrFiveTimesAPowerOfTen() {
        #expect(LinearScale.niceStep(span: 10, count: 5) == 2)
        #expect(LinearScale.niceStep(span: 100, count: 10) == 10)
        #expect(LinearScale.niceStep(span: 1, count: 4) == 0.2)
        #expect(LinearScale.niceStep(span: 3_700, count: 5) == 1_000)
        #expect(LinearScale.niceStep(span: 0.03, count: 6) == 0.005)
        #expect(LinearScale.niceStep(span: 0, count: 5) == 0)
        #expect(LinearScale.niceStep(span: 10, count: 0) == 0)
    }

    @Test func ticksAreNiceAndInsideTheDomain() {
        let scale = LinearScale(domain: (32.1, 59.6), range: (0, 100))
        #expect(scale.ticks(count: 5) == [35, 40, 45, 50, 55])
        let small = LinearScale(domain: (0, 1), range: (0, 100))
        #expect(small.ticks(count: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        let tenths = LinearScale(domain: (0.1, 0.7), range: (0, 100))
        #expect(tenths.ticks(count: 6) == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    }

    @Test func niceWidensTheDomainToWholeSteps() {
        let scale = LinearScale(domain: (2_700, 6_300), range: (300, 0)).nice(count: 5)
        #expect(scale.domainStart == 2_000)
        #expect(scale.domainEnd == 7_000)
        #expect(scale.rangeStart == 300)
        #expect(scale.ticks(count: 5).first == 2_000)
        #expect(scale.ticks(count: 5).last == 7_000)
        let tenths = LinearScale(domain: (0.3, 0.7), range: (0, 1)).nice(count: 4)
        #expect(tenths.domainStart == 0.3 && tenths.domainEnd == 0.7)
    }

    @Test func mapsLinearlyAlsoOntoAReversedRange() {
        let scale = LinearScale(domain: (0, 10), range: (200, 0))
        #expect(scale(0) == 200)
        #expect(scale(10) == 0)
        #expect(scale(2.5) == 150)
    }

    @Test func anEmptyOrInvalidDomainIsWidened() {
        let point = LinearScale(domain: (5, 5), range: (0, 100))
        #expect(point.domainStart < 5 && point.domainEnd > 5)
        #expect(point(5) == 50)
        let zero = LinearScale(covering: [Double](), range: (0, 100))
        #expect(zero.domainStart == 0 && zero.domainEnd == 1)
        let nonFinite = LinearScale(covering: [Double.nan, .infinity], range: (0, 100))
        #expect(nonFinite.domainStart == 0 && nonFinite.domainEnd == 1)
        let withZero = LinearScale(covering: [3, 7], range: (0, 1), includingZero: true)
        #expect(withZero.domainStart == 0 && withZero.domainEnd == 7)
    }

    @Test func tickLabelsCarryJustTheDecimalsTheStepNeeds() {
        #expect(LinearScale.label(0.30000000000000004, step: 0.1) == "0.3")
        #expect(LinearScale.label(4000, step: 500) == "4000")
        #expect(LinearScale.label(17.25, step: 0.25) == "17.25")
        #expect(LinearScale.label(-0.0, step: 1) == "0")
        #expect(LinearScale.decimals(forStep: 0.05) == 2)
        #expect(LinearScale.decimals(forStep: 2) == 0)
    }

    @Test func evenSamplingKeepsAtMostTheLimitSpreadAcrossTheInput() {
        #expect(Sampling.evenIndices(count: 5, limit: 10) == [0, 1, 2, 3, 4])
        #expect(Sampling.evenIndices(count: 10, limit: 5) == [0, 2, 4, 6, 8])
        #expect(Sampling.evenIndices(count: 0, limit: 5).isEmpty)
        let sampled = Sampling.evenly(Array(0..<1_000_000))
        #expect(sampled.count == Sampling.defaultLimit)
        #expect(sampled.first == 0)
        #expect(sampled.last! > 999_000)
    }
}

@Suite struct FormatTests {
    @Test func svgNumbersAreCompact() {
        #expect(Format.svgNumber(12) == "12")
        #expect(Format.svgNumber(12.5) == "12.5")
        #expect(Format.svgNumber(12.3456) == "12.35")
        #expect(Format.svgNumber(-0.001) == "0")
        #expect(Format.svgNumber(-3.1) == "-3.1")
        #expect(Format.svgNumber(0.05) == "0.05")
        #expect(Format.svgNumber(.nan) == "0")
        #expect(Format.svgNumber(1.0049, decimals: 3) == "1.005")
    }

    @Test func humanNumbers() {
        #expect(Format.fixed(3.14159, 2) == "3.14")
        #expect(Format.fixed(nil) == "-")
        #expect(Format.fixed(-0.0001, 2) == "0.00")
        #expect(Format.integer(1_234_567) == "1,234,567")
        #expect(Format.integer(-1_000) == "-1,000")
        #expect(Format.integer(999) == "999")
        #expect(Format.percent(0.9712) == "97.1 %")
        #expect(Format.compact(4200) == "4200")
        #expect(Format.compact(17.345) == "17.35")
        #expect(Format.compact(0.000012) == "1.200e-05")
    }

    @Test func pValuesSwitchToScientificNotationWhenTiny() {
        #expect(Format.pValue(0.0321) == "0.0321")
        #expect(Format.pValue(1.234e-9) == "1.234e-09")
        #expect(Format.pValue(0) == "0.0000")
        #expect(Format.pValue(nil) == "-")
    }

    @Test func cacheHitRatioIsHitsOverLookups() {
        #expect(Format.hitRatio(hits: 3, misses: 1) == "75.0 %")
        #expect(Format.hitRatio(hits: 0, misses: 0) == "-")
        #expect(Format.hitRatio(hits: 0, misses: 5) == "0.0 %")
    }

    @Test func datesPrintInUTC() {
        #expect(Format.date(Date(timeIntervalSince1970: 86_400 + 3_661)) == "1970-01-02 01:01:01 UTC")
    }
}
