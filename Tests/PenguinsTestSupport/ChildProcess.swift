import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A program the tests run: a server they stop later, or a command they wait for.
///
/// Tests run in parallel on the few threads that Swift concurrency shares among them (two on a
/// two-core machine), so nothing here blocks such a thread: the exit is awaited by a thread of
/// the child's own, and ``exitStatus(within:)`` polls for it with `Task.sleep`.
///
/// The child is started with `posix_spawn`, so that:
/// - every descriptor above standard error is closed in it (the test process's sockets and
///   pipes are not all close-on-exec, and a server that inherited another test's socket or
///   pipe would hold it open for as long as it runs);
/// - its signal mask is empty and its signal dispositions are the defaults (the test process
///   blocks some signals for its own handlers, and a child would inherit that);
/// - its standard output and error go to files, read once it has exited, so a descendant
///   that outlives it cannot keep a pipe from ending.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// Where its standard output goes.
    public let outputPath: String
    /// Where its standard error goes (the same file as the output when they were merged).
    public let errorPath: String
    private let status = ExitStatus()

    /// Starts `path` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's variables; the test process's own when nil.
    ///   - standardInputPath: a file read as standard input; /dev/null when nil.
    ///   - outputPath: the file for standard output (appended to); a new temporary file when nil.
    ///   - errorPath: the file for standard error; the output's file when nil.
    public init(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, standardInputPath: String? = nil,
        outputPath: String? = nil, errorPath: String? = nil
    ) throws {
        let output = outputPath ?? ChildProcess.temporaryPath("out")
        let error = errorPath ?? output
        self.outputPath = output
        self.errorPath = error

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInputPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if error == output {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, error, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }
        guard let closeFrom = closeFromAction else {
            throw ChildProcessError(description: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later needed)")
        }
        _ = closeFrom(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }

        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ChildProcessError(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
        // The exit is awaited on a thread of its own: waitpid blocks.
        let status = status
        let child = pid
        Thread.detachNewThread {
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            let signal = raw & 0x7f
            status.value.withLock { $0 = signal == 0 ? (raw >> 8) & 0xff : 128 + signal }
        }
    }

    /// The exit status (128 + the signal for a child that was killed), or nil while it runs.
    public var exited: Int32? { status.value.withLock { $0 } }

    /// Waits at most `timeout` for the child to exit; answers its status, or nil when it still runs.
    public func exitStatus(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let exited { return exited }
            if ContinuousClock.now >= deadline { return nil }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                return exited
            }
        }
    }

    /// Sends `signal` to the child, if it still runs.
    public func signal(_ signal: Int32) {
        if exited == nil { kill(pid, signal) }
    }

    /// Stops the child: `signal`, then SIGKILL when it has not exited after `grace`. Answers
    /// whether SIGKILL was needed.
    @discardableResult
    public func stop(_ signal: Int32 = SIGTERM, grace: Duration = .seconds(5)) async -> Bool {
        guard exited == nil else { return false }
        kill(pid, signal)
        if await exitStatus(within: grace) != nil { return false }
        kill(pid, SIGKILL)
        _ = await exitStatus(within: .seconds(10))
        return true
    }

    /// What the child has written to its standard output so far.
    public var standardOutput: String { ChildProcess.read(outputPath) }
    /// What the child has written to its standard error so far.
    public var standardError: String { ChildProcess.read(errorPath) }

    /// Removes the output files.
    public func removeOutput() {
        try? FileManager.default.removeItem(atPath: outputPath)
        if errorPath != outputPath { try? FileManager.default.removeItem(atPath: errorPath) }
    }

    /// A new path in the temporary folder.
    public static func temporaryPath(_ suffix: String) -> String {
        Scratch.directory.appendingPathComponent("penguins-child-\(UUID().uuidString).\(suffix)").path
    }

    private static func read(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A child's exit status once it is known, shared with the thread that waits for it.
private final class ExitStatus: Sendable {
    let value = Mutex<Int32?>(nil)
}

/// What a program that ran to its end printed, and how it ended.
public struct ProgramResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// A program that did not finish in time, with what it had written until it was stopped.
public struct ProgramTimeout: Error, CustomStringConvertible {
    public var command: [String]
    public var timeout: Duration
    public var killed: Bool
    public var standardOutput: String
    public var standardError: String

    public var description: String {
        let stop = killed ? "SIGTERM, then SIGKILL" : "SIGTERM"
        return "`\(command.joined(separator: " "))` did not finish within \(timeout) and was stopped (\(stop)).\n"
            + "standard output so far:\n\(standardOutput)\nstandard error so far:\n\(standardError)"
    }
}

/// Why a child process could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Runs a program to its end and answers what it printed. A program still running after
/// `timeout` gets SIGTERM, then SIGKILL after `grace`, and ``ProgramTimeout`` is thrown with
/// its output so far.
public func runProgram(
    _ path: String, _ arguments: [String], environment: [String: String]? = nil, standardInputPath: String? = nil,
    timeout: Duration, grace: Duration = .seconds(5)
) async throws -> ProgramResult {
    let child = try ChildProcess(
        path, arguments, environment: environment, standardInputPath: standardInputPath,
        outputPath: ChildProcess.temporaryPath("out"), errorPath: ChildProcess.temporaryPath("err")
    )
    defer { child.removeOutput() }
    if let status = await child.exitStatus(within: timeout) {
        return ProgramResult(status: status, standardOutput: child.standardOutput, standardError: child.standardError)
    }
    let killed = await child.stop(SIGTERM, grace: grace)
    throw ProgramTimeout(
        command: [path] + arguments, timeout: timeout, killed: killed,
        standardOutput: child.standardOutput, standardError: child.standardError
    )
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time: the
/// Glibc module does not export it.
private let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()
