import PenguinsML
import Testing

@Suite struct FeatureMatrixTests {
    let matrix = FeatureMatrix(rows: [[1, 2, 3], [4, 5, 6]])

    @Test func storesRowsRowMajor() {
        #expect(matrix.rowCount == 2)
        #expect(matrix.columnCount == 3)
        #expect(matrix.values == [1, 2, 3, 4, 5, 6])
        #expect(matrix.row(1) == [4, 5, 6])
        #expect(Array(matrix[row: 0]) == [1, 2, 3])
        #expect(matrix.column(2) == [3, 6])
    }

    @Test func flatInitialiserMatchesRows() {
        #expect(FeatureMatrix(columnCount: 3, values: [1, 2, 3, 4, 5, 6]) == matrix)
        #expect(FeatureMatrix(rows: []).rowCount == 0)
    }

    @Test func selectingKeepsOrderAndRepeats() {
        let selected = matrix.selecting(rows: [1, 0, 1])
        #expect(selected.rowCount == 3)
        #expect(selected.values == [4, 5, 6, 1, 2, 3, 4, 5, 6])
        #expect(matrix.selecting(rows: []).rowCount == 0)
    }

    @Test func keepingRowsMovesThemInPlace() {
        let tall = FeatureMatrix(columnCount: 2, values: (0..<20).map(Double.init))
        for kept in [[0, 3, 4, 9], [2, 5], [], Array(0..<10), [9]] {
            let copy = tall
            let expected = tall.selecting(rows: kept)
            #expect(FeatureMatrix(keeping: kept, of: copy) == expected, "\(kept)")
        }
        // The matrix handed over lends its storage: no second buffer of its size is made.
        var values = (0..<20).map(Double.init)
        values.reserveCapacity(1_000)
        let kept = FeatureMatrix(keeping: [1, 2], of: FeatureMatrix(columnCount: 2, values: consume values))
        #expect(kept.values == [2, 3, 4, 5])
        #expect(kept.values.capacity >= 1_000)
    }
}
