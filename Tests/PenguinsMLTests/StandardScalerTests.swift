import PenguinsML
import Testing

@Suite struct StandardScalerTests {
    struct Reference: Decodable {
        var means: [Double]
        var standardDeviations: [Double]
    }

    @Test func fitMatchesNumpy() throws {
        let reference: Reference = try Fixtures.load("scaler")
        let scaler = StandardScaler.fit(try Fixtures.palmer().matrix)
        for column in 0..<4 {
            #expect(abs(scaler.means[column] - reference.means[column]) <= 1e-12 * abs(reference.means[column]))
            #expect(abs(scaler.standardDeviations[column] - reference.standardDeviations[column])
                <= 1e-12 * reference.standardDeviations[column])
        }
    }

    @Test func transformedColumnsHaveZeroMeanAndUnitDeviation() throws {
        let palmer = try Fixtures.palmer().matrix
        let scaled = StandardScaler.fit(palmer).transform(palmer)
        let refit = StandardScaler.fit(scaled)
        for column in 0..<4 {
            #expect(abs(refit.means[column]) < 1e-12)
            #expect(abs(refit.standardDeviations[column] - 1) < 1e-12)
        }
    }

    @Test func rowTransformMatchesMatrixTransform() throws {
        let palmer = try Fixtures.palmer().matrix
        let scaler = StandardScaler.fit(palmer)
        #expect(scaler.transform(row: palmer.row(5)) == scaler.transform(palmer).row(5))
    }

    @Test func constantColumnMapsToZero() {
        let x = FeatureMatrix(rows: [[1, 5], [2, 5], [3, 5]])
        let scaler = StandardScaler.fit(x)
        #expect(scaler.standardDeviations == [1, 0])
        #expect(scaler.transform(x).column(1) == [0, 0, 0])
        #expect(scaler.transform(x).column(0) == [-1, 0, 1])
    }
}
