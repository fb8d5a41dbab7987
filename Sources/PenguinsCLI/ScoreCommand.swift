import ArgumentParser
import PenguinsPipeline

struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Predict every warehouse row with the current model, write the prediction columns and fill the cache."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let report = try await Scorer(platform: try global.platform()).score()
            switch global.format {
            case .json: try printJSON(report)
            case .table: print(ScoreCommand.summary(report))
            }
        }
    }

    static func summary(_ report: ScoreReport) -> String {
        var table = TextTable("model version", "rows", "scored", "unscorable (missing measurement)", "cached", "seconds")
        table.add("\(report.modelVersion)", "\(report.rows)", "\(report.scored)", "\(report.unscorable)", "\(report.cached)", fixed(report.seconds, 2))
        return table.rendered
    }
}
