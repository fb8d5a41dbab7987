import Foundation
import PenguinsCore
import PenguinsPipeline
import Testing
@testable import PenguinsDashboard

@Suite struct EscapingTests {
    let attack = "<script>alert(1)</script>"

    @Test func escapeNeutralisesMarkupAndQuotes() {
        #expect(HTML.escape(attack) == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(HTML.escape("a & b") == "a &amp; b")
        #expect(HTML.escape("\"x\" 'y'") == "&quot;x&quot; &#39;y&#39;")
        #expect(HTML.escape("Adelie Penguin (Pygoscelis adeliae)") == "Adelie Penguin (Pygoscelis adeliae)")
        #expect(HTML.escape("") == "")
    }

    @Test func backquotedCommandsBecomeCodeAndStayInert() {
        #expect(HTML.escapeWithCode("run `penguins ingest` first") == "run <code>penguins ingest</code> first")
        #expect(HTML.escapeWithCode("a `<b>` and `c") == "a <code>&lt;b&gt;</code> and `c")
        #expect(HTML.escapeWithCode("no code") == "no code")
        #expect(HTML.escapeWithCode("`\(attack)`") == "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>")
    }

    @Test func errorsAndMessagesArePrintedInert() {
        let pages = [
            Pages.error(status: 404, title: attack, detail: "no penguin \(attack)"),
            Pages.regression(request: RegressionRequest(defaultOf: BundledSchemas.penguins), report: nil, error: "unknown column \(attack)"),
            Pages.drift(report: nil, reference: nil, current: nil, message: attack),
            Pages.predict(input: PredictInput(), prediction: nil, error: attack),
            Pages.benchmarks(results: nil, error: attack),
        ]
        for html in pages {
            #expect(!html.contains(attack))
            #expect(!html.contains("<script"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test func echoedFormValuesCannotBreakOutOfTheirAttributes() {
        let quote = "\"><script>alert(1)</script>"
        let regression = Pages.regression(
            request: RegressionRequest(target: quote, predictors: [quote], testFraction: quote, seed: quote), report: nil, error: nil
        )
        let predict = Pages.predict(input: PredictInput(values: ["bill_length_mm": quote]), prediction: nil, error: nil)
        for html in [regression, predict] {
            #expect(!html.contains("<script"))
            #expect(!html.contains(quote))
            #expect(html.contains("&quot;&gt;&lt;script&gt;"))
        }
    }

    @Test func namesFromTheDataArePrintedInert() async throws {
        // Level names come from the CSV (a sex or island column could hold anything).
        var reference = DriftSample(values: [Feature.billLength.rawValue: [40, 41, 42]], categories: ["sex": [attack: 3]])
        reference.categories["island"] = ["Biscoe": 3]
        let current = DriftSample(values: [Feature.billLength.rawValue: [40, 41, 43]], categories: ["sex": [attack: 2, "male": 1], "island": ["Biscoe": 3]])
        let report = try DriftAnalysis().compare(reference: reference, current: current, referenceName: attack, currentName: "production")
        let html = Pages.drift(report: report, reference: reference, current: current, message: nil)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; 3"))

        var summary = try await emptySummary()
        summary.dataDirectory = "/data/\(attack)"
        let overview = Pages.overview(summary: summary, cacheHits: 1, cacheMisses: 1)
        #expect(!overview.contains("<script"))
    }
}
