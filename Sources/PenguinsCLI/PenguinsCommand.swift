import ArgumentParser

@main
struct PenguinsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "penguins", abstract: "Palmer penguins from raw CSV to predictions.")
}
