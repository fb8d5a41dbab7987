import Foundation

/// The folder the tests of one process write their files, stores and servers' data under,
/// `<temporary folder>/penguins-tests-<process id>`: removed when the process exits, so that
/// test runs leave nothing behind in the machine's temporary folder.
public enum Scratch {
    public static let directory: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("penguins-tests-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        // A folder of a process that had the same id and did not exit (a crash) is stale.
        try? FileManager.default.removeItem(at: url)
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            fatalError("cannot make the tests' folder \(url.path): \(error)")
        }
        atexit { Scratch.remove() }
        return url
    }()

    private static func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
