import ArgumentParser

struct PenguinsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "penguins",
        abstract: "Palmer penguins from raw CSV to predictions and monitoring.",
        subcommands: [
            UpCommand.self, ServeCommand.self, IngestCommand.self, TrainCommand.self, ScoreCommand.self, PredictCommand.self,
            StatsCommand.self, RegressCommand.self, DriftCommand.self, GenerateCommand.self,
            FeedbackCommand.self, QuarantineCommand.self, ModelsCommand.self, DatasetsCommand.self, KeysCommand.self, BenchCommand.self,
        ]
    )
}
