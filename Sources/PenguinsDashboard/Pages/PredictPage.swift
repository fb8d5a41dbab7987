import PenguinsCore

/// The predict form and its answer.
enum PredictPage {
    /// Example values shown as placeholders in the empty form.
    static let examples: [Feature: String] = [.billLength: "45", .billDepth: "17", .flipperLength: "200", .bodyMass: "4200"]

    static func render(input: PredictInput, prediction: Prediction?, error: String?) -> String {
        var body = "<h1>Predict</h1><p class=\"lead\">The species of one penguin from its four measurements, by the current model.</p>"
        body += "<form class=\"panel\" method=\"get\" action=\"/predict\"><div class=\"row\">"
        for feature in Feature.allCases {
            let value = input.values[feature] ?? ""
            body += "<label>\(HTML.escape(label(feature)))<input type=\"number\" name=\"\(feature.rawValue)\" step=\"any\" required value=\"\(HTML.escape(value))\" placeholder=\"\(examples[feature]!)\"></label>"
        }
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
            body += HTML.note("Enter the four measurements and press <strong>Predict</strong>.")
        }
        return Layout.document(title: "Predict", current: .predict, body: body)
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
