import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// The overview: counts of every store, the current model, the cache and links to every page.
enum OverviewPage {
    static func render(summary: PlatformSummary, cacheHits: Int, cacheMisses: Int, jobs: [JobStatus] = []) -> String {
        var body = "<h1>Overview</h1><p class=\"lead\">The platform at a glance: what each store holds, the model that answers, and how the cache is doing.</p>"
        let empty = summary.lakeDocuments == 0 && summary.warehouseRows == 0
        if empty { body += HTML.noDataYet }
        body += Layout.stats([
            ("Lake documents", Format.integer(summary.lakeDocuments)),
            ("Warehouse rows", Format.integer(summary.warehouseRows)),
            ("Quarantined rows", Format.integer(summary.quarantinedRows)),
            ("Prediction log entries", Format.integer(summary.predictionLogEntries)),
            ("Current model", summary.modelVersion.map { "version \($0)" } ?? "none"),
            ("Model accuracy", Format.percent(summary.accuracy)),
            ("Model macro F1", Format.fixed(summary.macroF1, 3)),
            ("Cache hit ratio", Format.hitRatio(hits: cacheHits, misses: cacheMisses)),
        ])
        body += "<p>Prediction cache: \(Format.integer(cacheHits)) hits, \(Format.integer(cacheMisses)) misses since the server started. Data directory: <code>\(HTML.escape(summary.dataDirectory))</code>.</p>"
        if summary.modelVersion == nil && !empty {
            body += HTML.note("No model yet: run <code>penguins train</code> (or <code>penguins up</code>) to train the species model.")
        }
        if summary.quarantinedRows > 0 {
            body += "<p>\(Format.integer(summary.quarantinedRows)) rows were rejected at ingestion; <code>penguins quarantine</code> lists them with their reasons.</p>"
        }

        body += "<h2>By \(HTML.escape(summary.partitionColumn))</h2>"
        let partitions = summary.partitions.sorted { $0.partition < $1.partition }
        if partitions.isEmpty {
            body += HTML.note("No warehouse rows yet.")
        } else {
            body += partitionTable(partitions, of: summary)
            body += Layout.grid([Layout.figure(BarChart(
                title: "Rows by \(summary.partitionColumn) and \(summary.targetColumn)", xTitle: summary.partitionColumn, yTitle: "rows",
                categories: partitions.map(\.partition),
                series: summary.classes.map { name in
                    BarChart.Series(name: name, values: partitions.map { Double($0.countByClass[name] ?? 0) })
                }
            ).render())])
        }

        body += jobsSection(jobs)

        body += "<h2>Pages</h2><ul class=\"links\">"
        for page in DashboardPage.allCases where page != .overview {
            body += "<li><a href=\"\(page.path)\">\(HTML.escape(page.title))</a><span>\(HTML.escape(page.summary))</span></li>"
        }
        body += "<li><a href=\"\(Layout.apiPath)\">API (OpenAPI 3.1)</a><span>Every JSON endpoint under <code>/api/v1</code>, with schemas and examples.</span></li>"
        body += "<li><a href=\"/metrics\">Metrics</a><span>Prometheus text: request counts, latencies, cache hits and misses.</span></li>"
        body += "</ul>"
        return Layout.document(title: "Overview", current: .overview, body: body)
    }

    /// The scheduled jobs (`serve --schedule`): each one's next run and how its last went.
    static func jobsSection(_ jobs: [JobStatus]) -> String {
        let out = "<h2>Scheduled jobs</h2>"
        guard !jobs.isEmpty else {
            return out + HTML.note("None: <code>penguins serve --schedule 'score daily 02:00' --schedule 'drift hourly'</code> runs batch scoring and drift on their own.")
        }
        let rows: [[HTML.Cell]] = jobs.map { job in
            let outcome = job.running ? Layout.badge("running", kind: .good)
                : job.lastOutcome.map { Layout.badge($0, kind: $0 == "ok" ? .good : .bad) } ?? "<span class=\"muted\">not run yet</span>"
            return [
                .header(job.schedule), .text(job.nextRun.map(Format.date) ?? "-"), .number(Format.integer(job.runs)),
                .text(job.lastStart.map(Format.date) ?? "-"), .number(job.lastDuration.map { Format.fixed($0, 2) + " s" } ?? "-"),
                .markup(outcome), .text(job.lastMessage ?? ""),
            ]
        }
        return out + HTML.table(headers: ["schedule", "next run", "runs", "last run", "took", "outcome", "what it did"], rows: rows)
    }

    private static func partitionTable(_ partitions: [PartitionAggregate], of summary: PlatformSummary) -> String {
        let headers = [summary.partitionColumn, "rows", "usable for training", "scored"] + summary.classes
            + summary.meanFeatures.map { "mean \($0)" }
        let rows: [[HTML.Cell]] = partitions.map { partition in
            [.header(partition.partition), .number(Format.integer(partition.count)), .number(Format.integer(partition.usableForTraining)),
             .number(Format.integer(partition.scored))]
                + summary.classes.map { .number(Format.integer(partition.countByClass[$0] ?? 0)) }
                + summary.meanFeatures.map { .number(Format.fixed(partition.means[$0], 1)) }
        }
        return HTML.table(headers: headers, rows: rows, caption: "Rows, \(summary.targetColumn) and feature means per \(summary.partitionColumn)")
    }
}
