import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

extension ClassificationPage {
    /// The Spark model registered beside the Swift one, and how often their predictions agree
    /// on the warehouse (the shadow comparison, which the penguins' batch scoring with Spark
    /// makes); empty when the model has no Spark part.
    static func spark(_ model: SpeciesModel, shadow: ShadowComparison?) -> String {
        spark(model.artifact, dataset: nil, shadow: shadow.map { shadow in
            Shadow(compared: shadow.compared, agreed: shadow.agreed, agreementRate: shadow.agreementRate,
                   headers: ["penguin", "island", "recorded species", "swift", "spark"],
                   rows: shadow.disagreements.map { [$0.penguinID, $0.island, $0.species, $0.swift, $0.spark] })
        })
    }

    /// The Spark part of the model of a dataset other than the penguins.
    static func spark(_ artifact: ModelArtifact, dataset: DatasetSchema, shadow: DatasetShadow?) -> String {
        spark(artifact, dataset: dataset.name, shadow: shadow.map { shadow in
            Shadow(compared: shadow.compared, agreed: shadow.agreed, agreementRate: shadow.agreementRate,
                   headers: [dataset.idColumnName, dataset.partition, "recorded \(dataset.target.name)", "swift", "spark"],
                   rows: shadow.disagreements.map { [$0.id, $0.partition, $0.actual, $0.swift, $0.spark] })
        })
    }

    /// What the shadow comparison found, whatever the dataset.
    struct Shadow {
        var compared: Int
        var agreed: Int
        var agreementRate: Double
        var headers: [String]
        var rows: [[String]]
    }

    private static func spark(_ artifact: ModelArtifact, dataset: String?, shadow: Shadow?) -> String {
        guard let spark = artifact.spark else { return "" }
        let scoreCommand = "penguins score\(dataset.map { " --dataset \($0)" } ?? "") --engine sc://HOST:PORT"
        var out = "<h2>Spark shadow model</h2>"
        out += "<p>Trained on the cluster at <code>\(HTML.escape(spark.url))</code> (Spark \(HTML.escape(spark.sparkVersion))) "
            + "beside this Swift model, on the same features, saved at <code>\(HTML.escape(spark.modelPath))</code>. It scores the warehouse in batch "
            + "(<code>\(HTML.escape(scoreCommand))</code>); the Swift model serves real-time requests.</p>"
        var stats: [(label: String, value: String)] = [
            ("spark accuracy", Format.percent(spark.accuracy, 2)),
            ("spark macro F1", Format.fixed(spark.macroF1, 4)),
        ]
        guard let shadow else {
            out += Layout.stats(stats)
            out += HTML.note("No Spark batch predictions for this version yet: run <code>\(HTML.escape(scoreCommand))</code>.")
            return out
        }
        stats += [
            ("agreement", Format.percent(shadow.agreementRate, 2)),
            ("rows compared", Format.integer(shadow.compared)),
            ("rows that differ", Format.integer(shadow.compared - shadow.agreed)),
        ]
        out += Layout.stats(stats)
        if shadow.rows.isEmpty {
            out += HTML.note("Spark's batch predictions and the Swift model's agree on every row.")
        } else {
            out += HTML.table(
                headers: shadow.headers,
                rows: shadow.rows.map { row in [.header(row[0])] + row.dropFirst().map { HTML.Cell.text($0) } },
                caption: "Rows where the two models differ (first \(shadow.rows.count) by \(shadow.headers[0]))"
            )
        }
        return out
    }
}
