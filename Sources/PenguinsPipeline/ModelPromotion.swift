import Foundation
import PenguinsCore
import PenguinsML
import PenguinsStorage

/// How a candidate model version does against the current one on the same rows: the
/// candidate's held-out rows, and the predictions whose ground truth came back.
public struct ModelComparison: Encodable, Sendable, Equatable {
    /// One version's scores on the rows of an ``Evaluation``.
    public struct Scores: Encodable, Sendable, Equatable {
        public var accuracy: Double
        public var macroF1: Double

        enum CodingKeys: String, CodingKey {
            case accuracy
            case macroF1 = "macro_f1"
        }
    }

    /// Both versions on the same rows.
    public struct Evaluation: Encodable, Sendable, Equatable {
        /// Rows both versions could predict (each has every feature either reads).
        public var rows: Int
        public var candidate: Scores
        public var current: Scores
        /// The candidate's accuracy minus the current version's.
        public var accuracyChange: Double

        enum CodingKeys: String, CodingKey {
            case rows, candidate, current
            case accuracyChange = "accuracy_change"
        }
    }

    public var candidate: Int
    public var current: Int
    /// How much less accurate the candidate may be before it is refused.
    public var margin: Double
    /// Nil when no held-out row has every feature of both versions.
    public var heldOut: Evaluation?
    /// Nil when fewer than ``ModelPromotion/minimumProductionRows`` answers both versions can predict came back.
    public var production: Evaluation?
    /// True when the candidate is less accurate than the current version by more than the
    /// margin on the held-out rows or in production.
    public var worse: Bool
    /// One sentence: what was compared and the verdict, with the shortfall when worse.
    public var summary: String

    enum CodingKeys: String, CodingKey {
        case candidate, current, margin, production, worse, summary
        case heldOut = "held_out"
    }

    /// The comparison as compact JSON, as the audit trail keeps it.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// A promotion refused because the candidate is worse than the current version by more than the margin.
public struct PromotionRefused: Error, CustomStringConvertible {
    public var comparison: ModelComparison

    public var description: String {
        "model version \(comparison.candidate) was not promoted: \(comparison.summary); pass --force (the API: force=true) to promote it anyway"
    }
}

/// What a promotion did: the version current before and the comparison it was decided on.
public struct PromotionOutcome: Sendable, Equatable {
    public var previous: Int?
    public var comparison: ModelComparison?
}

/// Promotes model versions of a dataset behind a gate: a candidate less accurate than the
/// current version by more than a margin, on the candidate's held-out rows or on the
/// predictions with ground truth, is refused unless forced. Every promotion and rollback goes
/// into the registry's audit trail with who made it and the comparison.
public struct ModelPromotion: Sendable {
    /// By default a candidate may be one accuracy point below the current version.
    public static let defaultMargin = 0.01
    /// The fewest answers with ground truth the production comparison counts on.
    public static let minimumProductionRows = 30

    public let platform: Platform
    public let schema: DatasetSchema
    public var margin: Double

    public init(platform: Platform, schema: DatasetSchema, margin: Double = ModelPromotion.defaultMargin) {
        self.platform = platform
        self.schema = schema
        self.margin = margin
    }

    /// Compares `candidate` with the current version; nil when there is no current version or
    /// it is the candidate.
    public func compare(candidate version: Int) async throws -> ModelComparison? {
        try await compare(candidate: version, stores: try await platform.modelStores(of: schema)).comparison
    }

