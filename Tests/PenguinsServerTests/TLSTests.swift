import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsServer
import PenguinsTestSupport
import Testing

/// HTTPS with `--tls-cert` and `--tls-key`: a self-signed certificate for 127.0.0.1 is made by
/// openssl in the test, and curl, trusting only that certificate, talks to the live server.
@Suite struct TLSTests {
    /// Runs `tool` with `arguments` on a thread of Dispatch's, never on the test's: waiting for
    /// curl there would hold one of the few threads the server's handlers need.
    static func run(_ tool: String, _ arguments: [String]) async throws -> (output: String, succeeded: Bool) {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runWaiting(tool, arguments) })
            }
        }
    }

    /// Runs `tool` with `arguments` and waits; its standard output, and whether it exited 0.
    private static func runWaiting(_ tool: String, _ arguments: [String]) throws -> (output: String, succeeded: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: data, as: UTF8.self), process.terminationStatus == 0)
    }

    /// A self-signed certificate for 127.0.0.1 and its key, in a fresh folder.
    static func selfSigned() async throws -> (certificate: String, key: String) {
        let folder = Scratch.directory.appendingPathComponent("penguins-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let made = try await run("openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ])
        try #require(made.succeeded, "openssl could not make a certificate")
        return (certificate, key)
    }

    @Test func theServerAnswersOverHTTPSWithTheGivenCertificate() async throws {
        let (certificate, key) = try await Self.selfSigned()
        let tls = ServerConfiguration.TLSFiles(certificate: certificate, privateKey: key)
        let app = try await PenguinsServer.makeApplication(
            platform: try await makePlatform(), configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: tls), options: testOptions()
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let base = "https://127.0.0.1:\(port)"
            let health = try await Self.run("curl", ["-sS", "--max-time", "10", "--cacert", certificate, base + "/api/v1/health"])
            #expect(health.succeeded)
            #expect(health.output.contains("\"status\""), "\(health.output)")
            let lookup = try await Self.run("curl", ["-sS", "--max-time", "10", "--cacert", certificate, base + "/api/v1/predictions/\(knownPenguinID)"])
            #expect(lookup.output.contains("\"penguin_id\":\"\(knownPenguinID)\""), "\(lookup.output)")
            // A client that does not trust the certificate is refused, and plain HTTP gets nothing.
            #expect(!(try await Self.run("curl", ["-sS", "--max-time", "10", base + "/api/v1/health"]).succeeded))
            #expect(!(try await Self.run("curl", ["-sS", "--max-time", "10", "http://127.0.0.1:\(port)/api/v1/health"]).output.contains("status")))
        }
    }

    @Test func cookiesAreSecureOverHTTPS() async throws {
        let (certificate, key) = try await Self.selfSigned()
        let platform = try await makePlatform()
        let admin = try await platform.keys.create(name: "ops", role: .admin)
        let tls = ServerConfiguration.TLSFiles(certificate: certificate, privateKey: key)
        let app = try await PenguinsServer.makeApplication(
            platform: platform, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: tls), options: testOptions()
        )
        try await app.test(.live) { client in
            let base = "https://127.0.0.1:\(try #require(client.port))"
            let jar = Scratch.directory.appendingPathComponent("penguins-jar-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: jar) }
            let form = try await Self.run("curl", ["-sS", "-i", "--max-time", "10", "--cacert", certificate, "-c", jar, base + "/login"])
            let formCookie = try #require(form.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: penguins_csrf=") })
            #expect(formCookie.contains("; Secure") && formCookie.contains("HttpOnly") && formCookie.contains("SameSite=Strict"), "\(formCookie)")
            let token = String(formCookie.dropFirst("set-cookie: penguins_csrf=".count).prefix { $0 != ";" })
            let signedIn = try await Self.run("curl", [
                "-sS", "-i", "--max-time", "10", "--cacert", certificate, "-b", jar,
                "--data-urlencode", "key=\(admin.token)", "--data-urlencode", "csrf_token=\(token)", base + "/login",
            ])
            let sessionCookie = try #require(signedIn.output.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: penguins_session=") })
            #expect(sessionCookie.contains("; Secure") && sessionCookie.contains("HttpOnly") && sessionCookie.contains("SameSite=Strict"), "\(sessionCookie)")
        }
    }

    @Test func aFileThatIsNotACertificateIsAReadableError() async throws {
        let (certificate, key) = try await Self.selfSigned()
        let platform = try await makePlatform(ingest: false)
        for files in [
            ServerConfiguration.TLSFiles(certificate: key + ".missing", privateKey: key),
            ServerConfiguration.TLSFiles(certificate: certificate, privateKey: certificate),
        ] {
            do {
                _ = try await PenguinsServer.makeApplication(
                    platform: platform, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: files), options: testOptions()
                )
                Issue.record("\(files) was accepted")
            } catch let error as ServerError {
                #expect(error.description.hasPrefix("cannot serve HTTPS with "), "\(error)")
                #expect(error.description.contains("--tls-cert"))
            }
        }
    }
}
