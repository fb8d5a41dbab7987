import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PenguinsTestSupport
import Synchronization
import Testing

/// Why a disposable server could not be run.
struct DisposableServerError: Error, CustomStringConvertible {
    var description: String
}

/// True when something accepts TCP connections on 127.0.0.1:`port`.
func loopbackPortAnswers(_ port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { _ = Glibc.close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let length = socklen_t(MemoryLayout<sockaddr_in>.size)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, length) }
    } == 0
}

/// A loopback port nothing listens on now, below the ephemeral range: a port the system hands
/// out for port 0 (as other tests ask for theirs) could be handed out again before the server
/// meant for it binds, and another test would then talk to this one's server.
func freeLoopbackPort() throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20_000..<30_000)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { break }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        _ = Glibc.close(descriptor)
        if bound == 0 && !loopbackPortAnswers(port) { return port }
    }
    throw DisposableServerError(description: "no free loopback port between 20000 and 30000")
}

/// Runs a program to its end (as `user` through runuser, when given); throws with its output
/// when it fails.
@discardableResult
func runServerProgram(_ path: String, _ arguments: [String], asUser user: String? = nil) async throws -> String {
    let command = user.map { ["/usr/sbin/runuser", "-u", $0, "--", path] } ?? [path]
    let result = try await runProgram(command[0], Array(command.dropFirst()) + arguments, timeout: .seconds(120))
    guard result.status == 0 else {
        throw DisposableServerError(
            description: "\(([path] + arguments).joined(separator: " ")) failed (\(result.status)): \(result.standardOutput)\(result.standardError)"
        )
    }
    return result.standardOutput
}

/// Waits up to `timeout` for `condition`, polling every 50 ms.
func waitFor(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

/// A redis-server of a test's own on a free loopback port, without persistence, so stopping
/// it disturbs nothing else. ``stop()`` kills it; ``start()`` runs a new one on the same port.
final class DisposableRedis: @unchecked Sendable {
    let port: Int
    let directory: URL
    private let executable: String
    private let child = Mutex<ChildProcess?>(nil)

    /// Finds redis-server and starts it.
    init() async throws {
        let candidates = ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw DisposableServerError(description: "redis-server is missing: install it (apt-get install redis-server, or scripts/services.sh start redis)")
        }
        self.executable = executable
        port = try freeLoopbackPort()
        directory = Scratch.directory.appendingPathComponent("penguins-outage-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await start()
    }

    /// `redis://127.0.0.1:PORT/0`.
    var url: String { "redis://127.0.0.1:\(port)/0" }

    func start() async throws {
        let started = try ChildProcess(
            executable, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.path],
            outputPath: directory.appendingPathComponent("server.log").path
        )
        child.withLock { $0 = started }
        guard await waitFor(.seconds(10), { loopbackPortAnswers(port) }) else {
            throw DisposableServerError(description: "redis-server did not listen on 127.0.0.1:\(port) within 10 s")
        }
    }

    /// Kills the server and waits for it to exit.
    func stop() async {
        guard let running = child.withLock({ child in defer { child = nil }; return child }) else { return }
        await running.stop(SIGKILL)
    }

    func remove() async {
        await stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A PostgreSQL 15 cluster of a test's own: `initdb` into a temporary folder, then `pg_ctl`
/// on a free loopback port with its socket in that folder. Trust authentication for the
/// `postgres` user over 127.0.0.1. When the tests run as root, the programs run as the
/// `postgres` user (PostgreSQL refuses to run as root), on a folder that user owns.
final class DisposablePostgres: @unchecked Sendable {
    static let binaries = "/usr/lib/postgresql/15/bin"

    let port: Int
    let root: URL
    private let owner: String?

    /// Creates the cluster and starts it.
    init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binaries + "/initdb"),
              FileManager.default.isExecutableFile(atPath: Self.binaries + "/pg_ctl") else {
            throw DisposableServerError(description: "PostgreSQL 15 is missing from \(Self.binaries): install postgresql-15 (scripts/services.sh start postgres does)")
        }
        owner = getuid() == 0 ? "postgres" : nil
        port = try freeLoopbackPort()
        root = URL(fileURLWithPath: "/tmp").appendingPathComponent("penguins-outage-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        if let owner {
            try await runServerProgram("/bin/chown", [owner + ":" + owner, root.path])
        }
        try await runServerProgram(
            Self.binaries + "/initdb",
            ["-D", root.appendingPathComponent("data").path, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            asUser: owner
        )
        try await start()
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable`.
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    func start() async throws {
        try await runServerProgram(
            Self.binaries + "/pg_ctl",
            [
                "-D", root.appendingPathComponent("data").path, "-l", root.appendingPathComponent("server.log").path, "-w", "-t", "30",
                "-o", "-p \(port) -k \(root.path) -c listen_addresses=127.0.0.1 -c fsync=off", "start",
            ],
            asUser: owner
        )
    }

    /// Stops the server (fast shutdown: sessions are cut, as when it goes away).
    func stop() async throws {
        try await runServerProgram(Self.binaries + "/pg_ctl", ["-D", root.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"], asUser: owner)
    }

    func remove() async {
        _ = try? await runServerProgram(Self.binaries + "/pg_ctl", ["-D", root.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"], asUser: owner)
        try? FileManager.default.removeItem(at: root)
    }
}
