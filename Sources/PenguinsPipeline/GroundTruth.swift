import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStorage
import Synchronization

/// The ids real-time predictions are answered with, by which their ground truth comes back:
/// a random 64-bit prefix drawn once per process, then a counter (`9f1c2e3a4b5d6e7f-2a`).
/// Ids never repeat within a process; two processes share a prefix with odds of one in 2^64.
public final class PredictionIDs: Sendable {
    private let prefix: String
    private let counter = Atomic<UInt64>(0)

    public init() {
        var generator = SystemRandomNumberGenerator()
        let prefix = String(generator.next() as UInt64, radix: 16)
        self.prefix = String(repeating: "0", count: 16 - prefix.count) + prefix + "-"
    }

    /// A fresh id.
    public func next() -> String {
        prefix + String(counter.add(1, ordering: .relaxed).newValue, radix: 16)
    }

    /// The ids of this process.
    public static let shared = PredictionIDs()
}

/// One piece of ground truth as a client reports it: the prediction it judges and the true
/// class as written (a class of the schema or one of its aliases).
public struct FeedbackItem: Hashable, Sendable {
    public enum Reference: Hashable, Sendable {
        /// A real-time prediction, by the `prediction_id` it was answered with.
        case prediction(String)
        /// A stored row, by its id: its truth judges the row's batch prediction (`penguins score`).
        case row(String)
    }

    public var reference: Reference
    public var actual: String

    public init(reference: Reference, actual: String) {
        self.reference = reference
        self.actual = actual
    }
}

/// Why one item of ground truth was refused: its position in the batch, the member at fault
/// (`prediction_id`, `id` or `actual`) and what is wrong with it.
public struct FeedbackProblem: Hashable, Sendable {
    public var index: Int
    public var field: String
    public var detail: String
}

/// Ground truth refused as a whole: nothing of the batch was recorded.
public struct FeedbackRefused: Error, CustomStringConvertible {
    public var problems: [FeedbackProblem]

    public var description: String {
        let first = problems[0]
        let more = problems.count > 1 ? " (and \(problems.count - 1) more)" : ""
        return "feedback not recorded: item \(first.index + 1): \(first.field) \(first.detail)\(more)"
    }
}

/// Accuracy, macro-F1 and the confusion matrix of predictions with ground truth.
public struct ProductionMetrics: Encodable, Sendable, Equatable {
    /// Predictions with ground truth.
    public var rows: Int
    /// Nil without rows.
    public var accuracy: Double?
    /// Nil without rows.
    public var macroF1: Double?
    /// `confusionMatrix[actual][predicted]`, by the schema's classes.
    public var confusionMatrix: [[Int]]

    init(_ labelled: ArraySlice<LabelledPrediction>, classCount: Int) {
        rows = labelled.count
        let metrics = ClassificationMetrics(actual: labelled.map(\.actualClass), predicted: labelled.map(\.predictedClass), classCount: classCount)
        accuracy = labelled.isEmpty ? nil : metrics.accuracy
        macroF1 = labelled.isEmpty ? nil : metrics.macroF1
        confusionMatrix = metrics.confusionMatrix
    }

    enum CodingKeys: String, CodingKey {
        case rows, accuracy
        case macroF1 = "macro_f1"
        case confusionMatrix = "confusion_matrix"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        // Null, not absent, without rows: the member is always there.
        try container.encode(accuracy, forKey: .accuracy)
        try container.encode(macroF1, forKey: .macroF1)
        try container.encode(confusionMatrix, forKey: .confusionMatrix)
    }
}

/// A model's quality in production: over every prediction with ground truth (its members at
/// the top level of the JSON), and per window of prediction time (windows without ground truth
/// are left out).
public struct ProductionReport: Encodable, Sendable, Equatable {
    public struct Window: Encodable, Sendable, Equatable {
        public var start: Date
        public var end: Date
        public var metrics: ProductionMetrics

        enum CodingKeys: String, CodingKey {
            case start, end, rows, accuracy
            case macroF1 = "macro_f1"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(start, forKey: .start)
            try container.encode(end, forKey: .end)
            try container.encode(metrics.rows, forKey: .rows)
            try container.encode(metrics.accuracy, forKey: .accuracy)
            try container.encode(metrics.macroF1, forKey: .macroF1)
        }
    }

    public var dataset: String
    /// The model version the predictions were made by; nil for every version.
    public var modelVersion: Int?
    public var classes: [String]
    public var window: String
    public var overall: ProductionMetrics
    public var windows: [Window]

    enum CodingKeys: String, CodingKey {
        case dataset, classes, window, windows
        case modelVersion = "model_version"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(dataset, forKey: .dataset)
        try container.encode(modelVersion, forKey: .modelVersion)
        try container.encode(classes, forKey: .classes)
        try overall.encode(to: encoder)
        try container.encode(window, forKey: .window)
        try container.encode(windows, forKey: .windows)
    }
}

/// Records ground truth for a dataset's predictions and measures its models on it.
public struct GroundTruth: Sendable {
    public let schema: DatasetSchema
    let log: any RecordPredictionLog
    let warehouse: any RecordWarehouse

    public init(stores: DatasetStores) {
        schema = stores.schema
        log = stores.predictionLog
        warehouse = stores.warehouse
    }

    /// The ground truth of a dataset's stores (the penguins' among them).
    public init(dataset schema: DatasetSchema, platform: Platform) async throws {
        self.init(stores: try await platform.tables(for: schema))
    }

