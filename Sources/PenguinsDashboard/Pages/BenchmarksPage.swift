import PenguinsPipeline

/// The store benchmark: the button that runs it and its results.
enum BenchmarksPage {
    static func render(results: [StoreLatency]?, error: String?) -> String {
        var body = "<h1>Benchmarks</h1><p class=\"lead\">How fast each store answers a single-key read: 100 warm-up reads, then 1,000 timed sequential reads of real penguin ids, against the stores this server is configured with (the same measurement as <code>penguins bench</code>).</p>"
        body += Navigation.current.viewer.mayAdminister
            ? Layout.postForm(action: "/benchmarks", class: "panel", "<button type=\"submit\">Run the benchmark</button> <span>takes a few seconds; the server keeps answering meanwhile.</span>")
            : HTML.note("Running the benchmark needs an admin key.")
        if let error {
            body += HTML.alert(error, title: "The benchmark failed:")
        }
        guard let results, !results.isEmpty else {
            if error == nil { body += HTML.note("No results yet: press <strong>Run the benchmark</strong>.") }
            return Layout.document(title: "Benchmarks", current: .benchmarks, body: body)
        }
        body += "<h2>Results</h2>"
        body += HTML.table(
            headers: ["store", "backend", "reads", "mean (ms)", "p50 (ms)", "p99 (ms)", "reads/s"],
            rows: results.map { result in
                [.header(result.store), .text(result.backend), .number(Format.integer(result.iterations)),
                 .number(Format.fixed(result.meanMilliseconds, 4)), .number(Format.fixed(result.p50Milliseconds, 4)),
                 .number(Format.fixed(result.p99Milliseconds, 4)), .number(Format.integer(Int(result.operationsPerSecond.rounded())))]
            }
        )
        body += Layout.grid([
            Layout.figure(BarChart(
                title: "Latency of one read (mean and p99)", xTitle: "store", yTitle: "milliseconds",
                categories: results.map(\.store),
                series: [
                    BarChart.Series(name: "mean", values: results.map(\.meanMilliseconds), color: Palette.cycle[0]),
                    BarChart.Series(name: "p99", values: results.map(\.p99Milliseconds), color: Palette.cycle[1]),
                ],
                decimals: 3
            ).render()),
        ])
        return Layout.document(title: "Benchmarks", current: .benchmarks, body: body)
    }
}
