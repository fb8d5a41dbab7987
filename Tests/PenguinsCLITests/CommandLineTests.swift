import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PenguinsTestSupport
import Testing

/// The result of running the `penguins` executable.
typealias CommandResult = ProgramResult

extension ProgramResult {
    /// The standard output parsed as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(standardOutput.utf8)) as? [String: Any])
    }
}

/// Runs the built `penguins` executable with a private data directory.
struct PenguinsExecutable {
    /// How long one command may run before it is stopped and the test fails.
    static let defaultTimeout: Duration = .seconds(300)

    let dataDirectory = Scratch.directory.appendingPathComponent("penguins-cli-\(UUID().uuidString)")
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

    /// Runs `penguins ARGUMENTS --data-dir DIR` and waits for it without holding a thread;
    /// throws ``ProgramTimeout`` (failing the test) when it has not finished within `timeout`.
    @discardableResult
    func run(_ arguments: String..., timeout: Duration = defaultTimeout) async throws -> CommandResult {
        try await run(arguments, timeout: timeout)
    }

    /// ``run(_:timeout:)`` with the arguments as an array.
    @discardableResult
    func run(_ arguments: [String], timeout: Duration = defaultTimeout) async throws -> CommandResult {
        try await runProgram(Self.url.path, arguments + ["--data-dir", dataDirectory.path], environment: processEnvironment, timeout: timeout)
    }

    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let url = Scratch.directory.appendingPathComponent("\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
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
        #expect(report["summaries_saved"] as? Bool == true, "an ingestion into an empty warehouse saves its summaries")

        // Without summaries: the rows are stored, the summaries left to their first reader.
        let more = try penguins.temporaryFile("more.csv", """
        species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        Gentoo,Biscoe,46.1,13.2,211,4500,female,2007

        """)
        let quick = try await penguins.run("ingest", more, "--no-summaries", "--format", "json")
        #expect(quick.status == 0, "\(quick.standardError)")
        #expect(try quick.json()["stored"] as? Int == 1)
        #expect(try quick.json()["summaries_saved"] as? Bool == false)

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
        try await penguins.run("train", "--seed", "7", "--force")

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
        // The class under `prediction`, and under the target's name as the file holds it.
        #expect(rows[0]["prediction"] as? String == "Gentoo")
        #expect(rows[0]["species"] as? String == "Gentoo")
        #expect(rows[0]["id"] as? String == "N1")
        #expect(rows[1]["prediction"] as? String == "Adelie")
        #expect(rows[1]["species"] as? String == "Adelie")
        #expect(rows[2]["line"] as? Int == 4)
        #expect(rows[2]["prediction"] == nil && rows[2]["species"] == nil)

        // A file to predict needs the model's features, not the class.
        let unlabelled = try penguins.temporaryFile("unlabelled.csv", """
        penguin_id,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year
        N1,Biscoe,49.0,15.5,225,5400,male,2009

        """)
        let answered = try await penguins.run("predict", unlabelled, "--format", "json")
        #expect(answered.status == 0, "\(answered.standardError)")
        #expect((try answered.json()["rows"] as? [[String: Any]])?.first?["prediction"] as? String == "Gentoo")
        #expect((rows[2]["error"] as? String)?.contains("bill_depth_mm") == true)

        #expect(try await penguins.run("models", "rollback").standardOutput.contains("version 1 is current"))
        #expect(try await penguins.run("models", "promote", "2", "--force").status == 0)
        expectUserError(try await penguins.run("models", "promote", "9"), mentioning: "9")
    }

    @Test func driftBetweenTwoGeneratedFilesNeedsNoStore() async throws {
        let penguins = PenguinsExecutable()
        let folder = Scratch.directory.appendingPathComponent("gen-\(UUID().uuidString)")
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

        // Over time: the log in runs of 1,000 predictions, each drifting in its body mass.
        let history = try await penguins.run("drift", "--window", "rows=1000", "--format", "json")
        #expect(history.status == 0, "\(history.standardError)")
        let windows = try #require(try history.json()["windows"] as? [[String: Any]])
        #expect(windows.map { $0["rows"] as? Int } == [1000, 1000, 1000])
        #expect(windows.allSatisfy { window in
            (window["columns"] as? [[String: Any]])?.contains { $0["column"] as? String == "body_mass_g" && $0["drift"] as? Bool == true } == true
        })
        let table = try await penguins.run("drift", "--window", "day")
        #expect(table.status == 0)
        #expect(table.standardOutput.contains("the prediction log by day against the training sample"))
        expectUserError(try await penguins.run("drift", "--window", "month"), mentioning: "rows=N")
        let sinceAlone = try await penguins.run("drift", "--since", "2026-01-01")
        #expect(sinceAlone.status != 0 && sinceAlone.standardError.contains("--since goes with --window"))
        expectUserError(try await penguins.run("drift", "--window", "day", "--since", "2099-01-01"), mentioning: "no prediction")
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

