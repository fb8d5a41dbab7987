import Testing
@testable import PenguinsStatistics

@Suite("Drift decision")
struct DriftVerdictTests {
    @Test("drift when the p-value is strictly below the threshold")
    func strictThreshold() {
        #expect(DriftVerdict.isDrift(pValue: 0.049, threshold: 0.05))
        #expect(!DriftVerdict.isDrift(pValue: 0.05, threshold: 0.05))
        #expect(!DriftVerdict.isDrift(pValue: 0.3, threshold: 0.05))
        #expect(DriftVerdict.isDrift(pValue: 0.009, threshold: 0.01))
        #expect(!DriftVerdict.isDrift(pValue: .nan, threshold: 0.05))
    }
}
