/// A seeded train/test split that keeps each class's share in both parts.
public enum StratifiedSplit {
    /// Splits row indices `0 ..< labels.count` into a training and a test part.
    ///
    /// For every class (in ascending label order) its rows are shuffled with one generator
    /// seeded by `seed`, and the first `round(n_c * testFraction)` of them go to the test
    /// part (halves round away from zero), the rest to training. Both parts come back in
    /// ascending row order. The same labels, fraction and seed always give the same split;
    /// a `testFraction` of 0 puts every row in training, 1 every row in test.
    ///
    /// - Precondition: `testFraction` lies in `0 ... 1`; validate user input before calling.
    public static func split(labels: [Int], testFraction: Double, seed: UInt64) -> (train: [Int], test: [Int]) {
        precondition((0...1).contains(testFraction), "the test fraction must lie between 0 and 1, got \(testFraction)")
        var rowsByClass: [Int: [Int]] = [:]
        for (row, label) in labels.enumerated() {
            rowsByClass[label, default: []].append(row)
        }
        var generator = SeededGenerator(seed: seed)
        var train: [Int] = []
        var test: [Int] = []
        for label in rowsByClass.keys.sorted() {
            var rows = rowsByClass[label]!
            rows.seededShuffle(using: &generator)
            let testCount = Int((Double(rows.count) * testFraction).rounded())
            test.append(contentsOf: rows[..<testCount])
            train.append(contentsOf: rows[testCount...])
        }
        return (train.sorted(), test.sorted())
    }
}
