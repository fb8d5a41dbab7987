import ArgumentParser
import Foundation
import PenguinsPipeline
import Synchronization

/// Runs a command body and turns any error into one readable line on stderr and exit code 1.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        printError(String(describing: error))
        throw ExitCode.failure
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("penguins: error: \(message)\n".utf8))
}

/// Prints a value as indented JSON: snake_case keys, sorted, ISO 8601 dates.
/// - Parameter convertingKeys: turn camelCase keys into snake_case; false for values whose keys
///   are spelled already and that hold dictionaries of data (whose keys must stay as they are).
func printJSON(_ value: some Encodable, convertingKeys: Bool = true) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    if convertingKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// A plain text table: a header row, a rule and left-aligned text / right-aligned numbers.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }
    init(headers: [String]) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(cells: [String]) { rows.append(cells) }

    var rendered: String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            headers.indices.map { column in
                let cell = column < cells.count ? cells[column] : ""
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return looksNumeric(cell) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var out = [line(headers), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    private func looksNumeric(_ cell: String) -> Bool {
        !cell.isEmpty && Double(cell.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "%", with: "")) != nil
    }
}

/// Formats a number with a fixed count of decimals (or `-` for nil).
func fixed(_ value: Double?, _ decimals: Int = 3) -> String {
    guard let value else { return "-" }
    return String(format: "%.\(decimals)f", value)
}

/// Formats a p-value: fixed for ordinary values, scientific for tiny ones.
func pValue(_ value: Double) -> String {
    value != 0 && value < 1e-4 ? String(format: "%.3e", value) : String(format: "%.4f", value)
}

/// Prints progress of a long operation on a terminal: nothing for the first second, then a
/// line rewritten in place at most twice a second.
final class ProgressLine: Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    /// When the line was last printed (seconds since start), or nil before the first time.
    private let lastPrinted = Mutex<Double?>(nil)

    func update(rows: Int, elapsed: Double) {
        guard enabled, elapsed >= 1 else { return }
        let due = lastPrinted.withLock { last in
            guard last.map({ elapsed - $0 >= 0.5 }) ?? true else { return false }
            last = elapsed
            return true
        }
        guard due else { return }
        FileHandle.standardError.write(Data("\r\(rows) rows, \(Int(Double(rows) / elapsed)) rows/s   ".utf8))
    }

    func finish() {
        if lastPrinted.withLock({ $0 != nil }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