/// The program runner itself: a hanging command fails its test instead of hanging the run.
struct ProgramRunnerTests {
    private let shell = "/bin/sh"

    @Test func aQuickCommandGivesItsStatusAndBothOutputs() async throws {
        let result = try await runProgram(shell, ["-c", "echo out; echo err >&2; exit 3"], timeout: .seconds(60))
        #expect(result.status == 3)
        #expect(result.standardOutput == "out\n")
        #expect(result.standardError == "err\n")
    }

    @Test func muchOutputOnBothStreamsDoesNotBlockTheCommand() async throws {
        // More than a pipe holds (64 KiB), on standard error first.
        let script = "head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 200000 /dev/zero | tr '\\0' o"
        let result = try await runProgram(shell, ["-c", script], timeout: .seconds(60))
        #expect(result.status == 0)
        #expect(result.standardError == String(repeating: "e", count: 300_000))
        #expect(result.standardOutput == String(repeating: "o", count: 200_000))
    }

    @Test func aDescendantThatOutlivesTheCommandDoesNotHoldItsEnd() async throws {
        // The background sleep keeps the command's output open for a minute: the command
        // itself has ended, and that is what is waited for.
        let started = ContinuousClock.now
        let result = try await runProgram(shell, ["-c", "sleep 60 & echo done"], timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(20))
        #expect(result.status == 0)
        #expect(result.standardOutput == "done\n")
    }

    @Test func aChildGetsTheDefaultSignalHandling() async throws {
        // SIGTERM neither blocked nor ignored: the shell's sleep dies of it.
        let child = try ChildProcess(shell, ["-c", "exec sleep 60"])
        defer { child.removeOutput() }
        try await Task.sleep(for: .milliseconds(200))
        let killed = await child.stop(SIGTERM, grace: .seconds(10))
        #expect(!killed)
        #expect(child.exited == 128 + SIGTERM)
    }

    @Test func aCommandPastItsTimeoutIsStoppedAndNamedWithItsOutputSoFar() async throws {
        let started = ContinuousClock.now
        let error = await #expect(throws: ProgramTimeout.self) {
            try await runProgram(shell, ["-c", "echo started; echo warming up >&2; exec sleep 120"], timeout: .seconds(1), grace: .seconds(1))
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
        let error = await #expect(throws: ProgramTimeout.self) {
            try await runProgram(shell, ["-c", "trap '' TERM; echo stubborn; exec sleep 120"], timeout: .milliseconds(500), grace: .seconds(1))
        }
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(error?.killed == true)
        #expect(error?.standardOutput == "stubborn\n")
    }
}

/// `penguins feedback`: ground truth for predictions logged by `predict --log`.
@Suite struct FeedbackCommandTests {
    @Test func truthForLoggedPredictionsGivesTheProductionAccuracy() async throws {
        let penguins = PenguinsExecutable()
        try await penguins.run("ingest")
        try await penguins.run("train")
        let stream = try penguins.temporaryFile("stream.csv", "")
        #expect(try await penguins.run("generate", "--rows", "50", "--seed", "3", "--output", stream).status == 0)
        let unlogged = try await penguins.run("predict", stream, "--format", "json")
        #expect(try #require(try unlogged.json()["rows"] as? [[String: Any]]).allSatisfy { $0["prediction_id"] == nil },
                "a prediction not logged has no id to report truth by")
        let predicted = try await penguins.run("predict", stream, "--log", "--format", "json")
        let rows = try #require(try predicted.json()["rows"] as? [[String: Any]])
        let logged = rows.compactMap { row in (row["prediction_id"] as? String).map { ($0, row["species"] as! String) } }
        #expect(logged.count == 50)

