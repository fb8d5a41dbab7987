import Foundation
import Hummingbird
import HummingbirdTesting
import PenguinsServer
import Testing

@Suite struct HeavyWorkLimiterTests {
    @Test func admitsUpToItsLimitThenRefusesUntilASlotIsReleased() {
        let limiter = HeavyWorkLimiter(limit: 2)
        #expect(limiter.tryAcquire())
        #expect(limiter.tryAcquire())
        #expect(!limiter.tryAcquire())
        #expect(limiter.inFlight == 2)
        limiter.release()
        #expect(limiter.tryAcquire())
        #expect(!limiter.tryAcquire())
        #expect(HeavyWorkLimiter(limit: 0).limit == 1)
    }

    /// With every slot taken, each analysis answers 429 with `Retry-After` (a problem document,
    /// or a page for the dashboard's) and runs nothing, while predictions and lookups answer;
    /// once a slot is free the analyses answer again.
    @Test func analysesAreTurnedAwayWhileEverySlotIsTakenAndPredictionsAreNot() async throws {
        let limiter = HeavyWorkLimiter(limit: 1)
        var options = testOptions()
        options.analyses = limiter
        let app = try await makeApp(try await makePlatform(), options: options)
        try await app.test(.router) { client in
            #expect(limiter.tryAcquire())
            for path in ["/api/v1/stats", "/api/v1/regression?target=body_mass_g&predictors=flipper_length_mm", "/api/v1/drift",
                         "/api/v1/datasets/penguins/stats"] {
                let busy = try await client.send(.get, path)
                let problem = try expectProblem(busy, status: .tooManyRequests)
                #expect(problem["type"] as? String == "urn:penguins:problem:too-busy", "\(path)")
                #expect(busy.headers[.retryAfter] == "1", "\(path)")
            }
            for path in ["/", "/statistics", "/drift"] {
                let page = try await client.send(.get, path)
                #expect(page.status == .tooManyRequests, "\(path)")
                #expect(page.contentType == "text/html; charset=utf-8", "\(path)")
                #expect(page.headers[.retryAfter] == "1", "\(path)")
            }
            let simulate = try await client.postForm("/drift/simulate", "feature=body_mass_g&delta=100&rows=20")
            #expect(simulate.status == .tooManyRequests)
            #expect(try await client.postJSON("/api/v1/predict", adelieJSON).status == .ok)
            #expect(try await client.send(.get, "/api/v1/predictions/\(knownPenguinID)").status == .ok)
            #expect(limiter.inFlight == 1, "a refused request must not take or free a slot")

            limiter.release()
            #expect(try await client.send(.get, "/api/v1/stats").status == .ok)
            #expect(try await client.send(.get, "/statistics").status == .ok)
            #expect(limiter.inFlight == 0, "a finished analysis gives its slot back")
        }
    }
}
