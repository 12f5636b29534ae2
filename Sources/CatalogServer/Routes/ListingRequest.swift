import Catalog
import MiniKit
import MiniSupport

/// The body every listing action takes (and every `releases` item of a seed file): the host, and what the
/// action needs. Parsing is strict: unknown fields are refused, every list and text is bounded.
///
/// A release is a gray release when it names an audience — `percent` below 100, `userIds`, `segments`,
/// `constraints` or `variants` — and a full release otherwise.
struct ListingRequest: Sendable {
    /// A share of the gray audience given to one version.
    struct Variant: Sendable, Hashable {
        var version: SemanticVersion
        var weight: Int
    }

    var host: String
    var version: SemanticVersion?
    var percent: Int?
    var constraints: [RolloutConstraint] = []
    var userIds: [String] = []
    var segments: [String] = []
    var variants: [Variant] = []
    var reason: String?

    static let fields: Set<String> = [
        "host", "version", "percent", "constraints", "userIds", "segments", "variants", "reason",
    ]
    static let maximumUserIds = 1_000
    static let maximumSegments = 16
    static let maximumConstraints = 32
    static let maximumVariants = 8

    /// True when the release names an audience, so it is a gray release rather than a full one.
    var isGray: Bool {
        (percent ?? 100) < 100 || !userIds.isEmpty || !segments.isEmpty || !constraints.isEmpty || !variants.isEmpty
    }

    /// A delisting of one host, for the server's own use (host deactivation).
    init(host: String, reason: String) {
        self.host = host
        self.reason = reason
    }

    init(json: JSONCursor, action: String) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let hostCursor = try json.require("host")
        host = try hostCursor.string()
        guard !host.isEmpty, host.count <= 64 else { throw hostCursor.error("a host id") }
        if let cursor = try json.field("version") { version = try Self.version(cursor) }
        if let cursor = try json.field("percent") {
            let value = try cursor.int()
            guard (1...100).contains(value) else { throw cursor.error("a percentage from 1 to 100") }
            percent = value
        }
        let constraintItems = try json.arrayField("constraints")
        guard constraintItems.count <= Self.maximumConstraints else {
            throw try json.require("constraints").error("at most \(Self.maximumConstraints) constraints")
        }
        for item in constraintItems { constraints.append(try RolloutConstraint(json: item)) }
        let userItems = try json.arrayField("userIds")
        guard userItems.count <= Self.maximumUserIds else {
            throw try json.require("userIds").error("at most \(Self.maximumUserIds) user ids; use a segment")
        }
        for item in userItems {
            let id = try item.string()
            guard (1...128).contains(id.count), !id.contains(",") else {
                throw item.error("a user id has 1 to 128 characters and no comma")
            }
            userIds.append(id)
        }
        let segmentItems = try json.arrayField("segments")
        guard segmentItems.count <= Self.maximumSegments else {
            throw try json.require("segments").error("at most \(Self.maximumSegments) segments")
        }
        for item in segmentItems { segments.append(try item.string()) }
        let variantItems = try json.arrayField("variants")
        guard variantItems.count <= Self.maximumVariants else {
            throw try json.require("variants").error("at most \(Self.maximumVariants) variants")
        }
        for item in variantItems {
            try item.onlyFields(["version", "weight"])
            let version = try Self.version(try item.require("version"))
            var weight = 1
            if let cursor = try item.field("weight") {
                weight = try cursor.int()
                guard (1...1000).contains(weight) else { throw cursor.error("a weight from 1 to 1000") }
            }
            guard !variants.contains(where: { $0.version == version }) else {
                throw item.error("version \(version) is named twice")
            }
            variants.append(Variant(version: version, weight: weight))
        }
        if let cursor = try json.field("reason") { reason = try cursor.reasonText() }
        let audienceFields = !userIds.isEmpty || !segments.isEmpty || !constraints.isEmpty || !variants.isEmpty
        switch action {
        case "release", "rollback":
            guard version != nil else { throw json.error("missing required field 'version'") }
        case "widen":
            guard percent != nil else { throw json.error("missing required field 'percent'") }
        case "delist":
            guard reason != nil else {
                throw json.error("missing required field 'reason': say why it is taken down")
            }
        default: break
        }
        if audienceFields && action != "release" && action != "seed" {
            throw json.error("userIds, segments, constraints and variants belong to a release")
        }
    }

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

    private static func version(_ cursor: JSONCursor) throws(JSONPathError) -> SemanticVersion {
        guard let parsed = SemanticVersion(try cursor.string()) else {
            throw cursor.error("not a semantic version such as 1.2.0")
        }
        return parsed
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
