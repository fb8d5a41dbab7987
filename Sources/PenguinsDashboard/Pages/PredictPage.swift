import PenguinsCore

/// The predict form and its answer.
enum PredictPage {
    /// Example values shown as placeholders in the empty form.
    static let examples: [Feature: String] = [.billLength: "45", .billDepth: "17", .flipperLength: "200", .bodyMass: "4200"]

    static func render(input: PredictInput, prediction: Prediction?, error: String?) -> String {
        let measurementsOnly = input.fields.map(\.name) == Feature.allCases.map(\.rawValue)
        var body = "<h1>Predict</h1><p class=\"lead\">The species of one penguin from "
            + (measurementsOnly ? "its four measurements" : "the features it reads") + ", by the current model.</p>"
        body += "<form class=\"panel\" method=\"get\" action=\"/predict\"><div class=\"row\">"
        for field in input.fields { body += self.field(field, value: input.values[field.name] ?? "") }
        body += "<button type=\"submit\">Predict</button></div></form>"
        if let error {
            body += HTML.alert(error, title: "No prediction:")
        }
        if let prediction {
            body += "<h2>Prediction</h2>"
            body += "<p class=\"result\">Species: <strong>\(HTML.escape(prediction.species.rawValue))</strong> with probability \(HTML.escape(Format.percent(prediction.confidence))) (model version \(prediction.modelVersion)).</p>"
            let species = Species.allCases
            body += HTML.table(headers: ["species", "probability"], rows: species.map {
                [.header($0.rawValue), .number(Format.percent(prediction.probabilities[$0] ?? 0))]
            })
            body += Layout.grid([Layout.figure(BarChart(
                title: "Probability of each species", xTitle: "species", yTitle: "probability (%)",
                bars: species.map { ($0.rawValue, (prediction.probabilities[$0] ?? 0) * 100) },
                colorByCategory: true, decimals: 1, unit: " %"
            ).render())])
        } else if error == nil {
            body += HTML.note("Enter " + (measurementsOnly ? "the four measurements" : "the values") + " and press <strong>Predict</strong>.")
        }
        return Layout.document(title: "Predict", current: .predict, body: body)
    }

    /// One field of the form: a measurement with its label and example, another numeric feature
    /// with its unit and range, a categorical one as a choice of its levels.
    static func field(_ feature: FeatureColumn, value: String) -> String {
        let name = HTML.escape(feature.name)
        if let measurement = Feature(rawValue: feature.name) {
            return "<label>\(HTML.escape(label(measurement)))<input type=\"number\" name=\"\(name)\" step=\"any\" required value=\"\(HTML.escape(value))\" placeholder=\"\(examples[measurement]!)\"></label>"
        }
        switch feature.kind {
        case .numeric:
            let hint = feature.range.map { "\(Format.compact($0.lowerBound)) to \(Format.compact($0.upperBound))" } ?? ""
            return "<label>\(name)\(feature.unit.map { " (\(HTML.escape($0)))" } ?? "")<input type=\"number\" name=\"\(name)\" step=\"any\" required value=\"\(HTML.escape(value))\" placeholder=\"\(HTML.escape(hint))\"></label>"
        case .categorical:
            return "<label>\(name)<select name=\"\(name)\" required><option value=\"\"></option>"
                + feature.levels.map { "<option\($0 == value ? " selected" : "")>\(HTML.escape($0))</option>" }.joined() + "</select></label>"
        }
    }

    static func label(_ feature: Feature) -> String {
        switch feature {
        case .billLength: "bill length (mm)"
        case .billDepth: "bill depth (mm)"
        case .flipperLength: "flipper length (mm)"
        case .bodyMass: "body mass (g)"
        }
    }
}
