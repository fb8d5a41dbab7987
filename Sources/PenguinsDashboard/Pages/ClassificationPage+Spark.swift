import PenguinsPipeline
import PenguinsStorage

extension ClassificationPage {
    /// The Spark model registered beside the Swift one, and how often their predictions agree
    /// on the warehouse (the shadow comparison, which the penguins' batch scoring with Spark
    /// makes); empty when the model has no Spark part.
    static func spark(_ model: SpeciesModel, shadow: ShadowComparison?) -> String {
        spark(model.artifact, shadow: shadow, scoresInBatch: true)
    }

    /// The Spark part of any dataset's model; `scoresInBatch` when `penguins score --engine`
    /// scores the dataset's warehouse with it.
    static func spark(_ artifact: ModelArtifact, shadow: ShadowComparison?, scoresInBatch: Bool) -> String {
        guard let spark = artifact.spark else { return "" }
        var out = "<h2>Spark shadow model</h2>"
        out += "<p>Trained on the cluster at <code>\(HTML.escape(spark.url))</code> (Spark \(HTML.escape(spark.sparkVersion))) "
            + "beside this Swift model, on the same features, saved at <code>\(HTML.escape(spark.modelPath))</code>. "
        out += scoresInBatch
            ? "It scores the warehouse in batch (<code>penguins score --engine sc://...</code>); the Swift model serves real-time requests.</p>"
            : "Its figures are measured by Spark's evaluator on the cluster's held-out split; the Swift model serves every prediction.</p>"
        var stats: [(label: String, value: String)] = [
            ("spark accuracy", Format.percent(spark.accuracy, 2)),
            ("spark macro F1", Format.fixed(spark.macroF1, 4)),
        ]
        guard scoresInBatch else { return out + Layout.stats(stats) }
        guard let shadow else {
            out += Layout.stats(stats)
            out += HTML.note("No Spark batch predictions for this version yet: run <code>penguins score --engine sc://HOST:PORT</code>.")
            return out
        }
        stats += [
            ("agreement", Format.percent(shadow.agreementRate, 2)),
            ("rows compared", Format.integer(shadow.compared)),
            ("rows that differ", Format.integer(shadow.compared - shadow.agreed)),
        ]
        out += Layout.stats(stats)
        if shadow.disagreements.isEmpty {
            out += HTML.note("Spark's batch predictions and the Swift model's agree on every row.")
        } else {
            out += HTML.table(
                headers: ["penguin", "island", "recorded species", "swift", "spark"],
                rows: shadow.disagreements.map { row in
                    [.header(row.penguinID), .text(row.island), .text(row.species), .text(row.swift), .text(row.spark)]
                },
                caption: "Rows where the two models differ (first \(shadow.disagreements.count) by penguin id)"
            )
        }
        return out
    }
}
