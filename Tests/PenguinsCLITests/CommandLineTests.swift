import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// The result of running the `penguins` executable.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String

    /// The standard output parsed as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(standardOutput.utf8)) as? [String: Any])
    }
}

/// Runs the built `penguins` executable with a private data directory.
struct PenguinsExecutable {
    /// How long one command may run before it is stopped and the test fails.
    static let defaultTimeout: Duration = .seconds(300)

    let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("penguins-cli-\(UUID().uuidString)")
    /// Variables set for every command, over the test process's own.
    var environment: [String: String] = [:]

    /// The environment a command runs with.
    var processEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.merging(environment) { _, set in set }
    }

    /// The executable sits beside the test bundle in the build products folder.
    static var url: URL {
        Bundle.main.bundleURL.appendingPathComponent("penguins")
    }

    /// Runs `penguins ARGUMENTS --data-dir DIR`; throws ``CommandTimeout`` (failing the test)
    /// when it has not finished within `timeout`.
    @discardableResult
    /// Runs the command and waits for it. (Waiting on a thread of its own instead, with Foundation's
    /// `Process`, left the suite hanging now and then when a disposable server stopped at the same time.)
    func run(_ arguments: String..., timeout: Duration = defaultTimeout) async throws -> CommandResult {
        try runCommand(Self.url, arguments + ["--data-dir", dataDirectory.path], environment: processEnvironment, timeout: timeout)
    }

    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

/// A command that did not finish in time, with what it had written until it was stopped.
struct CommandTimeout: Error, CustomStringConvertible {
    var command: [String]
    var timeout: Duration
    var killed: Bool
    var standardOutput: String
    var standardError: String

    var description: String {
        let stop = killed ? "SIGTERM, then SIGKILL" : "SIGTERM"
        return "`\(command.joined(separator: " "))` did not finish within \(timeout) and was stopped (\(stop)).\n"
            + "standard output so far:\n\(standardOutput)\nstandard error so far:\n\(standardError)"
    }
}

/// Runs `executable` with `arguments`, collecting both outputs as they come (so neither pipe
/// can fill and block the program). A program still running after `timeout` gets SIGTERM,
/// then SIGKILL after `grace`, and ``CommandTimeout`` is thrown with its output so far.
func runCommand(
    _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, timeout: Duration,
    grace: Duration = .seconds(5)
) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let outputPipe = Pipe()
    let errorPipe = Pipe()
    process.standardOutput = outputPipe
    process.standardError = errorPipe
    process.standardInput = FileHandle.nullDevice
    try process.run()

    var output = OutputCollector(outputPipe.fileHandleForReading.fileDescriptor, errorPipe.fileHandleForReading.fileDescriptor)
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    // Until both outputs end and the program has exited, or the deadline.
    while !(output.finished && !process.isRunning), clock.now < deadline {
        output.read(waitingAtMost: min(.milliseconds(100), deadline - clock.now))
    }
    if output.finished && !process.isRunning {
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, standardOutput: output.standardOutput, standardError: output.standardError)
    }

    process.terminate()
    var killed = false
    let killTime = clock.now + grace
    while process.isRunning, clock.now < killTime {
        output.read(waitingAtMost: .milliseconds(50))
    }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        killed = true
        let reapTime = clock.now + .seconds(5)
        while process.isRunning, clock.now < reapTime { output.read(waitingAtMost: .milliseconds(50)) }
    }
    // What is left in the pipes, without waiting for a descendant that may still hold them.
    output.read(waitingAtMost: .zero)
    throw CommandTimeout(
        command: [executable.path] + arguments, timeout: timeout, killed: killed,
        standardOutput: output.standardOutput, standardError: output.standardError
    )
}

/// Reads a program's standard output and error as they arrive, with poll(2).
struct OutputCollector {
    private var descriptors: [Int32]
    private var open: [Bool] = [true, true]
    private var data: [Data] = [Data(), Data()]

    init(_ standardOutput: Int32, _ standardError: Int32) {
        descriptors = [standardOutput, standardError]
    }

    /// True once both outputs have ended.
    var finished: Bool { !open.contains(true) }
    var standardOutput: String { String(decoding: data[0], as: UTF8.self) }
    var standardError: String { String(decoding: data[1], as: UTF8.self) }

    /// Waits up to `limit` for output, then reads what is there.
    mutating func read(waitingAtMost limit: Duration) {
        let milliseconds = max(0, limit / .milliseconds(1))
        let indices = open.indices.filter { open[$0] }
        guard !indices.isEmpty else {
            // Both outputs have ended: only the exit is awaited.
            Thread.sleep(forTimeInterval: milliseconds / 1_000)
            return
        }
        var polled = indices.map { pollfd(fd: descriptors[$0], events: Int16(POLLIN), revents: 0) }
        guard poll(&polled, nfds_t(polled.count), Int32(milliseconds.rounded(.up))) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for (index, entry) in zip(indices, polled) where entry.revents != 0 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptors[index], $0.baseAddress, $0.count) }
            if count > 0 {
                data[index].append(contentsOf: buffer[0..<count])
            } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                open[index] = false
            }
        }
    }
}

