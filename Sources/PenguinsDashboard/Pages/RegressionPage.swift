import PenguinsCore
import PenguinsPipeline
import PenguinsStatistics

/// The regression lab: the form, then the fitted model or the error.
enum RegressionPage {
    /// The columns a regression lab offers, and where its form goes.
    struct Columns {
        var numeric: [String]
        var categorical: [String]
        /// The form's action: `/regression`, or `/datasets/NAME/regression`.
        var action: String
        /// The dataset named in the heading; nil for the penguins.
        var dataset: String?

        /// The penguins' columns, as their bundled schema has them.
        static let penguins = Columns(
            numeric: DatasetColumns.numericNames(of: BundledSchemas.penguins),
            categorical: DatasetColumns.categoricalNames(of: BundledSchemas.penguins), action: "/regression")
    }

    static func render(request: RegressionRequest, report: RegressionReport?, error: String?, columns: Columns = .penguins) -> String {
        let heading = columns.dataset.map { "Regression lab: \(HTML.escape($0))" } ?? "Regression lab"
        var body = "<h1>\(heading)</h1><p class=\"lead\">Fit an ordinary least squares regression of one numeric variable on numeric and categorical predictors (categorical ones enter as dummy variables against their first level). The rows are split at random into a training and a test set.</p>"
        body += form(request, columns: columns)
        if let error {
            body += HTML.alert(error, title: "The regression could not be fitted:")
        }
        if let report {
            body += result(report)
        } else if error == nil {
            body += HTML.note("Choose a target and predictors, then press <strong>Fit</strong>.")
        }
        return Layout.document(
            title: columns.dataset.map { "Regression lab: \($0)" } ?? "Regression lab", current: .regression,
            dataset: columns.dataset ?? BundledSchemas.defaultName, body: body)
    }

    static func form(_ request: RegressionRequest, columns: Columns) -> String {
        var out = "<form class=\"panel\" method=\"get\" action=\"\(HTML.escape(columns.action))\"><div class=\"row\">"
        out += "<label>target<select name=\"target\">"
        var targets = columns.numeric
        if !targets.contains(request.target) && !request.target.isEmpty { targets.append(request.target) }
        for name in targets {
            out += "<option value=\"\(HTML.escape(name))\"\(name == request.target ? " selected" : "")>\(HTML.escape(name))</option>"
        }
        out += "</select></label>"
        out += "<label>test fraction<input type=\"number\" name=\"test_fraction\" min=\"0\" max=\"0.95\" step=\"any\" value=\"\(HTML.escape(request.testFraction))\"></label>"
        out += "<label>seed<input type=\"number\" name=\"seed\" min=\"0\" step=\"1\" value=\"\(HTML.escape(request.seed))\"></label>"
        out += "</div><fieldset><legend>predictors</legend>"
        for name in columns.numeric + columns.categorical {
            let kind = columns.categorical.contains(name) ? " (categorical)" : ""
            out += "<label><input type=\"checkbox\" name=\"predictors\" value=\"\(HTML.escape(name))\"\(request.predictors.contains(name) ? " checked" : "")>\(HTML.escape(name + kind))</label>"
        }
        out += "</fieldset><button type=\"submit\">Fit</button></form>"
        return out
    }

    static func result(_ report: RegressionReport) -> String {
        let model = report.model
        var out = "<h2>Model: <code>\(HTML.escape(report.target)) ~ \(HTML.escape(report.predictors.joined(separator: " + ")))</code></h2>"
        out += Layout.stats([
            ("R²", Format.fixed(model.rSquared, 4)),
            ("adjusted R²", Format.fixed(model.adjustedRSquared, 4)),
            ("F (\(model.modelDegreesOfFreedom), \(model.residualDegreesOfFreedom))", Format.fixed(model.fStatistic, 2)),
            ("p-value of F", Format.pValue(model.fPValue)),
            ("residual std. error", Format.fixed(model.residualStandardError, 3)),
            ("AIC", Format.fixed(model.aic, 1)),
        ])
        out += HTML.table(headers: ["split", "rows", "MSE", "RMSE"], rows: [
            [.header("training"), .number(Format.integer(report.trainingRows)), .number(Format.fixed(report.trainingMSE, 3)), .number(Format.fixed(report.trainingRMSE, 3))],
            [.header("test"), .number(Format.integer(report.testRows)), .number(Format.fixed(report.testMSE, 3)), .number(Format.fixed(report.testRMSE, 3))],
        ], caption: "Error of the fit")
        if report.rowsWithMissingValues > 0 {
            out += "<p>\(Format.integer(report.rowsWithMissingValues)) rows with a missing target or predictor were left out.</p>"
        }
        out += "<h3>Coefficients</h3>"
        out += HTML.table(
            headers: ["term", "estimate", "std. error", "t", "p-value", "95 % interval"],
            rows: model.terms.map { term in
                [.header(term.name), .number(Format.fixed(term.estimate, 4)), .number(Format.fixed(term.standardError, 4)),
                 .number(Format.fixed(term.tStatistic, 3)), .number(Format.pValue(term.pValue)),
                 .number("[\(Format.fixed(term.lower95, 4)), \(Format.fixed(term.upper95, 4))]")]
            }
        )
        let split = report.testRows > 0 ? "test rows" : "training rows"
        out += "<h3>Fit</h3>"
        out += Layout.grid([
            Layout.figure(PredictedActualChart(title: "Predicted vs actual (\(split))", variable: report.target,
                                               actual: report.actual, predicted: report.predicted).render()),
            Layout.figure(ResidualChart(title: "Residuals (\(split))", variable: report.target,
                                        actual: report.actual, predicted: report.predicted).render()),
        ])
        return out
    }
}