    /// Records a batch of ground truth, all of it or none, and returns how many items it holds.
    /// Throws ``FeedbackRefused`` naming every item at fault: a class the schema does not know,
    /// a row that is not stored or has no batch prediction, a prediction id no logged
    /// prediction has.
    @discardableResult
    public func record(_ items: [FeedbackItem], at now: Date = Date()) async throws -> Int {
        let validator = SchemaValidator(schema: schema)
        var problems: [FeedbackProblem] = []
        var feedback: [Feedback] = []
        var positions: [Int] = []
        for (index, item) in items.enumerated() {
            let actual: Int
            do {
                actual = try validator.targetClass(of: item.actual)
            } catch {
                problems.append(FeedbackProblem(index: index, field: "actual", detail: error.detail))
                continue
            }
            switch item.reference {
            case .prediction(let id):
                feedback.append(Feedback(subject: .prediction(id), actualClass: actual, recordedAt: now))
            case .row(let id):
                guard let stored = try await warehouse.record(id: id) else {
                    problems.append(FeedbackProblem(index: index, field: "id", detail: "names no stored row of \(schema.name)"))
                    continue
                }
                guard let prediction = stored.prediction else {
                    problems.append(FeedbackProblem(
                        index: index, field: "id", detail: "names a row with no batch prediction; run `penguins score --dataset \(schema.name)` first"
                    ))
                    continue
                }
                feedback.append(Feedback(subject: .row(id, prediction, features: stored.record.features), actualClass: actual, recordedAt: now))
            }
            positions.append(index)
        }
        guard problems.isEmpty else { throw FeedbackRefused(problems: problems) }
        let unmatched = try await log.record(feedback)
        guard unmatched.isEmpty else {
            throw FeedbackRefused(problems: unmatched.map {
                FeedbackProblem(index: positions[$0], field: "prediction_id", detail: "names no logged prediction of \(schema.name)")
            })
        }
        return items.count
    }

    /// The production quality of model `version` (of every version when nil), overall and per
    /// window of prediction time, over the predictions with ground truth made since `since`.
    public func production(modelVersion version: Int?, window: DriftWindow = .day, since: Date? = nil) async throws -> ProductionReport {
        var labelled = try await log.labelled(since: since)
        if let version { labelled.removeAll { $0.modelVersion != version } }
        let classCount = schema.target.classes.count
        return ProductionReport(
            dataset: schema.name, modelVersion: version, classes: schema.target.classes, window: window.description,
            overall: ProductionMetrics(labelled[...], classCount: classCount),
            windows: Self.windows(labelled, by: window).map { range, start, end in
                ProductionReport.Window(start: start, end: end, metrics: ProductionMetrics(labelled[range], classCount: classCount))
            }
        )
    }

    /// Runs of `labelled` (sorted by prediction time) by window: calendar windows, or runs of N.
    static func windows(_ labelled: [LabelledPrediction], by window: DriftWindow) -> [(Range<Int>, Date, Date)] {
        var slices: [(Range<Int>, Date, Date)] = []
        var first = 0
        while first < labelled.count {
            var last = first
            let start: Date, end: Date
            if case .rows(let count) = window {
                last = min(first + count, labelled.count)
                (start, end) = (labelled[first].predictedAt, labelled[last - 1].predictedAt)
            } else {
                let from = window.start(of: labelled[first].predictedAt.timeIntervalSince1970)!
                let until = window.end(ofWindowStartingAt: from)
                while last < labelled.count, labelled[last].predictedAt.timeIntervalSince1970 < until { last += 1 }
                (start, end) = (Date(timeIntervalSince1970: from), Date(timeIntervalSince1970: until))
            }
            slices.append((first..<last, start, end))
            first = last
        }
        return slices
    }
}

extension GroundTruth {
    /// The ground truth in a CSV file (any dialect): a `prediction_id` column, or the dataset's
    /// id column for stored rows (a row may give either), and the true class in an `actual`
    /// column or one named after the target. Problems name the file's line, as a 1-based item
    /// index of ``FeedbackProblem``; `lines` gives the line each item starts on.
    public func items(inFile url: URL, overrides: CSVDialect.Overrides = .none) throws -> (items: [FeedbackItem], lines: [Int]) {
        var reader = try CSVReader(url: url, overrides: overrides)
        guard let header = try reader.next() else { throw PipelineError.invalidOption("\(url.path) is empty: it needs a header row") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let predictionColumn = names.firstIndex(of: "prediction_id")
        let rowColumn = names.firstIndex(of: schema.idColumnName)
        guard let actualColumn = names.firstIndex(of: "actual") ?? names.firstIndex(of: schema.target.name) else {
            throw PipelineError.unknownColumn("actual", expected: names)
        }
        guard predictionColumn != nil || rowColumn != nil else {
            throw PipelineError.invalidOption(
                "\(url.lastPathComponent) needs a prediction_id column or a \(schema.idColumnName) column; its columns are \(names.joined(separator: ", "))")
        }
        var items: [FeedbackItem] = []
        var lines: [Int] = []
        while let record = try reader.next() {
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func field(_ column: Int?) -> String? {
                guard let column, column < record.fields.count else { return nil }
                let text = record.fields[column].trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? nil : text
            }
            let reference: FeedbackItem.Reference
            if let id = field(predictionColumn) {
                reference = .prediction(id)
            } else if let id = field(rowColumn) {
                reference = .row(id)
            } else {
                throw PipelineError.invalidOption("line \(record.line): gives neither a prediction_id nor a \(schema.idColumnName)")
            }
            items.append(FeedbackItem(reference: reference, actual: field(actualColumn) ?? ""))
            lines.append(record.line)
        }
        guard !items.isEmpty else { throw PipelineError.invalidOption("\(url.lastPathComponent) holds no feedback rows") }
        return (items, lines)
    }
}
