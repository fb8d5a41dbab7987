import Foundation
import Hummingbird
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage
import Synchronization

extension Endpoints {
    /// `POST /feedback` and `POST /datasets/{dataset}/feedback`: records the true class of
    /// earlier predictions (by `prediction_id`) or stored rows (by `id`), all of them or none,
    /// and answers with the current model's production quality.
    func recordFeedback(_ request: Request, dataset: String) async throws -> Response {
        let schema = Platform.isDefaultDataset(dataset) ? penguinLog.schema : try await session(dataset).schema
        let body = try await Self.jsonBody(request, limit: PenguinsServer.maximumBatchBodySize)
        var errors: [FieldError] = []
        let members = try Self.batchItems(body, member: "feedback", noun: "answers", errors: &errors)
        var items: [FeedbackItem] = []
        for (index, member) in members.enumerated() {
            if let item = Self.feedbackItem(member, field: "feedback[\(index)]", errors: &errors) { items.append(item) }
        }
        guard errors.isEmpty else { throw Problem.invalidBody(Array(errors.prefix(100))) }
        // A prediction answered a moment ago may still wait in the log's buffer.
        _ = try? await logWriter.flush()
        let truth = try await store(.predictionLog) { [platform] in try await GroundTruth(dataset: schema, platform: platform) }
        let recorded: Int
        do {
            recorded = try await store(.predictionLog) { [items] in try await truth.record(items) }
        } catch let refused as FeedbackRefused {
            throw Problem.invalidBody(refused.problems.prefix(100).map {
                FieldError(field: "feedback[\($0.index)].\($0.field)", detail: $0.detail)
            })
        }
        metrics.feedbackRecorded(dataset: schema.name, count: recorded)
        productionCache.forget(schema.name)
        let version = try await store(.registry) { [platform] in try await platform.registry(ofDataset: schema.name).current()?.version }
        let production = try await production(of: schema, version: version)
        return try Responses.json(encoding: FeedbackResult(dataset: schema.name, recorded: recorded, production: production))
    }

    /// One answer of a feedback body: `prediction_id` or `id`, and `actual`; nil (with the
    /// errors appended, named from `field`) when it is not one.
    static func feedbackItem(_ value: JSONInput, field: String, errors: inout [FieldError]) -> FeedbackItem? {
        guard case .object(let members) = value else {
            errors.append(FieldError(field: field, detail: "must be an object with prediction_id (or id) and actual, not \(value.kind)"))
            return nil
        }
        var texts: [String: String] = [:]
        let errorCount = errors.count
        for (key, member) in members {
            guard ["prediction_id", "id", "actual"].contains(key) else {
                errors.append(FieldError(field: "\(field).\(key)", detail: "is not a known field; expected prediction_id or id, and actual"))
                continue
            }
            guard case .string(let text) = member, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                errors.append(FieldError(field: "\(field).\(key)", detail: "must be a non-empty string, not \(member.kind)"))
                continue
            }
            texts[key] = text
        }
        guard errors.count == errorCount else { return nil }
        guard let actual = texts["actual"] else {
            errors.append(FieldError(field: "\(field).actual", detail: "is required: the true class"))
            return nil
        }
        switch (texts["prediction_id"], texts["id"]) {
        case (let prediction?, nil): return FeedbackItem(reference: .prediction(prediction), actual: actual)
        case (nil, let row?): return FeedbackItem(reference: .row(row), actual: actual)
        case (nil, nil):
            errors.append(FieldError(field: "\(field).prediction_id", detail: "is required (or id, for a stored row)"))
        case (.some, .some):
            errors.append(FieldError(field: "\(field).id", detail: "goes without prediction_id: an answer judges one prediction"))
        }
        return nil
    }

    /// The production quality of `version` of the dataset's model (nil: every version) by day,
    /// reused for a few seconds unless ground truth was recorded meanwhile; the gauges follow it.
    func production(of schema: DatasetSchema, version: Int?) async throws -> ProductionReport {
        if let cached = productionCache.report(of: schema.name, version: version) { return cached }
        let report = try await store(.predictionLog) { [platform] in
            try await GroundTruth(dataset: schema, platform: platform).production(modelVersion: version)
        }
        productionCache.store(report)
        metrics.production(dataset: schema.name, report.overall)
        return report
    }
}

/// The answer of `POST /feedback`.
struct FeedbackResult: Encodable {
    var dataset: String
    var recorded: Int
    var production: ProductionReport
}

/// The production reports computed last, by dataset, for a few seconds: `GET /model` is polled,
/// and the report reads every answer of the dataset's ground truth.
final class ProductionReportCache: Sendable {
    let lifetime: Duration
    private let entries = Mutex<[String: (report: ProductionReport, expires: ContinuousClock.Instant)]>([:])

    init(lifetime: Duration = .seconds(5)) {
        self.lifetime = lifetime
    }

    func report(of dataset: String, version: Int?) -> ProductionReport? {
        entries.withLock { entries in
            guard let entry = entries[dataset], entry.report.modelVersion == version, entry.expires > .now else { return nil }
            return entry.report
        }
    }

    func store(_ report: ProductionReport) {
        entries.withLock { $0[report.dataset] = (report, .now + lifetime) }
    }

    func forget(_ dataset: String) {
        _ = entries.withLock { $0.removeValue(forKey: dataset) }
    }
}
