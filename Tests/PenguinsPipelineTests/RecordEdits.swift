import PenguinsCore
import PenguinsStorage

/// Updates of stored records for the aggregates' tests: every seventh record of `records`
/// (of `schema`, every feature) changed in a way that moves every count: its class and
/// categorical levels to the next, numeric values up by 1.25, a missing one given, and every
/// fourteenth loses its first numeric value (its pattern of present columns changes).
struct RecordEdits {
    /// The records as edited, all of them.
    var edited: RecordColumns
    /// The rows edited.
    var rows: [Int]

    init(_ records: RecordColumns, schema: DatasetSchema, shift: Double = 1.25) {
        edited = records
        rows = stride(from: 3, to: records.count, by: 7).map { $0 }
        let firstNumeric = schema.features.firstIndex { $0.kind == .numeric }
        for row in rows {
            edited.targetClasses[row] = (records.targetClasses[row] + 1) % schema.target.classes.count
            for (index, feature) in schema.features.enumerated() {
                let value = records.features[index][row]
                switch feature.kind {
                case .numeric: edited.features[index][row] = value.isNaN ? 42 : value + shift
                case .categorical: edited.features[index][row] = value.isNaN ? 0 : Double((Int(value) + 1) % feature.levels.count)
                }
            }
            if row % 14 == 3, let firstNumeric { edited.features[firstNumeric][row] = .nan }
        }
    }

    /// The edited records as they were in `records`, and as they are now.
    func pairs(of records: RecordColumns) -> (previous: RecordColumns, current: RecordColumns) {
        (records.rows(rows), edited.rows(rows))
    }
}