    /// ``compare(candidate:)`` on stores already opened, with the version current now (nil before the first promotion).
    private func compare(
        candidate version: Int, stores: (warehouse: any RecordWarehouse, registry: any ModelRegistry)
    ) async throws -> (current: Int?, comparison: ModelComparison?) {
        let (warehouse, registry) = stores
        guard let current = try await registry.current() else { return (nil, nil) }
        guard current.version != version else { return (version, nil) }
        guard let registered = try await registry.model(version: version) else {
            throw StorageError.notFound("model version \(version); list the versions with `penguins models list`")
        }
        let schema = warehouse.schema
        let candidateModel = try DatasetModel(version: version, artifact: try ModelArtifact.decode(registered.artifact), schema: schema)
        let currentModel = try DatasetModel(version: current.version, artifact: try ModelArtifact.decode(current.artifact), schema: schema)

        let heldOutEvaluation = try await heldOutEvaluation(of: candidateModel, besides: currentModel, in: warehouse)
        let labelled = try await platform.tables(for: schema).predictionLog.labelled(since: nil)
        var production = Self.evaluate(candidateModel, currentModel, rows: labelled.map(\.features), labels: labelled.map(\.actualClass))
        if let rows = production?.rows, rows < Self.minimumProductionRows { production = nil }
        return (current.version, Self.verdict(candidate: version, current: current.version, margin: margin, heldOut: heldOutEvaluation, production: production))
    }

    /// Makes `version` current on behalf of `actor` unless the gate refuses it (``PromotionRefused``);
    /// `force` promotes a worse candidate anyway, and the audit trail says so.
    @discardableResult
    public func promote(version: Int, actor: String, force: Bool = false) async throws -> PromotionOutcome {
        let stores = try await platform.modelStores(of: schema)
        let (previous, comparison) = try await compare(candidate: version, stores: stores)
        if let comparison, comparison.worse, !force { throw PromotionRefused(comparison: comparison) }
        try await stores.registry.promote(version: version, audit: PromotionAudit(
            action: .promote, at: Date(), from: previous, to: version, actor: actor,
            forced: force && comparison?.worse == true, comparison: comparison?.json))
        return PromotionOutcome(previous: previous, comparison: comparison)
    }

    /// The gate `train` applies to the version it registered: made current (by `train`) unless
    /// it is worse than the current version, in which case it stays a candidate (with `force`,
    /// it is made current anyway).
    public func promoteTrained(version: Int, force: Bool = false) async throws -> (promoted: Bool, comparison: ModelComparison?) {
        do {
            let outcome = try await promote(version: version, actor: "train", force: force)
            return (true, outcome.comparison)
        } catch let refused as PromotionRefused {
            return (false, refused.comparison)
        }
    }

    /// Both models on the candidate's held-out rows as the warehouse holds them now: its
    /// stratified split (its seed and test fraction) of the rows with every feature it reads,
    /// which are the rows it was evaluated on while the warehouse has not changed. The table is
    /// read a chunk at a time, the complete rows kept compactly, and the held-out ones predicted
    /// a part at a time, so that memory stays near the size of the rows' values.
    func heldOutEvaluation(of candidate: DatasetModel, besides current: DatasetModel, in warehouse: any RecordWarehouse) async throws -> ModelComparison.Evaluation? {
        let indices = Array(Set(candidate.featureIndices + current.featureIndices)).sorted()
        let position = Dictionary(uniqueKeysWithValues: indices.enumerated().map { ($1, $0) })
        let needed = candidate.featureIndices.map { position[$0]! }
        let empty = CompleteRows(expectedRows: try await warehouse.count(), required: needed, fingerprinted: false)
        let complete: CompleteRows
        if let folded = try await warehouse.foldColumns(featureIndices: indices, chunk: Self.chunk, into: empty, { rows, chunk in
            rows.add(chunk)
            return true
        }) {
            complete = folded.state
        } else {
            var rows = CompleteRows(expectedRows: 0, required: needed, fingerprinted: false)
            rows.add(try await warehouse.columns(featureIndices: indices, predictions: false))
            complete = rows
        }
        let split = StratifiedSplit.split(labels: complete.labels, testFraction: candidate.artifact.testFraction, seed: candidate.artifact.parameters.seed)
        let evaluated = split.test.isEmpty ? split.train : split.test
        var predictions = PairedPredictions(candidate: candidate, current: current)
        let width = indices.count
        for start in stride(from: 0, to: evaluated.count, by: Self.chunk) {
            let part = evaluated[start..<min(start + Self.chunk, evaluated.count)]
            let rows = part.map { row -> [Double?] in
                var features = [Double?](repeating: nil, count: candidate.schema.features.count)
                for (column, schemaIndex) in indices.enumerated() {
                    let value = complete.values[row * width + column]
                    features[schemaIndex] = value.isNaN ? nil : value
                }
                return features
            }
            predictions.add(rows: rows, labels: part.map { complete.labels[$0] })
        }
        return predictions.evaluation
    }