/// A user error: non-zero exit, exactly one line on stderr, no crash report.
func expectUserError(_ result: CommandResult, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status != 0, sourceLocation: sourceLocation)
    let lines = result.standardError.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
    #expect(result.standardError.contains(text), "stderr: \(result.standardError)", sourceLocation: sourceLocation)
    #expect(!result.standardError.contains("Fatal error"), sourceLocation: sourceLocation)
}

@Suite(.serialized) struct CommandLineTests {
    @Test func upRunsThePipelineOnceAndThenOnlySummarises() async throws {
        let penguins = PenguinsExecutable()
        let first = try await penguins.run("up", "--no-serve")
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("ingested 344 rows"))
        #expect(first.standardOutput.contains("trained model version 1"))
        #expect(first.standardOutput.contains("scored 342 rows"))

        let second = try await penguins.run("up", "--no-serve", "--format", "json")
        #expect(second.status == 0)
        let summary = try second.json()
        #expect(summary["lake_documents"] as? Int == 344)
        #expect(summary["model_version"] as? Int == 1)
        let accuracy = try #require(summary["accuracy"] as? Double)
        #expect(accuracy >= 0.95)
        // The summary's accuracy is the one the first run reported, on the held-out fifth of
        // each species's complete rows (round(151 / 5) + round(68 / 5) + round(123 / 5) = 30 + 14 + 25).
        #expect(first.standardOutput.contains("trained model version 1: accuracy \(String(format: "%.4f", accuracy)) on 69 held-out rows"))