        // 40 answers agree with the prediction, 10 do not.
        let lines = logged.enumerated().map { index, entry in
            "\(entry.0);\(index < 40 ? entry.1 : (entry.1 == "Gentoo" ? "Adelie" : "Gentoo"))"
        }
        let truth = try penguins.temporaryFile("truth.csv", (["prediction_id;actual"] + lines).joined(separator: "\n") + "\n")
        let recorded = try await penguins.run("feedback", truth, "--format", "json")
        #expect(recorded.status == 0, "\(recorded.standardError)")
        let production = try #require(try recorded.json()["production"] as? [String: Any])
        #expect(production["rows"] as? Int == 50)
        #expect(production["accuracy"] as? Double == 0.8)
        #expect(production["model_version"] as? Int == 1)

        // One unknown id: nothing of the file is recorded, and its line is named.
        let wrong = try penguins.temporaryFile("wrong.csv", "prediction_id,actual\n\(logged[0].0),Adelie\nnot-an-id,Adelie\n")
        expectUserError(try await penguins.run("feedback", wrong), mentioning: "line 3: prediction_id names no logged prediction")
        let noTruth = try penguins.temporaryFile("none.csv", "prediction_id,guess\n\(logged[0].0),Adelie\n")
        expectUserError(try await penguins.run("feedback", noTruth), mentioning: "actual")
        let table = try await penguins.run("feedback", truth)
        #expect(table.status == 0)
        #expect(table.standardOutput.contains("accuracy 0.8000"), "\(table.standardOutput)")
    }
}

/// `train` and `models promote` through the promotion gate; `models history`.
@Suite struct PromotionGateCommandTests {
    @Test func aWorseVersionStaysACandidateUntilForced() async throws {
        let penguins = PenguinsExecutable()
        try await penguins.run("ingest")
        try await penguins.run("train")
        let weak = try await penguins.run("train", "--num-trees", "1", "--max-depth", "1")
        #expect(weak.status == 0, "\(weak.standardError)")
        #expect(weak.standardOutput.contains("model version 2 (a candidate, not current)"), "\(weak.standardOutput)")
        #expect(weak.standardOutput.contains("not made current: on "), "\(weak.standardOutput)")
        expectUserError(try await penguins.run("models", "promote", "2"), mentioning: "points less accurate than version 1")
        let forced = try await penguins.run("models", "promote", "2", "--force", "--format", "json")
        #expect(forced.status == 0, "\(forced.standardError)")
        #expect(try forced.json()["previous"] as? Int == 1)
        let history = try await penguins.run("models", "history", "--format", "json")
        let trail = try #require(try JSONSerialization.jsonObject(with: Data(history.standardOutput.utf8)) as? [[String: Any]])
        #expect(trail.map { $0["actor"] as? String } == ["cli", "train"])
        #expect(trail.map { $0["forced"] as? Bool } == [true, false])
        let badMargin = try await penguins.run("models", "promote", "1", "--margin", "1.5")
        #expect(badMargin.status != 0 && badMargin.standardError.contains("--margin must be at least 0 and below 1"))
    }
}

/// `serve --alerts` and `--schedule` refuse what they cannot use before serving anything.
@Suite struct ServeMonitoringOptionsTests {
    @Test func unusableAlertRulesAndSchedulesAreOneLineErrors() async throws {
        let penguins = PenguinsExecutable()
        expectUserError(try await penguins.run("serve", "--port", "0", "--alerts", "/nonexistent/alerts.yaml"), mentioning: "cannot be read")
        let rules = try penguins.temporaryFile("alerts.yaml", "rules: [{ name: floor, when: production_accuracy }]\n")
        expectUserError(try await penguins.run("serve", "--port", "0", "--alerts", rules), mentioning: "production_accuracy needs below")
        expectUserError(try await penguins.run("serve", "--port", "0", "--engine", "yarn://cluster"), mentioning: "sc://HOST:PORT")
        let schedule = try await penguins.run("serve", "--port", "0", "--schedule", "train nightly")
        #expect(schedule.status != 0 && schedule.standardError.contains("a schedule is 'JOB hourly'"))
    }
}
