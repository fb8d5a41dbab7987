import Foundation
import Hummingbird
import PenguinsCore
import PenguinsPipeline
import PenguinsStorage

/// Who asks for a promotion and how: the gate's margin and whether to force a worse candidate.
struct PromotionRequest: Sendable {
    var actor: String
    var force: Bool
    var margin: Double

    /// From the query of `POST .../promote` or a dashboard form (`force`, `margin`), on behalf
    /// of the caller's key (`api:NAME` or `dashboard:NAME`; `anonymous` on a server without keys).
    static func from(_ values: FormValues, caller: Caller?) throws(Problem) -> PromotionRequest {
        let via = caller?.credential == .session ? "dashboard" : "api"
        let actor = caller.map { "\(via):\($0.key.name)" } ?? "anonymous"
        var force = false
        if let text = values["force"] {
            switch text.lowercased() {
            case "true", "1", "on", "yes": force = true
            case "false", "0", "off", "no", "": force = false
            default: throw Problem.invalidParameter("force", "must be true or false, not \"\(text)\"")
            }
        }
        let margin = try values.double("margin") ?? ModelPromotion.defaultMargin
        guard margin >= 0, margin < 1 else { throw Problem.invalidParameter("margin", "must be at least 0 and below 1, not \(margin)") }
        return PromotionRequest(actor: actor, force: force, margin: margin)
    }
}

/// The answer of `POST .../models/{version}/promote`.
struct PromotionResult: Encodable {
    var dataset: String
    var current: Int
    var previous: Int?
    /// The candidate against the version current before; absent when there was none.
    var comparison: ModelComparison?
}

/// One audit entry as the API shows it, its comparison as an object.
struct ModelAuditRow: Encodable {
    var entry: PromotionAudit

    enum CodingKeys: String, CodingKey {
        case action, at, from, to, actor, forced, comparison
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(entry.action.rawValue, forKey: .action)
        try container.encode(entry.at, forKey: .at)
        try container.encode(entry.from, forKey: .from)
        try container.encode(entry.to, forKey: .to)
        try container.encode(entry.actor, forKey: .actor)
        try container.encode(entry.forced, forKey: .forced)
        if let text = entry.comparison, let object = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) {
            try container.encode(object, forKey: .comparison)
        } else {
            try container.encodeNil(forKey: .comparison)
        }
    }
}
