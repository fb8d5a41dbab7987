import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import Testing

@Suite struct PredictionAPITests {
    @Test func predictAnswersSpeciesProbabilitiesAndVersion() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let adelie = try await client.postJSON("/api/v1/predict", adelieJSON)
            #expect(adelie.status == .ok)
            #expect(adelie.contentType == "application/json")
            let answer = try adelie.object()
            #expect(answer["species"] as? String == "Adelie")
            #expect(answer["model_version"] as? Int == 1)
            let probabilities = try #require(answer["probabilities"] as? [String: Double])
            #expect(Set(probabilities.keys) == ["Adelie", "Chinstrap", "Gentoo"])
            #expect(abs(probabilities.values.reduce(0, +) - 1) < 1e-9)
            #expect(answer["confidence"] as? Double == probabilities["Adelie"])

            let gentoo = try await client.postJSON("/api/v1/predict", gentooJSON)
            #expect(try gentoo.object()["species"] as? String == "Gentoo")
        }
    }

    /// Every kind of bad input: a 4xx problem document naming the offending field.
    @Test(arguments: [
        (#"{"bill_length_mm": 39.1,"#, HTTPResponse.Status.badRequest, "body"),
        ("", .badRequest, "body"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181}"#, .unprocessableContent, "body_mass_g"),
        (#"{"bill_length_mm": "long", "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#, .unprocessableContent, "bill_length_mm"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": true, "flipper_length_mm": 181, "body_mass_g": 3750}"#, .unprocessableContent, "bill_depth_mm"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": null, "body_mass_g": 3750}"#, .unprocessableContent, "flipper_length_mm"),
        (#"{"bill_length_mm": NaN, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#, .unprocessableContent, "bill_length_mm"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": Infinity, "body_mass_g": 3750}"#, .unprocessableContent, "flipper_length_mm"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": -Infinity}"#, .unprocessableContent, "body_mass_g"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 1e400}"#, .unprocessableContent, "body_mass_g"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3.75}"#, .unprocessableContent, "body_mass_g"),
        (#"{"bill_length_mm": 0.0391, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#, .unprocessableContent, "bill_length_mm"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750, "wingspan": 3}"#, .unprocessableContent, "wingspan"),
        (#"{"bill_length_mm": 39.1, "bill_length_mm": 40, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750}"#, .unprocessableContent, "bill_length_mm"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750, "island": "Atlantis"}"#, .unprocessableContent, "island"),
        (#"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750, "sex": 1}"#, .unprocessableContent, "sex"),
        ("[39.1, 18.7, 181, 3750]", .unprocessableContent, "body"),
        (String(repeating: "[", count: 5_000), .badRequest, "body"),
    ])
    func predictRejectsBadInput(body: String, status: HTTPResponse.Status, field: String) async throws {
        let app = try await makeApp(try await makePlatform(score: false))
        try await app.test(.router) { client in
            let response = try await client.postJSON("/api/v1/predict", body)
            try expectProblem(response, status: status, field: field)
        }
    }

    /// One validator for the penguins' bodies, their dashboard form, their CSV rows and every
    /// dataset's bodies: the same value gets the same words everywhere, and a number or level
    /// written as a text is read as the CSV reader reads it.
    @Test func aValueIsJudgedAlikeByTheAPITheFormAndTheCSVReader() async throws {
        let app = try await makeApp(try await makePlatform(score: false))
        let quarantined = "body_mass_g: 37.5 is outside the plausible range 1000...10000"
        // The CSV reader's reason for the same value, for reference.
        let parser = try SchemaRowParser(
            schema: BundledSchemas.penguins,
            header: CSVRecord(fields: ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "year"], line: 1, rawText: ""),
            source: "test.csv")
        var occurrences = SchemaRowParser.Occurrences()
        let parsed = parser.parse(
            CSVRecord(fields: ["Adelie", "Dream", "39.1", "18.7", "181", "37.5", "female", "2008"], line: 2, rawText: ""), occurrences: &occurrences)
        guard case .rejected(let rejected) = parsed else { Issue.record("the row was accepted"); return }
        #expect(rejected.reason == quarantined)
        try await app.test(.router) { client in
            let api = try expectProblem(
                try await client.postJSON("/api/v1/predict", #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 37.5}"#),
                status: .unprocessableContent, field: "body_mass_g")
            #expect((api["errors"] as? [[String: Any]])?.first?["detail"] as? String == "37.5 is outside the plausible range 1000...10000")
            let form = try await client.send(.get, "/predict?bill_length_mm=39.1&bill_depth_mm=18.7&flipper_length_mm=181&body_mass_g=37.5")
            #expect(form.status == .unprocessableContent)
            #expect(form.text.contains("37.5 is outside the plausible range 1000...10000"))
            // Written as texts, and with the schema's aliases, the values are read as in a CSV file.
            let texts = try await client.postJSON(
                "/api/v1/predict", #"{"bill_length_mm": "39.1", "bill_depth_mm": "18.7", "flipper_length_mm": 181, "body_mass_g": "3750", "island": "dream", "sex": "M"}"#)
            #expect(texts.status == .ok, "\(texts.text)")
        }
    }

    @Test func predictNamesEveryOffendingField() async throws {
        let app = try await makeApp(try await makePlatform(score: false))
        try await app.test(.router) { client in
            let response = try await client.postJSON("/api/v1/predict", #"{"bill_length_mm": "x", "flipper_length_mm": NaN, "body_mass_g": 3750, "tail": 1}"#)
            let problem = try expectProblem(response, status: .unprocessableContent)
            let fields = Set((problem["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
            #expect(fields == ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "tail"])
        }
    }

    @Test func predictRejectsWrongContentTypeAndOversizedBodies() async throws {
        let app = try await makeApp(try await makePlatform(score: false))
        try await app.test(.router) { client in
            try expectProblem(
                try await client.send(.post, "/api/v1/predict", headers: [.contentType: "text/plain"], body: adelieJSON),
                status: .unsupportedMediaType, field: "Content-Type"
            )
            try expectProblem(try await client.send(.post, "/api/v1/predict", body: adelieJSON), status: .unsupportedMediaType, field: "Content-Type")
            let padded = #"{"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": 3750, "note": ""#
                + String(repeating: "x", count: PenguinsServer.maximumBodySize) + "\"}"
            try expectProblem(try await client.postJSON("/api/v1/predict", padded), status: .contentTooLarge, field: "body")
            // A charset parameter is fine.
            let withCharset = try await client.send(.post, "/api/v1/predict", headers: [.contentType: "application/json; charset=utf-8"], body: adelieJSON)
            #expect(withCharset.status == .ok)
        }
    }

    @Test func predictWithoutAnyModelIs503() async throws {
        let app = try await makeApp(try await makePlatform(ingest: false))
        try await app.test(.router) { client in
            try expectProblem(
                try await client.postJSON("/api/v1/predict", adelieJSON), status: .serviceUnavailable,
                detailContains: "no model: run penguins ingest and penguins train"
            )
            try expectProblem(try await client.send(.get, "/api/v1/model"), status: .serviceUnavailable)
        }
    }

    @Test func aServerStartedWithDataButNoModelTrainsOne() async throws {
        let platform = try await makePlatform(train: false)
        let app = try await makeApp(platform)
        #expect(try await platform.registry.current()?.version == 1)
        try await app.test(.router) { client in
            let answer = try await client.postJSON("/api/v1/predict", adelieJSON).object()
            #expect(answer["model_version"] as? Int == 1)
        }
    }

    @Test func batchAnswersEachPenguinInOrder() async throws {
        let app = try await makeApp(try await makePlatform(score: false))
        try await app.test(.router) { client in
            let response = try await client.postJSON("/api/v1/predict/batch", #"{"penguins": [\#(adelieJSON), \#(gentooJSON), \#(adelieJSON)]}"#)
            #expect(response.status == .ok)
            let answer = try response.object()
            #expect(answer["model_version"] as? Int == 1)
            #expect(answer["count"] as? Int == 3)
            let predictions = try #require(answer["predictions"] as? [[String: Any]])
            #expect(predictions.map { $0["index"] as? Int } == [0, 1, 2])
            #expect(predictions.map { $0["species"] as? String } == ["Adelie", "Gentoo", "Adelie"])
        }
    }

    @Test func batchRejectsBadItemsAndOversizedBatches() async throws {
        let app = try await makeApp(try await makePlatform(score: false))
        try await app.test(.router) { client in
            let badItem = #"{"penguins": [\#(adelieJSON), {"bill_length_mm": 39.1, "bill_depth_mm": 18.7, "flipper_length_mm": 181, "body_mass_g": "heavy"}]}"#
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", badItem), status: .unprocessableContent, field: "penguins[1].body_mass_g")
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", #"{"penguins": []}"#), status: .unprocessableContent, field: "penguins")
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", #"{"birds": []}"#), status: .unprocessableContent, field: "birds")
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", #"{"penguins": {}}"#), status: .unprocessableContent, field: "penguins")
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", #"{"penguins": [1"#), status: .badRequest, field: "body")

            let compact = #"{"bill_length_mm":39.1,"bill_depth_mm":18.7,"flipper_length_mm":181,"body_mass_g":3750}"#
            let atLimit = "{\"penguins\":[" + Array(repeating: compact, count: PenguinsServer.maximumBatchSize).joined(separator: ",") + "]}"
            let full = try await client.postJSON("/api/v1/predict/batch", atLimit)
            #expect(full.status == .ok)
            #expect(try full.object()["count"] as? Int == PenguinsServer.maximumBatchSize)
            let overLimit = "{\"penguins\":[" + Array(repeating: compact, count: PenguinsServer.maximumBatchSize + 1).joined(separator: ",") + "]}"
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", overLimit), status: .unprocessableContent, field: "penguins")
            let tooLarge = "{\"penguins\":[" + Array(repeating: compact, count: 50_000).joined(separator: ",") + "]}"
            try expectProblem(try await client.postJSON("/api/v1/predict/batch", tooLarge), status: .contentTooLarge, field: "body")
            try expectProblem(
                try await client.send(.post, "/api/v1/predict/batch", headers: [.contentType: "application/xml"], body: "<penguins/>"),
                status: .unsupportedMediaType, field: "Content-Type"
            )
        }
    }

    @Test func predictionsAreLoggedOffTheRequestPathAndFlushedAtShutdown() async throws {
        let platform = try await makePlatform(score: false)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            for _ in 0..<5 {
                let response = try await client.postJSON("/api/v1/predict", adelieJSON)
                #expect(response.status == .ok)
            }
            let batch = try await client.postJSON("/api/v1/predict/batch", #"{"penguins": [\#(gentooJSON), \#(gentooJSON)]}"#)
            #expect(batch.status == .ok)
        }
        // Graceful shutdown flushed the buffer.
        let logged = try await platform.predictionLog.recent(limit: 100)
        #expect(logged.count == 7)
        #expect(logged.filter { $0.prediction.predictedClass == PenguinRecords.bundled.targetClass(of: .gentoo) }.count == 2)
    }
}

@Suite struct LookupAPITests {
    @Test func lookupFallsBackFromCacheToWarehouseAndRefillsTheCache() async throws {
        let platform = try await makePlatform()
        let metrics = ServerMetrics()
        let app = try await makeApp(platform, options: testOptions(metrics: metrics))
        try await app.test(.router) { client in
            let cached = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
            #expect(cached["source"] as? String == "cache")
            #expect(cached["penguin_id"] as? String == knownPenguinID)
            #expect(cached["species"] as? String == "Adelie")
            #expect(cached["model_version"] as? Int == 1)
            #expect((cached["predicted_at"] as? String)?.hasSuffix("Z") == true)

            try await platform.cache.removeAll()
            let fromWarehouse = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
            #expect(fromWarehouse["source"] as? String == "warehouse")
            #expect(fromWarehouse["species"] as? String == cached["species"] as? String)
            let again = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
            #expect(again["source"] as? String == "cache")
        }
        #expect(metrics.cacheCounts == (hits: 2, misses: 1))
    }

    @Test func aPenguinNotScoredByTheCurrentVersionIsPredictedLive() async throws {
        let platform = try await makePlatform(score: false)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let live = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()
            #expect(live["source"] as? String == "model")
            #expect(live["model_version"] as? Int == 1)
            #expect(try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").object()["source"] as? String == "cache")
        }
    }

    @Test func unknownAndUnpredictablePenguinsGetProblems() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            try expectProblem(try await client.send(.get, "/api/v1/predictions/PAL0000-Emperor-1"), status: .notFound, field: "penguin_id")
            try expectProblem(
                try await client.send(.get, "/api/v1/predictions/\(incompletePenguinID)"), status: .unprocessableContent,
                field: "body_mass_g", detailContains: "no model can predict"
            )
        }
    }

    @Test func aFailingCacheCountsAsAMissAndLookupsStillAnswer() async throws {
        var platform = try await makePlatform()
        platform.cache = PenguinPredictionCache(records: FailingCache())
        let metrics = ServerMetrics()
        let app = try await makeApp(platform, options: testOptions(metrics: metrics))
        try await app.test(.router) { client in
            let answer = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)")
            #expect(answer.status == .ok)
            #expect(try answer.object()["source"] as? String == "warehouse")
            let text = try await client.send(.get, "/api/v1/metrics").text
            // The read failed; the write-back was skipped, the cache being down.
            #expect(text.contains("penguins_cache_errors_total 1"))
            #expect(text.contains("penguins_cache_misses_total 1"))
            #expect(text.contains("penguins_cache_fallbacks_total 1"))
            #expect(text.contains(#"penguins_store_up{role="cache"} 0"#))
            #expect(text.contains(#"penguins_store_errors_total{role="cache"} 1"#))
            let ready = try await client.send(.get, "/api/v1/ready")
            #expect(ready.status == .ok)
            let body = try ready.object()
            #expect(body["status"] as? String == "degraded")
            #expect((body["stores"] as? [String: String])?["cache"] == "down")
            #expect((body["failing"] as? [[String: Any]])?.map { $0["role"] as? String } == ["cache"])
        }
    }

    @Test func aFailingWarehouseIs503NeverA500() async throws {
        var platform = try await makePlatform()
        try await platform.cache.removeAll()
        platform.warehouse = failingWarehouse()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let lookup = try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)")
            let problem = try expectProblem(lookup, status: .serviceUnavailable, field: "warehouse", detailContains: "disk I/O error")
            #expect(problem["title"] as? String == "Warehouse unavailable")
            #expect(lookup.headers[.retryAfter] == "2")
            try expectProblem(try await client.send(.get, "/api/v1/penguins?island=Biscoe"), status: .serviceUnavailable, field: "warehouse")
            try expectProblem(try await client.send(.get, "/api/v1/stats"), status: .serviceUnavailable, field: "warehouse")
            // Live predictions do not need the warehouse, so the server is degraded, not down.
            #expect(try await client.postJSON("/api/v1/predict", adelieJSON).status == .ok)
            let ready = try await client.send(.get, "/api/v1/ready")
            #expect(ready.status == .ok)
            let body = try ready.object()
            #expect(body["status"] as? String == "degraded")
            let failing = try #require(body["failing"] as? [[String: Any]])
            #expect(failing.map { $0["role"] as? String } == ["warehouse"])
            #expect((failing.first?["detail"] as? String)?.contains("disk I/O error") == true)
        }
    }
}
