import Foundation
import PenguinsCore

/// Scratch files for tests, each in its own new temporary directory.
enum TestFiles {
    /// A new empty directory under the system's temporary directory.
    static func makeDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("penguins-core-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes `text` byte for byte to a new file and returns its URL.
    static func write(_ text: String, name: String = "data.csv") throws -> URL {
        let url = try makeDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Every record of `url`.
    static func records(of url: URL, chunkSize: Int = CSVReader.defaultChunkSize) throws -> [CSVRecord] {
        var reader = try CSVReader(url: url, chunkSize: chunkSize)
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// Every outcome of a penguin file, read in small batches.
    static func outcomes(of url: URL) throws -> [RowOutcome] {
        var file = try PenguinFile(url: url)
        var outcomes: [RowOutcome] = []
        while let batch = try file.nextBatch(maxCount: 50) { outcomes += batch }
        return outcomes
    }
}
