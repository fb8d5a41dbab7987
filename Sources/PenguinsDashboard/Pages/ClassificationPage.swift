import Foundation
import PenguinsML
import PenguinsPipeline
import PenguinsStorage

/// The species model: parameters, metrics, confusion matrix, importances and versions.
enum ClassificationPage {
    static func render(
        current: SpeciesModel?, versions: [ModelVersionSummary], shadow: ShadowComparison? = nil, production: ProductionReport? = nil,
        audit: [PromotionAudit] = []
    ) -> String {
        var body = "<h1>Classification</h1><p class=\"lead\">The random forest that predicts the species from the features it was trained on (the four measurements by default), evaluated on a held-out stratified split of the warehouse.</p>"
        if let current {
            body += model(current)
            body += self.production(production, heldOut: current.artifact.metrics.accuracy, feedbackRoute: "/api/v1/feedback")
            body += spark(current, shadow: shadow)
        } else {
            body += HTML.note("No model yet: run <code>penguins train</code> (or <code>penguins up</code>) to train the species model.")
        }
        body += "<h2>Versions</h2>"
        body += versionTable(versions)
        body += auditTable(audit)
        return Layout.document(title: "Classification", current: .classification, body: body)
    }

    /// A window of production is marked when its accuracy is this far below the held-out one.
    static let productionShortfall = 0.05
    /// The fewest answers a window of production is judged on.
    static let productionMinimumRows = 20

    /// The model's quality on its own predictions whose ground truth came back: the figures
    /// over all of them, and the accuracy by day against the held-out accuracy (dashed); a day
    /// more than five points below it is red, one with under 20 answers hollow. Nothing to show
    /// (no report: the log's store did not answer) leaves the section out.
    static func production(_ report: ProductionReport?, heldOut: Double, feedbackRoute: String) -> String {
        guard let report else { return "" }
        var out = "<h2>In production</h2>"
        guard let accuracy = report.overall.accuracy, let macroF1 = report.overall.macroF1 else {
            out += HTML.note("No ground truth yet for this version's predictions: report it with <code>POST \(HTML.escape(feedbackRoute))</code> (by the <code>prediction_id</code> each prediction carries, or a stored row's id) or <code>penguins feedback FILE</code>.")
            return out
        }
        out += Layout.stats([
            ("accuracy", Format.percent(accuracy, 2)),
            ("macro F1", Format.fixed(macroF1, 4)),
            ("answers", Format.integer(report.overall.rows)),
            ("held-out accuracy", Format.percent(heldOut, 2)),
        ])
        let points = report.windows.compactMap { window -> TimelineChart.Point? in
            guard let value = window.metrics.accuracy else { return nil }
            return TimelineChart.Point(
                label: DriftPage.windowLabel(window.start, window: report.window), value: value,
                drift: value < heldOut - productionShortfall, trusted: window.metrics.rows >= productionMinimumRows, rows: window.metrics.rows)
        }
        out += Layout.figure(TimelineChart(title: "Accuracy by \(report.window) in production", yTitle: "accuracy", points: points, threshold: heldOut).render())
        return out
    }

    static func model(_ model: SpeciesModel) -> String {
        self.model(version: model.version, artifact: model.artifact)
    }

