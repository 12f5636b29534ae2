import Catalog
import MiniSupport

/// The body every listing action takes (and every `releases` item of a seed file): the host, and what the
/// action needs. Parsing is strict: unknown fields are refused, every list and text is bounded.
///
/// A release is a gray release when it names an audience — `percent` below 100, `userIds`, `segments`,
/// `constraints` or `variants` — and a full release otherwise.
public struct ListingRequest: Sendable, Hashable {
    /// A share of the gray audience given to one version.
    public struct Variant: Sendable, Hashable {
        public var version: SemanticVersion
        public var weight: Int

        public init(version: SemanticVersion, weight: Int = 1) {
            self.version = version
            self.weight = weight
        }
    }

    public var host: String
    public var version: SemanticVersion?
    public var percent: Int?
    public var constraints: [RolloutConstraint] = []
    public var userIds: [String] = []
    public var segments: [String] = []
    public var variants: [Variant] = []
    public var reason: String?

    public static let fields: Set<String> = [
        "host", "version", "percent", "constraints", "userIds", "segments", "variants", "reason",
    ]
    public static let maximumUserIds = 1_000
    public static let maximumSegments = 16
    public static let maximumConstraints = 32
    public static let maximumVariants = 8

    /// True when the release names an audience, so it is a gray release rather than a full one.
    public var isGray: Bool {
        (percent ?? 100) < 100 || !userIds.isEmpty || !segments.isEmpty || !constraints.isEmpty || !variants.isEmpty
    }

    public init(
        host: String, version: SemanticVersion? = nil, percent: Int? = nil, constraints: [RolloutConstraint] = [],
        userIds: [String] = [], segments: [String] = [], variants: [Variant] = [], reason: String? = nil
    ) {
        self.host = host
        self.version = version
        self.percent = percent
        self.constraints = constraints
        self.userIds = userIds
        self.segments = segments
        self.variants = variants
        self.reason = reason
    }

    /// Reads the body of the listing action `action` (`release`, `widen`, …), with what that action requires.
    public init(json: JSONCursor, action: String) throws(JSONPathError) {
        try json.onlyFields(Self.fields)
        let hostCursor = try json.require("host")
        host = try hostCursor.string()
        guard !host.isEmpty, host.count <= 64 else { throw hostCursor.error("a host id") }
        if let cursor = try json.field("version") { version = try cursor.semanticVersion() }
        if let cursor = try json.field("percent") {
            let value = try cursor.int()
            guard (1...100).contains(value) else { throw cursor.error("a percentage from 1 to 100") }
            percent = value
        }
        let constraintItems = try json.arrayField("constraints")
        guard constraintItems.count <= Self.maximumConstraints else {
            throw try json.require("constraints").error("at most \(Self.maximumConstraints) constraints")
        }
        for item in constraintItems { constraints.append(try RolloutConstraint(request: item)) }
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
            let version = try item.require("version").semanticVersion()
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

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["host": .string(host)]
        if let version { members["version"] = .string(version.description) }
        if let percent { members["percent"] = .number(Double(percent)) }
        if !constraints.isEmpty { members["constraints"] = .array(constraints.map(\.jsonValue)) }
        if !userIds.isEmpty { members["userIds"] = .array(userIds.map(JSONValue.string)) }
        if !segments.isEmpty { members["segments"] = .array(segments.map(JSONValue.string)) }
        if !variants.isEmpty {
            members["variants"] = .array(
                variants.map { ["version": .string($0.version.description), "weight": .number(Double($0.weight))] })
        }
        if let reason { members["reason"] = .string(reason) }
        return .object(members)
    }
}