        // Serving on a port another socket holds fails with one readable line.
        let occupied = try ListeningSocket()
        defer { occupied.close() }
        let busy = try await penguins.run("up", "--port", "\(occupied.port)")
        expectUserError(busy, mentioning: "already in use")
    }

    @Test func ingestReportsReadEqualsStoredPlusQuarantinedAsJSON() async throws {
        let penguins = PenguinsExecutable()
        let file = try penguins.temporaryFile("mixed.csv", """
        species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        Adelie,Torgersen,39.1,18.7,181,3750,male,2007
        Adelie,Torgersen,NA,NA,NA,NA,NA,2007
        Emperor,Dream,39.1,18.7,181,3750,male,2007

        """)
        let result = try await penguins.run("ingest", file, "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        let report = try result.json()
        #expect(report["read"] as? Int == 3)
        #expect(report["stored"] as? Int == 2)
        #expect(report["quarantined"] as? Int == 1)
        #expect(report["not_usable_for_training"] as? Int == 1)

        let quarantine = try await penguins.run("quarantine", "--format", "json")
        #expect(quarantine.status == 0, "\(quarantine.standardError)")
        let listing = try quarantine.json()
        #expect(listing["total"] as? Int == 1)
        let row = try #require((listing["rows"] as? [[String: Any]])?.first)
        #expect(row["line"] as? Int == 4)
        #expect(row["raw_text"] as? String == "Emperor,Dream,39.1,18.7,181,3750,male,2007")
        #expect((row["reason"] as? String)?.contains("Emperor") == true)
    }

    @Test func userErrorsAreOneLineAndANonZeroExit() async throws {
        let penguins = PenguinsExecutable()
        expectUserError(try await penguins.run("ingest", "/nonexistent/penguins.csv"), mentioning: "/nonexistent/penguins.csv")
        expectUserError(try await penguins.run("train"), mentioning: "penguins ingest")
        expectUserError(try await penguins.run("score"), mentioning: "penguins train")
        expectUserError(try await penguins.run("stats"), mentioning: "penguins ingest")
        expectUserError(try await penguins.run("models", "rollback"), mentioning: "roll back")
        let unknownHeader = try penguins.temporaryFile("odd.csv", "a,b,c\n1,2,3\n")
        expectUserError(try await penguins.run("ingest", unknownHeader), mentioning: "bill_length_mm")

        let badTarget = try await penguins.run("regress", "--target", "wingspan")
        #expect(badTarget.status != 0)
        #expect(badTarget.standardError.contains("wingspan"))
        let badShift = try await penguins.run("generate", "--rows", "3", "--shift", "tail=4")
        #expect(badShift.status != 0)
        #expect(badShift.standardError.contains("--shift"))
    }

    @Test func trainPredictAndModelVersions() async throws {
        let penguins = PenguinsExecutable()
        try await penguins.run("ingest")
        let trained = try await penguins.run("train", "--num-trees", "5", "--format", "json")
        #expect(trained.status == 0, "\(trained.standardError)")
        #expect(try trained.json()["version"] as? Int == 1)
        try await penguins.run("train", "--seed", "7")

        let file = try penguins.temporaryFile("new.csv", """
        penguin_id,species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        N1,Gentoo,Biscoe,49.0,15.5,225,5400,male,2009
        N2,Adelie,Dream,37.0,19.0,185,3500,female,2009
        N3,Adelie,Dream,37.0,abc,185,3500,female,2009

        """)
        let predicted = try await penguins.run("predict", file, "--format", "json")
        #expect(predicted.status == 0, "\(predicted.standardError)")
        let rows = try #require(try predicted.json()["rows"] as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows[0]["species"] as? String == "Gentoo")
        #expect(rows[1]["species"] as? String == "Adelie")
        #expect(rows[2]["line"] as? Int == 4)
        #expect((rows[2]["error"] as? String)?.contains("bill_depth_mm") == true)

        #expect(try await penguins.run("models", "rollback").standardOutput.contains("version 1 is current"))
        #expect(try await penguins.run("models", "promote", "2").status == 0)
        expectUserError(try await penguins.run("models", "promote", "9"), mentioning: "9")
    }

    @Test func driftBetweenTwoGeneratedFilesNeedsNoStore() async throws {
        let penguins = PenguinsExecutable()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let reference = folder.appendingPathComponent("a.csv").path
        let current = folder.appendingPathComponent("b.csv").path
        #expect(try await penguins.run("generate", "--rows", "2000", "--seed", "1", "--output", reference).status == 0)
        #expect(try await penguins.run("generate", "--rows", "2000", "--seed", "2", "--output", current, "--shift", "flipper_length_mm=8").status == 0)
        let result = try await penguins.run("drift", "--reference", reference, "--current", current, "--feature", "flipper_length_mm", "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        let features = try #require(try result.json()["features"] as? [[String: Any]])
        #expect(features.first?["drift"] as? Bool == true)
        #expect(!FileManager.default.fileExists(atPath: penguins.dataDirectory.path))
    }

    @Test func loggedPredictionsOfAShiftedStreamDriftFromTheTrainingSample() async throws {
        let penguins = PenguinsExecutable()
        try await penguins.run("ingest")
        try await penguins.run("train")
        expectUserError(try await penguins.run("drift"), mentioning: "--log")

        let shifted = try penguins.temporaryFile("stream.csv", "")
        #expect(try await penguins.run("generate", "--rows", "3000", "--seed", "5", "--shift", "body_mass_g=600", "--output", shifted).status == 0)
        let predicted = try await penguins.run("predict", shifted, "--log", "--format", "json")
        #expect(predicted.status == 0, "\(predicted.standardError)")
        #expect(try predicted.json()["logged"] as? Int == 3000)

        let drift = try await penguins.run("drift", "--format", "json")
        #expect(drift.status == 0, "\(drift.standardError)")
        let features = try #require(try drift.json()["features"] as? [[String: Any]])
        let verdicts = Dictionary(uniqueKeysWithValues: features.map { ($0["feature"] as! String, $0["drift"] as! Bool) })
        #expect(verdicts["body_mass_g"] == true)
        #expect(verdicts.count == 4)
    }
}

/// A TCP socket listening on 127.0.0.1 at a port the system chose: a port in use.
final class ListeningSocket {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}

/// The command runner itself: a hanging command fails its test instead of hanging the run.
struct CommandRunnerTests {
    private let shell = URL(fileURLWithPath: "/bin/sh")

    @Test func aQuickCommandGivesItsStatusAndBothOutputs() async throws {
        let result = try runCommand(shell, ["-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(60))
        #expect(result.status == 3)
        #expect(result.standardOutput == "out\n")
        #expect(result.standardError == "err\n")
    }

    @Test func muchOutputOnBothStreamsDoesNotBlockTheCommand() async throws {
        // More than a pipe holds (64 KiB), on standard error first: read one stream after the
        // other, the command would block on the second.
        let script = "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 200000 /dev/zero | tr '\\0' o"
        let result = try runCommand(shell, ["-c", script], timeout: .seconds(60))
        #expect(result.status == 0)
        #expect(result.standardError == String(repeating: "e", count: 300_000))
        #expect(result.standardOutput == String(repeating: "o", count: 200_000))
    }

    @Test func aCommandPastItsTimeoutIsStoppedAndNamedWithItsOutputSoFar() async throws {
        let started = ContinuousClock.now
        let error = #expect(throws: CommandTimeout.self) {
            try runCommand(shell, ["-c", "echo started; echo warming up >&2; exec sleep 120"], timeout: .seconds(1), grace: .seconds(1))
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        let timeout = try #require(error)
        #expect(timeout.command == ["/bin/sh", "-c", "echo started; echo warming up >&2; exec sleep 120"])
        #expect(timeout.standardOutput == "started\n")
        #expect(timeout.standardError == "warming up\n")
        #expect(timeout.description.hasPrefix("`/bin/sh -c echo started; echo warming up >&2; exec sleep 120` did not finish within 1.0 seconds"))
        #expect(timeout.description.contains("standard output so far:\nstarted\n"))
    }

    @Test func aCommandThatIgnoresSIGTERMIsKilled() async throws {
        let started = ContinuousClock.now
        let error = #expect(throws: CommandTimeout.self) {
            try runCommand(shell, ["-c", "trap '' TERM; echo stubborn; exec sleep 120"], timeout: .milliseconds(500), grace: .seconds(1))
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(error?.killed == true)
        #expect(error?.standardOutput == "stubborn\n")
    }
}