    /// The current model of any dataset: metrics, parameters, per-class figures, confusion matrix, importances.
    static func model(version: Int, artifact: ModelArtifact) -> String {
        let metrics = artifact.metrics
        var out = "<h2>Current model: version \(version)</h2>"
        out += Layout.stats([
            ("accuracy", Format.percent(metrics.accuracy, 2)),
            ("macro F1", Format.fixed(metrics.macroF1, 4)),
            ("weighted F1", Format.fixed(metrics.weightedF1, 4)),
            ("training rows", Format.integer(artifact.trainingRows)),
            ("test rows", Format.integer(artifact.testRows)),
        ])
        if artifact.testRows == 0 {
            out += HTML.note("Trained without a test split: the metrics are measured on the training rows and flatter the model.")
        }
        let parameters = artifact.parameters
        out += "<h3>Parameters</h3>"
        out += HTML.table(headers: ["parameter", "value"], rows: [
            ("engine", artifact.engine),
            ("numTrees", "\(parameters.numTrees)"),
            ("maxDepth", "\(parameters.maxDepth)"),
            ("maxBins", "\(parameters.maxBins)"),
            ("minInstancesPerNode", "\(parameters.minInstancesPerNode)"),
            ("minInfoGain", Format.compact(parameters.minInfoGain)),
            ("impurity", parameters.impurity.rawValue),
            ("featureSubsetStrategy", parameters.featureSubsetStrategy.description),
            ("subsamplingRate", Format.compact(parameters.subsamplingRate)),
            ("bootstrap", parameters.bootstrap ? "true" : "false"),
            ("seed", "\(parameters.seed)"),
            ("testFraction", Format.compact(artifact.testFraction)),
            ("training data fingerprint", artifact.trainingFingerprint),
            ("created", Format.date(artifact.createdAt)),
        ].map { [.header($0.0), .text($0.1)] })

        out += "<h3>Per class</h3>"
        out += HTML.table(
            headers: ["class", "precision", "recall", "F1", "support"],
            rows: artifact.classLabels.indices.map { index in
                func at(_ values: [Double]) -> String { index < values.count ? Format.fixed(values[index], 4) : "-" }
                return [.header(artifact.classLabels[index]), .number(at(metrics.precision)), .number(at(metrics.recall)),
                        .number(at(metrics.f1)), .number(index < metrics.support.count ? Format.integer(metrics.support[index]) : "-")]
            }
        )
        let importances = artifact.forest.featureImportances
        out += Layout.grid([
            Layout.figure(HeatMapChart(confusionMatrix: metrics.confusionMatrix, classes: artifact.classLabels,
                                       title: "Confusion matrix (\(Format.integer(metrics.support.reduce(0, +))) rows)").render(),
                          caption: "Rows: the actual class; columns: the predicted one. The diagonal counts correct predictions."),
            Layout.figure(BarChart(
                title: "Feature importances", xTitle: "feature", yTitle: "importance",
                bars: artifact.featureNames.indices.map { (artifact.featureNames[$0], $0 < importances.count ? importances[$0] : 0) },
                decimals: 3
            ).render(), caption: "Mean decrease in impurity over the forest's splits, normalised to sum to 1."),
        ])
        return out
    }

    /// The versions, each not current with a promote button posting to `action`.
    static func versionTable(_ versions: [ModelVersionSummary], action: String = "/classification/promote") -> String {
        guard !versions.isEmpty else { return HTML.note("No model version is registered yet.") }
        let rows: [[HTML.Cell]] = versions.map { version in
            let action = version.isCurrent
                ? Layout.badge("current", kind: .good)
                : Navigation.current.viewer.mayAdminister
                    ? Layout.postForm(action: action, class: "inline", "<input type=\"hidden\" name=\"version\" value=\"\(version.version)\">"
                        + "<button type=\"submit\">Promote</button> <label class=\"muted\"><input type=\"checkbox\" name=\"force\" value=\"true\"> even if worse</label>")
                    : "<span class=\"muted\">promoting needs an admin key</span>"
            return [.header("version \(version.version)"), .text(Format.date(version.createdAt)), .markup(action)]
        }
        return HTML.table(headers: ["version", "created", "status"], rows: rows)
    }

    /// The audit trail: every promotion and rollback, newest first, with who made it and the
    /// comparison it was decided on.
    static func auditTable(_ trail: [PromotionAudit]) -> String {
        let out = "<h2>Promotions</h2>"
        guard !trail.isEmpty else { return out + HTML.note("No promotion yet.") }
        let rows: [[HTML.Cell]] = trail.map { entry in
            let comparison = entry.comparison.flatMap { try? JSONDecoder().decode(Summary.self, from: Data($0.utf8)) }
            return [
                .text(Format.date(entry.at)), .text(entry.action.rawValue), .text(entry.from.map { "version \($0)" } ?? "-"),
                .text("version \(entry.to)"), .text(entry.actor),
                .markup(entry.forced ? Layout.badge("forced", kind: .bad) : ""), .text(comparison?.summary ?? "-"),
            ]
        }
        return out + HTML.table(headers: ["when", "action", "from", "to", "by", "", "comparison"], rows: rows)
    }

    /// The sentence of a stored comparison.
    private struct Summary: Decodable {
        var summary: String
    }
}
