import Foundation
import PenguinsCore

/// What reading a file with a dataset's schema found, without storing anything: a dry run of
/// ingestion.
public struct DatasetCheckReport: Sendable, Encodable {
    public var file: String
    public var dataset: String
    public var dialect: CSVDialect
    public var read: Int
    public var accepted: Int
    public var rejected: Int
    /// Accepted rows with a missing value of a model feature (a default feature of the schema).
    public var incomplete: Int
    /// The first rejected rows, in file order.
    public var rejections: [RejectedRow]
    /// Rows per class of the accepted rows, by class name.
    public var classCounts: [String: Int]

    enum CodingKeys: String, CodingKey {
        case file, dataset, dialect, read, accepted, rejected, incomplete, rejections
        case classCounts = "class_counts"
    }
}

/// Reads a file with a dataset's schema and reports what ingestion would store and refuse.
public enum DatasetCheck {
    /// The number of rejected rows a report lists.
    public static let listedRejections = 20

    public static func run(file: URL, schema: DatasetSchema, overrides: CSVDialect.Overrides = .none) throws -> DatasetCheckReport {
        var reader = try DatasetFile(url: file, schema: schema, overrides: overrides)
        let modelFeatures = schema.modelFeatures.compactMap { feature in schema.features.firstIndex(of: feature) }
        var report = DatasetCheckReport(
            file: file.path, dataset: schema.name, dialect: reader.dialect, read: 0, accepted: 0, rejected: 0, incomplete: 0,
            rejections: [], classCounts: [:])
        var counts = [Int](repeating: 0, count: schema.target.classes.count)
        while let batch = try reader.nextBatch(maxCount: 10_000) {
            report.read += batch.count
            for outcome in batch {
                switch outcome {
                case .accepted(let record):
                    report.accepted += 1
                    counts[record.targetClass] += 1
                    if modelFeatures.contains(where: { record.features[$0] == nil }) { report.incomplete += 1 }
                case .rejected(let row):
                    report.rejected += 1
                    if report.rejections.count < listedRejections { report.rejections.append(row) }
                }
            }
        }
        for (index, name) in schema.target.classes.enumerated() where counts[index] > 0 { report.classCounts[name] = counts[index] }
        return report
    }
}
