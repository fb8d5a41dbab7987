import Foundation
import Testing

/// A French Excel export (`;`, decimal comma, Windows-1252, CRLF) goes through `penguins ingest`
/// with no option, and the lake, read back through a running server, holds the source's values.
@Suite struct EuropeanSpreadsheetCommandTests {
    /// The committed fixture and the values Python's `csv` module read from it
    /// (`scripts/fixtures/make_european_csv.py`).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PenguinsCoreTests/Fixtures")
    static let spreadsheet = fixtures.appendingPathComponent("penguins-raw-excel-fr.csv")

    /// Expected values by data line, then by column: a number, a string, or NSNull for a missing value.
    static func expectedByLine() throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("penguins-raw-excel-fr.json"))
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(object["by_line"] as? [String: [String: Any]])
    }

    @Test func ingestsWithNoOptionAndStoresTheSourceValues() async throws {
        let penguins = PenguinsExecutable()
        let result = try await penguins.run("ingest", Self.spreadsheet.path, "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        let report = try result.json()
        #expect(report["read"] as? Int == 344)
        #expect(report["stored"] as? Int == 344)
        #expect(report["quarantined"] as? Int == 0)
        let dialect = try #require(report["dialect"] as? [String: Any])
        #expect(dialect["delimiter"] as? String == ";")
        #expect(dialect["decimal_mark"] as? String == ",")
        #expect(dialect["encoding"] as? String == "windows-1252")
        let table = try await penguins.run("ingest", Self.spreadsheet.path)
        #expect(table.standardOutput.contains("separator \";\", decimal comma, windows-1252"))

        try await ServerProcess.serving(penguins) { server in
            let page = try await server.get("/api/v1/penguins?limit=1000").body
            let ids = try #require((page["penguins"] as? [[String: Any]])?.compactMap { $0["penguin_id"] as? String })
            #expect(ids.count == 344)
            let expected = try Self.expectedByLine()
            var linesSeen: Set<String> = []
            for id in ids {
                let (status, document) = try await server.get("/api/v1/penguins/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)")
                #expect(status == 200)
                let provenance = try #require(document["_provenance"] as? [String: Any], "\(id) has its provenance")
                #expect(provenance["file"] as? String == "penguins-raw-excel-fr.csv")
                #expect(provenance["encoding"] as? String == "windows-1252")
                #expect(provenance.count == 3, "file, line and encoding; the separator and decimal mark are in the report")
                let line = try #require((provenance["line"] as? Int).map(String.init))
                linesSeen.insert(line)
                let row = try #require(expected[line])
                let features = try #require(document["features"] as? [String: Any])
                for (key, value) in row {
                    let documentKey = key.hasSuffix("_mm") || key == "body_mass_g"
                        ? String(key.split(separator: "_").dropLast().joined(separator: "_")) : key
                    let stored = features[documentKey] ?? document[documentKey]
                    if let number = value as? Double {
                        #expect(stored as? Double == number, "\(id) \(key)")
                    } else if let text = value as? String {
                        #expect(stored as? String == text, "\(id) \(key)")
                    } else {
                        #expect(stored is NSNull, "\(id) \(key) is missing in the source")
                    }
                }
            }
            #expect(linesSeen.count == 344, "every line of the file is one stored penguin")
            let accented = try await server.get("/api/v1/penguins/PAL0708-Adelie-6").body
            #expect(accented["comments"] as? String == "Coût du baguage : 5 € — “nid” à revoir")
        }
    }

    @Test func overridesChangeHowTheFileIsRead() async throws {
        let penguins = PenguinsExecutable()
        // Read as comma-separated, the header is one column: a one-line error that says so.
        let comma = try await penguins.run("ingest", Self.spreadsheet.path, "--delimiter", "comma")
        #expect(comma.status != 0)
        #expect(comma.standardError.contains("separator \",\""), "\(comma.standardError)")
        #expect(comma.standardError.contains("--delimiter"))
        #expect(comma.standardError.split(separator: "\n").count == 1)

        // Read as UTF-8, the four lines with accented letters are not UTF-8: quarantined, not altered.
        let utf8 = try await penguins.run("ingest", Self.spreadsheet.path, "--encoding", "utf-8", "--format", "json")
        #expect(utf8.status == 0, "\(utf8.standardError)")
        let report = try utf8.json()
        #expect(report["stored"] as? Int == 340)
        #expect(report["quarantined"] as? Int == 4)
        let listing = try await penguins.run("quarantine", "--format", "json").json()
        let rows = try #require(listing["rows"] as? [[String: Any]])
        #expect(rows.compactMap { $0["line"] as? Int }.sorted() == [2, 5, 7, 11])
        #expect(rows.allSatisfy { ($0["reason"] as? String)?.contains("not valid UTF-8") == true })
        #expect(rows.contains { ($0["raw_text"] as? String)?.hasSuffix("Œuf abîmé; nid déserté\"") == true })

        // Re-read as detected, the same lines are valid and leave the quarantine.
        let detected = try await penguins.run("ingest", Self.spreadsheet.path, "--format", "json").json()
        #expect(detected["stored"] as? Int == 344)
        #expect(detected["released_from_quarantine"] as? Int == 4)

        let unknown = try await penguins.run("ingest", Self.spreadsheet.path, "--encoding", "utf-16")
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("utf-16"))
    }
}
