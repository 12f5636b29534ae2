import Catalog
import CatalogAPI
import MiniSupport

extension ListingRequest {
    /// The gray release this request describes, with segment names resolved to ids; nil for a full release.
    func grayRelease(appId: String, version: SemanticVersion, segmentIds: [String: Int]) throws(JSONPathError)
        -> GrayRelease?
    {
        guard isGray else { return nil }
        var ids: [Int] = []
        for name in segments {
            guard let id = segmentIds[name] else {
                throw JSONPathError(
                    path: "$.segments", message: "no segment '\(name)' (minictl segment list shows them)")
            }
            ids.append(id)
        }
        var strategies: [RolloutStrategy] = []
        // The explicit users get it whatever the rest of the audience says (strategies are alternatives).
        if !userIds.isEmpty {
            strategies.append(
                RolloutStrategy(name: "userWithId", parameters: ["userIds": userIds.joined(separator: ",")]))
        }
        if percent != nil || !ids.isEmpty || !constraints.isEmpty || userIds.isEmpty {
            strategies.append(
                RolloutStrategy(
                    name: "flexibleRollout",
                    parameters: ["rollout": String(percent ?? 100), "stickiness": "userId", "groupId": appId],
                    constraints: constraints, segments: ids))
        }
        return GrayRelease(
            version: version, strategies: strategies,
            variants: variants.map {
                FeatureVariant(name: $0.version.description, weight: $0.weight, stickiness: "userId")
            })
    }

}

extension GrayRelease {
    /// The same audience with another percentage for its percentage rollout (added when it had none).
    /// Widening also resumes a paused release.
    func widened(to percent: Int, groupId: String) -> GrayRelease {
        var copy = self
        copy.paused = false
        if let index = copy.strategies.firstIndex(where: { $0.name == "flexibleRollout" }) {
            copy.strategies[index].parameters["rollout"] = String(percent)
        } else {
            copy.strategies.append(
                RolloutStrategy(
                    name: "flexibleRollout",
                    parameters: ["rollout": String(percent), "stickiness": "userId", "groupId": groupId]))
        }
        return copy
    }

    /// Who gets the gray version, for people: "30% of segment vip; users alice, bob; split 2.2.0:1 2.3.0:1".
    func audienceSummary(segmentNames: [Int: String]) -> String {
        var parts: [String] = []
        for strategy in strategies {
            switch strategy.name {
            case "userWithId":
                let users = (strategy.parameters["userIds"] ?? "").split(separator: ",")
                parts.append(
                    "users " + users.prefix(3).joined(separator: ", ")
                        + (users.count > 3 ? " (+\(users.count - 3) more)" : ""))
            case "flexibleRollout":
                let rollout = strategy.parameters["rollout"] ?? "100"
                let names = strategy.segments.map { segmentNames[$0] ?? "#\($0)" }
                var text = rollout == "100" ? "everyone" : "\(rollout)%"
                if !names.isEmpty {
                    text =
                        (rollout == "100" ? "" : "\(rollout)% of ")
                        + "segment\(names.count > 1 ? "s" : "") \(names.joined(separator: " + "))"
                }
                if !strategy.constraints.isEmpty {
                    text += " where " + strategy.constraints.map(\.summary).joined(separator: " and ")
                }
                parts.append(text)
            default:
                parts.append(strategy.name)
            }
        }
        if !variants.isEmpty {
            parts.append("split " + variants.map { "\($0.name):\($0.weight)" }.joined(separator: " "))
        }
        return (paused ? "paused: " : "") + parts.joined(separator: "; ")
    }
}
