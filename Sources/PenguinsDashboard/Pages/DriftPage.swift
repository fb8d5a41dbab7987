import PenguinsCore
import PenguinsPipeline
import PenguinsStatistics

/// Drift of each feature between the reference (training) and current (production) samples,
/// and the control that simulates a shifted production stream.
enum DriftPage {
    static func render(report: DriftReport?, reference: DriftSample?, current: DriftSample?, message: String?, shiftable: [String]) -> String {
        var body = "<h1>Drift</h1><p class=\"lead\">Has what the model is asked in production moved away from what it was trained on? Each measurement is compared with the two-sample Kolmogorov–Smirnov test and the population stability index (PSI); species, island and sex with the chi-squared test of homogeneity.</p>"
        if let report {
            let threshold = Format.compact(report.threshold)
            body += "<p class=\"result\">"
            body += report.drift ? Layout.badge("DRIFT DETECTED", kind: .bad) : Layout.badge("no drift", kind: .good)
            body += " <span>\(HTML.escape(report.reference)) vs \(HTML.escape(report.current)); drift when a p-value is below \(HTML.escape(threshold)).</span></p>"
        } else {
            body += HTML.note(HTML.escapeWithCode(message ?? "Nothing to compare yet: the drift report needs a trained model and a production sample in the prediction log."))
        }
        body += simulationForm(shiftable: shiftable)

        if let report {
            body += "<h2>Measurements</h2>"
            for drift in report.features {
                body += featureSection(drift, reference: reference, current: current)
            }
            if !report.categorical.isEmpty {
                body += "<h2>Categorical columns</h2>"
                body += categoricalTable(report.categorical)
            }
        } else if let reference, case let sampled = DatasetColumns.numericNames(of: BundledSchemas.penguins)
                    .filter({ !(reference.values[$0] ?? []).isEmpty }), !sampled.isEmpty {
            // The numeric features the current model was trained on, in the schema's order.
            body += "<h2>Reference distributions</h2><p>What the current model was trained on; the production stream will be compared with these.</p>"
            body += Layout.grid(sampled.map { name in
                Layout.figure(HistogramChart(
                    title: name, xTitle: name, reference: reference.values[name] ?? [],
                    current: current?.values[name] ?? [], referenceName: "reference"
                ).render())
            })
        }
        return Layout.document(title: "Drift", current: .drift, body: body)
    }

    static func featureSection(_ drift: FeatureDrift, reference: DriftSample?, current: DriftSample?) -> String {
        var out = "<section class=\"feature-drift\(drift.drift ? " drifted" : "")\"><h3>\(HTML.escape(drift.feature)) "
        out += drift.drift ? Layout.badge("DRIFT DETECTED", kind: .bad) : Layout.badge("no drift", kind: .good)
        out += "</h3>"
        out += Layout.stats([
            ("reference rows", Format.integer(drift.referenceCount)),
            ("current rows", Format.integer(drift.currentCount)),
            ("KS statistic D", Format.fixed(drift.ks.statistic, 4)),
            ("KS p-value (\(drift.ks.method.rawValue))", Format.pValue(drift.ks.pValue)),
            ("PSI", Format.fixed(drift.psi.value, 4)),
        ])
        out += "<p>PSI verdict: \(psiBadge(drift.psi.verdict))</p>"
        let a = reference?.values[drift.feature] ?? []
        let b = current?.values[drift.feature] ?? []
        let marker = ECDFChart.Marker(
            x: drift.ks.statisticLocation,
            label: "largest gap D = \(Format.fixed(drift.ks.statistic, 4)) at \(Format.compact(drift.ks.statisticLocation))"
        )
        out += Layout.grid([
            Layout.figure(HistogramChart(title: "\(drift.feature): distributions", xTitle: drift.feature, reference: a, current: b).render()),
            Layout.figure(ECDFChart(title: "\(drift.feature): empirical CDFs", xTitle: drift.feature, reference: a, current: b, marker: marker).render()),
        ])
        out += "</section>"
        return out
    }

    static func psiBadge(_ verdict: PSIResult.Verdict) -> String {
        switch verdict {
        case .stable: Layout.badge("stable (PSI < 0.1)", kind: .good)
        case .moderate: Layout.badge("moderate shift (0.1 ≤ PSI < 0.25)", kind: .warning)
        case .significant: Layout.badge("significant shift (PSI ≥ 0.25)", kind: .bad)
        }
    }

    static func categoricalTable(_ rows: [CategoricalDrift]) -> String {
        HTML.table(
            headers: ["column", "reference counts", "current counts", "χ²", "df", "p-value", "verdict"],
            rows: rows.map { row in
                [.header(row.column), .text(levels(row.reference)), .text(levels(row.current)),
                 .number(Format.fixed(row.chiSquared.statistic, 3)), .number("\(row.chiSquared.degreesOfFreedom)"),
                 .number(Format.pValue(row.chiSquared.pValue)),
                 .markup(row.drift ? Layout.badge("DRIFT DETECTED", kind: .bad) : Layout.badge("no drift", kind: .good))]
            }
        )
    }

    private static func levels(_ counts: [String: Int]) -> String {
        counts.keys.sorted().map { "\($0) \(Format.integer(counts[$0]!))" }.joined(separator: ", ")
    }

    static func simulationForm(shiftable: [String]) -> String {
        var out = "<h2>Simulate a production stream</h2>"
        out += "<p>Generates synthetic penguins fitted per species on the stored ones (every feature of the schema, as <code>penguins generate --dataset NAME</code> does), adds <em>delta</em> to one numeric feature, sends them through the live model and appends the predictions to the prediction log, which is the production sample this page compares with the training one.</p>"
        guard Navigation.current.viewer.mayAdminister else { return out + HTML.note("Simulating needs an admin key.") }
        var fields = "<div class=\"row\"><label>feature<select name=\"feature\">"
        for (index, name) in shiftable.enumerated() {
            fields += "<option value=\"\(HTML.escape(name))\"\(index == 0 ? " selected" : "")>\(HTML.escape(name))</option>"
        }
        fields += "</select></label>"
        fields += "<label>delta<input type=\"number\" name=\"delta\" step=\"any\" value=\"5\" required></label>"
        fields += "<label>rows<input type=\"number\" name=\"rows\" min=\"1\" step=\"1\" value=\"1000\" required></label>"
        fields += "<button type=\"submit\">Simulate</button></div>"
        return out + Layout.postForm(action: "/drift/simulate", class: "panel", fields)
    }
}
