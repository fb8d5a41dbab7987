import Foundation
import HummingbirdTesting
import PenguinsCore
import PenguinsML
import PenguinsPipeline
import PenguinsServer
import PenguinsStorage
import Testing

/// Promotion through the API and the dashboard: a worse version is refused with the margin
/// named, forced through on request, and every change is in the audit trail.
@Suite struct PromotionGateAPITests {
    @Test func aWorseVersionIsRefusedThenForcedAndAudited() async throws {
        let platform = try await makePlatform()
        // A single stump: worse than version 1, so training leaves it a candidate.
        let weak = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 1, maxDepth: 1)).train()
        #expect(!weak.promoted)
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            let refused = try expectProblem(try await client.send(.post, "/api/v1/models/2/promote"), status: .conflict, field: "version")
            #expect(refused["type"] as? String == "urn:penguins:problem:promotion-refused")
            #expect((refused["detail"] as? String)?.contains("points less accurate than version 1 (margin 1.0 points)") == true, "\(refused)")
            #expect(try await client.send(.get, "/api/v1/model").object()["version"] as? Int == 1)
            try expectProblem(try await client.send(.post, "/api/v1/models/2/promote?margin=2"), status: .badRequest, field: "margin")
            try expectProblem(try await client.send(.post, "/api/v1/models/2/promote?force=maybe"), status: .badRequest, field: "force")

            let forced = try await client.send(.post, "/api/v1/models/2/promote?force=true").object()
            #expect(forced["current"] as? Int == 2 && forced["previous"] as? Int == 1)
            let comparison = try #require(forced["comparison"] as? [String: Any])
            #expect(comparison["worse"] as? Bool == true)
            let heldOut = try #require(comparison["held_out"] as? [String: Any])
            #expect((heldOut["accuracy_change"] as? Double ?? 0) < -0.01)
            #expect(try await client.send(.get, "/api/v1/model").object()["version"] as? Int == 2)

            // Back to version 1 from the dashboard: better, so no force needed.
            let back = try await client.postForm("/classification/promote", "version=1")
            #expect(back.status == .seeOther)
            let models = try await client.send(.get, "/api/v1/models").object()
            let audit = try #require(models["audit"] as? [[String: Any]])
            #expect(audit.map { $0["to"] as? Int } == [1, 2, 1])
            #expect(audit.map { $0["forced"] as? Bool } == [false, true, false])
            #expect(audit.map { $0["actor"] as? String } == ["anonymous", "anonymous", "train"])
            #expect((audit[1]["comparison"] as? [String: Any])?["worse"] as? Bool == true)
            #expect(audit[2]["comparison"] is NSNull, "the first promotion had nothing to compare with")

            let page = try await client.send(.get, "/classification").text
            #expect(page.contains("<h2>Promotions</h2>"))
            #expect(page.contains(">forced<"))
            #expect(page.contains("points less accurate than version 1"))
        }
    }

    @Test func aDatasetsPromotionGoesThroughTheSameGate() async throws {
        let platform = try await makeIrisPlatform()
        _ = try await Trainer(platform: platform, parameters: RandomForestClassifier(numTrees: 1, maxDepth: 1))
            .train(schema: BundledSchemas.iris, features: ["sepal_width_cm"])
        let app = try await makeApp(platform)
        try await app.test(.router) { client in
            try expectProblem(try await client.send(.post, "/api/v1/datasets/iris/models/2/promote"), status: .conflict, field: "version")
            let forced = try await client.send(.post, "/api/v1/datasets/iris/models/2/promote?force=1").object()
            #expect(forced["dataset"] as? String == "iris" && forced["current"] as? Int == 2)
            let audit = try #require(try await client.send(.get, "/api/v1/datasets/iris/models").object()["audit"] as? [[String: Any]])
            #expect(audit.first?["forced"] as? Bool == true)
        }
    }
}
