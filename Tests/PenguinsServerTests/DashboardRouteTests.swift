import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsServer
import Testing

@Suite struct DashboardRouteTests {
    static let html = "text/html; charset=utf-8"

    @Test(arguments: ["/", "/statistics", "/regression", "/regression?target=bill_depth_mm&predictors=bill_length_mm&predictors=species&test_fraction=0.3&seed=1",
                      "/classification", "/drift", "/predict", "/predict?bill_length_mm=39.1&bill_depth_mm=18.7&flipper_length_mm=181&body_mass_g=3750",
                      "/benchmarks"])
    func pagesRenderWithData(path: String) async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let page = try await client.send(.get, path)
            #expect(page.status == .ok, "\(path): \(page.text)")
            #expect(page.contentType == Self.html)
            #expect(page.text.contains("<html"))
        }
    }

    @Test(arguments: ["/", "/statistics", "/regression", "/classification", "/drift", "/predict", "/datasets", "/datasets/iris", "/benchmarks"])
    func pagesRenderWithEmptyStores(path: String) async throws {
        let app = try await makeApp(try await makePlatform(ingest: false))
        try await app.test(.router) { client in
            let page = try await client.send(.get, path)
            #expect(page.status == .ok, "\(path): \(page.text)")
            #expect(page.contentType == Self.html)
        }
    }

    /// The statistics page keeps its two seed plots and adds one of the reader's choosing.
    @Test func theStatisticsPagePlotsTheColumnsTheReaderChooses() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let seeded = try await client.send(.get, "/statistics").text
            #expect(seeded.contains("Bill length vs bill depth, by species"))
            #expect(seeded.contains("Flipper length vs body mass, by sex"))
            #expect(seeded.contains("bill_length_mm vs flipper_length_mm, by island"))
            let chosen = try await client.send(.get, "/statistics?x=body_mass_g&y=bill_depth_mm&colour=sex").text
            #expect(chosen.contains("body_mass_g vs bill_depth_mm, by sex"))
            #expect(chosen.contains(#"<label>x <select name="x"><option>bill_length_mm</option><option>bill_depth_mm</option><option>flipper_length_mm</option><option selected>body_mass_g</option>"#))
            #expect(chosen.contains("Bill length vs bill depth, by species"))
            // A column the table does not have falls back to the default.
            #expect(try await client.send(.get, "/statistics?x=wingspan&colour=mood").text.contains("bill_length_mm vs flipper_length_mm, by island"))
        }
    }

    @Test func formErrorsRenderPagesWithTheirStatus() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let predict = try await client.send(.get, "/predict?bill_length_mm=long&bill_depth_mm=18.7&flipper_length_mm=181&body_mass_g=3750")
            #expect(predict.status == .unprocessableContent)
            #expect(predict.contentType == Self.html)
            let regression = try await client.send(.get, "/regression?target=wingspan&predictors=sex")
            #expect(regression.status == .unprocessableContent)
            #expect(regression.contentType == Self.html)
            let promote = try await client.postForm("/classification/promote", "version=99")
            #expect(promote.status == .notFound)
            #expect(promote.contentType == Self.html)
            let badVersion = try await client.postForm("/classification/promote", "version=x")
            #expect(badVersion.status == .badRequest)
            for body in ["feature=tail&delta=1", "feature=body_mass_g&rows=0", "feature=body_mass_g&rows=100001", "feature=body_mass_g&delta=heavy"] {
                let simulate = try await client.postForm("/drift/simulate", body)
                #expect(simulate.status == .badRequest, "\(body)")
                #expect(simulate.contentType == Self.html)
            }
            let wrongType = try await client.send(.post, "/drift/simulate", headers: jsonHeaders, body: "{}")
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(wrongType.contentType == Self.html)
        }
    }

    @Test func promoteFromTheDashboardSwapsTheModelAndRedirects() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform)
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 2, maxDepth: 2)).train()
        try await app.test(.router) { client in
            let response = try await client.postForm("/classification/promote", "version=2&force=true")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/classification")
            #expect(try await client.send(.get, "/api/v1/model").object()["version"] as? Int == 2)
        }
    }

    @Test func aSimulatedStreamIsKeptApartFromRealPredictions() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let response = try await client.postForm("/drift/simulate", "feature=body_mass_g&delta=400&rows=300")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/drift?current=simulation")
            // Asked for, the simulated stream drifts, labelled as the simulation.
            let report = try await client.send(.get, "/api/v1/drift?feature=body_mass_g&current=simulation").object()
            #expect(report["current"] as? String == "simulation")
            #expect(report["verdict"] as? String == "drift")
            let drift = try #require((report["features"] as? [[String: Any]])?.first)
            #expect(drift["current_count"] as? Int == 300)
            #expect(drift["drift"] as? Bool == true)
            let simulated = try await client.send(.get, "/drift?current=simulation")
            #expect(simulated.status == .ok)
            #expect(simulated.text.contains(">SIMULATION</span>"))
            #expect(simulated.text.contains("DRIFT DETECTED"))
            // Production is what the model was really asked: nothing yet.
            try expectProblem(try await client.send(.get, "/api/v1/drift"), status: .conflict)
            let production = try await client.send(.get, "/drift")
            #expect(production.status == .ok)
            #expect(production.text.contains("no real prediction has been logged yet"))
            #expect(!production.text.contains("DRIFT DETECTED") && !production.text.contains(">SIMULATION</span>"))
            #expect(production.text.contains(#"<a href="/drift?current=simulation">the simulated stream (300 synthetic rows)</a>"#))
            #expect(try await client.send(.get, "/drift?current=tomorrow").status == .badRequest)
        }
        #expect(try await platform.predictionLog.count() == 0, "the simulation did not touch the prediction log")
    }

    @Test func aVerdictOnTooFewRealPredictionsSaysSo() async throws {
        // Twenty real predictions of heavy penguins: the tests see a shift, the verdict waits for more rows.
        let heavy = (0..<20).map { i in #"{"bill_length_mm": 47.5, "bill_depth_mm": 15.0, "flipper_length_mm": 217, "body_mass_g": \#(6_000 + 10 * i)}"# }
        let batch = #"{"penguins": [\#(heavy.joined(separator: ","))]}"#
        for (minimum, verdict) in [(ServerOptions.defaultMinimumDriftRows, "not_enough_data"), (10, "drift")] {
            let platform = try await makePlatform()
            var options = testOptions()
            options.minimumDriftRows = minimum
            let app = try await makeApp(platform, options: options)
            try await app.test(.router) { client in
                #expect(try await client.postJSON("/api/v1/predict/batch", batch).status == .ok)
                let report = try await client.send(.get, "/api/v1/drift?feature=body_mass_g").object()
                #expect(report["verdict"] as? String == verdict, "minimum \(minimum)")
                #expect(report["current_rows"] as? Int == 20)
                #expect(report["minimum_rows"] as? Int == minimum)
                #expect((report["features"] as? [[String: Any]])?.first?["drift"] as? Bool == true, "the test itself still rejects")
                let page = try await client.send(.get, "/drift")
                #expect(page.text.contains("not enough production data: 20 of the 100 rows a verdict needs") == (verdict == "not_enough_data"))
                #expect(page.text.contains("DRIFT DETECTED") == (verdict == "drift"))
            }
        }
    }

    @Test func thePredictPageLogsItsPrediction() async throws {
        let platform = try await makePlatform()
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let page = try await client.send(.get, "/predict?bill_length_mm=46.1&bill_depth_mm=13.2&flipper_length_mm=211&body_mass_g=4500")
            #expect(page.status == .ok)
        }
        let gentoo = PenguinRecords.bundled.targetClass(of: .gentoo)
        #expect(try await platform.predictionLog.recent(limit: 5).map(\.prediction.predictedClass) == [gentoo])
    }

    @Test func benchmarksRunOnDemand() async throws {
        let app = try await makeApp(try await makePlatform())
        try await app.test(.router) { client in
            let page = try await client.postForm("/benchmarks", "")
            #expect(page.status == .ok)
            #expect(page.contentType == Self.html)
        }
        let empty = try await makeApp(try await makePlatform(ingest: false))
        try await empty.test(.router) { client in
            let page = try await client.postForm("/benchmarks", "")
            #expect(page.status == .conflict)
            #expect(page.contentType == Self.html)
        }
    }
}
