import ArgumentParser
import PenguinsCore

/// How to read a CSV file when the detected dialect is wrong: each option fixes one part of it.
struct CSVOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field separator: comma, semicolon, tab or pipe (default: detected from the header line).", valueName: "separator"))
    var delimiter: CSVDialect.Delimiter?

    @Option(help: ArgumentHelp("Decimal mark: point or comma (default: detected from the numbers).", valueName: "mark"))
    var decimal: CSVDialect.DecimalMark?

    @Option(help: ArgumentHelp("Text encoding: utf-8 or windows-1252 (default: UTF-8 when the bytes are UTF-8, else Windows-1252).", valueName: "name"))
    var encoding: CSVDialect.Encoding?

    /// The parts of the dialect given on the command line.
    var overrides: CSVDialect.Overrides {
        CSVDialect.Overrides(delimiter: delimiter, decimalMark: decimal, encoding: encoding)
    }
}

extension CSVDialect.Delimiter: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension CSVDialect.DecimalMark: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension CSVDialect.Encoding: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