    /// The rows read at a time, and predicted at a time.
    static let chunk = 100_000

    /// Both models on the rows both can predict; nil when there is none.
    static func evaluate(_ candidate: DatasetModel, _ current: DatasetModel, rows: [[Double?]], labels: [Int]) -> ModelComparison.Evaluation? {
        var predictions = PairedPredictions(candidate: candidate, current: current)
        predictions.add(rows: rows, labels: labels)
        return predictions.evaluation
    }

    /// Both models' predictions of labelled rows, gathered a part at a time.
    private struct PairedPredictions {
        let candidate: DatasetModel
        let current: DatasetModel
        var truth: [Int] = []
        var candidatePredicted: [Int] = []
        var currentPredicted: [Int] = []

        init(candidate: DatasetModel, current: DatasetModel) {
            self.candidate = candidate
            self.current = current
        }

        /// Predicts `rows` (features by schema index) with both; a row either cannot predict is left out.
        mutating func add(rows: [[Double?]], labels: [Int]) {
            let first = candidate.probabilities(rows)
            let second = current.probabilities(rows)
            for index in rows.indices {
                guard let a = first[index], let b = second[index] else { continue }
                truth.append(labels[index])
                candidatePredicted.append(candidate.prediction(from: a, at: .distantPast).predictedClass)
                currentPredicted.append(current.prediction(from: b, at: .distantPast).predictedClass)
            }
        }

        /// The two models' accuracy and macro F1 on the rows both predicted; nil when none.
        var evaluation: ModelComparison.Evaluation? {
            guard !truth.isEmpty else { return nil }
            let classCount = candidate.schema.target.classes.count
            let a = ClassificationMetrics(actual: truth, predicted: candidatePredicted, classCount: classCount)
            let b = ClassificationMetrics(actual: truth, predicted: currentPredicted, classCount: classCount)
            return ModelComparison.Evaluation(
                rows: truth.count, candidate: .init(accuracy: a.accuracy, macroF1: a.macroF1), current: .init(accuracy: b.accuracy, macroF1: b.macroF1),
                accuracyChange: a.accuracy - b.accuracy)
        }
    }

    /// The verdict and its sentence.
    static func verdict(
        candidate: Int, current: Int, margin: Double, heldOut: ModelComparison.Evaluation?, production: ModelComparison.Evaluation?
    ) -> ModelComparison {
        func points(_ value: Double) -> String { String(format: "%.1f", abs(value) * 100) }
        var findings: [String] = []
        var worse = false
        for (name, evaluation) in [("held-out", heldOut), ("production", production)] {
            guard let evaluation else { continue }
            let change = evaluation.accuracyChange
            let comparison = change < 0 ? "\(points(change)) points less accurate than" : change > 0 ? "\(points(change)) points more accurate than" : "as accurate as"
            findings.append("on \(evaluation.rows) \(name) rows version \(candidate) is \(comparison) version \(current)")
            if change < -margin { worse = true }
        }
        let summary = findings.isEmpty
            ? "no row could be predicted by both version \(candidate) and version \(current); nothing to compare"
            : findings.joined(separator: ", and ") + " (margin \(points(margin)) points)"
        return ModelComparison(candidate: candidate, current: current, margin: margin, heldOut: heldOut, production: production, worse: worse, summary: summary)
    }
}
