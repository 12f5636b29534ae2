import MiniSupport

/// A feature toggle in Unleash's model: the unit the gray-release engine evaluates.
///
/// In the catalog, one toggle decides which users of a host app get a gray version of a mini-program.
public struct FeatureToggle: Sendable, Hashable {
    public var name: String
    public var enabled: Bool
    /// The activation strategies, any of which enables the toggle. `nil` (absent) disables the toggle;
    /// an empty list enables it for everyone.
    public var strategies: [RolloutStrategy]?
    /// Feature-level variants, used when the matching strategy has none.
    public var variants: [FeatureVariant]
    /// Parent toggles that must be satisfied first (one level only, as Unleash).
    public var dependencies: [FeatureDependency]
    public var description: String?

    public init(
        name: String, enabled: Bool = true, strategies: [RolloutStrategy]? = [], variants: [FeatureVariant] = [],
        dependencies: [FeatureDependency] = [], description: String? = nil
    ) {
        self.name = name
        self.enabled = enabled
        self.strategies = strategies
        self.variants = variants
        self.dependencies = dependencies
        self.description = description
    }

    /// Reads a toggle from an Unleash features document, naming the JSON path of any problem.
    public init(json: JSONCursor) throws(JSONPathError) {
        name = try json.require("name").string()
        guard !name.isEmpty else { throw try json.require("name").error("a toggle name cannot be empty") }
        enabled = try json.field("enabled")?.bool() ?? false
        if let list = try json.field("strategies") {
            var parsed: [RolloutStrategy] = []
            for item in try list.array() { parsed.append(try RolloutStrategy(json: item)) }
            strategies = parsed
        } else {
            strategies = nil
        }
        var variants: [FeatureVariant] = []
        for item in try json.arrayField("variants") { variants.append(try FeatureVariant(json: item)) }
        self.variants = variants
        var dependencies: [FeatureDependency] = []
        for item in try json.arrayField("dependencies") { dependencies.append(try FeatureDependency(json: item)) }
        self.dependencies = dependencies
        description = try json.field("description")?.string()
    }

    /// The toggle in Unleash's JSON shape.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "enabled": .bool(enabled)]
        if let strategies { members["strategies"] = .array(strategies.map(\.jsonValue)) }
        if !variants.isEmpty { members["variants"] = .array(variants.map(\.jsonValue)) }
        if !dependencies.isEmpty { members["dependencies"] = .array(dependencies.map(\.jsonValue)) }
        if let description { members["description"] = .string(description) }
        return .object(members)
    }
}

/// A parent toggle this toggle depends on.
public struct FeatureDependency: Sendable, Hashable {
    /// The parent toggle's name.
    public var feature: String
    /// Whether the parent must be enabled (the default) or disabled.
    public var enabled: Bool
    /// When non-empty, the parent must resolve to one of these variant names.
    public var variants: [String]

    public init(feature: String, enabled: Bool = true, variants: [String] = []) {
        self.feature = feature
        self.enabled = enabled
        self.variants = variants
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        feature = try json.require("feature").string()
        enabled = try json.field("enabled")?.bool() ?? true
        var names: [String] = []
        for item in try json.arrayField("variants") { names.append(try item.string()) }
        variants = names
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["feature": .string(feature)]
        if !enabled { members["enabled"] = .bool(false) }
        if !variants.isEmpty { members["variants"] = .array(variants.map(JSONValue.string)) }
        return .object(members)
    }
}

/// One activation strategy: a built-in rule with parameters, gated by constraints and segments.
public struct RolloutStrategy: Sendable, Hashable {
    /// `default`, `userWithId`, `flexibleRollout`, `gradualRolloutUserId`, `gradualRolloutSessionId`,
    /// `gradualRolloutRandom` or `remoteAddress`. Unknown names never match, as in Unleash's SDKs.
    public var name: String
    public var parameters: [String: String]
    public var constraints: [RolloutConstraint]
    /// Ids of segments whose constraints must also hold.
    public var segments: [Int]
    /// Strategy-level variants, which take precedence over the toggle's own.
    public var variants: [FeatureVariant]

    public init(
        name: String, parameters: [String: String] = [:], constraints: [RolloutConstraint] = [],
        segments: [Int] = [], variants: [FeatureVariant] = []
    ) {
        self.name = name
        self.parameters = parameters
        self.constraints = constraints
        self.segments = segments
        self.variants = variants
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        name = try json.require("name").string()
        var parameters: [String: String] = [:]
        if let members = try json.field("parameters") {
            for (key, cursor) in try members.objectMembers() { parameters[key] = try cursor.scalarText() }
        }
        self.parameters = parameters
        var constraints: [RolloutConstraint] = []
        for item in try json.arrayField("constraints") { constraints.append(try RolloutConstraint(json: item)) }
        self.constraints = constraints
        var segments: [Int] = []
        for item in try json.arrayField("segments") { segments.append(try item.intOrText()) }
        self.segments = segments
        var variants: [FeatureVariant] = []
        for item in try json.arrayField("variants") { variants.append(try FeatureVariant(json: item)) }
        self.variants = variants
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name)]
        if !parameters.isEmpty { members["parameters"] = .object(parameters.mapValues(JSONValue.string)) }
        if !constraints.isEmpty { members["constraints"] = .array(constraints.map(\.jsonValue)) }
        if !segments.isEmpty { members["segments"] = .array(segments.map { .number(Double($0)) }) }
        if !variants.isEmpty { members["variants"] = .array(variants.map(\.jsonValue)) }
        return .object(members)
    }
}

/// A reusable, named list of constraints (a user group), referenced from strategies by id.
public struct Segment: Sendable, Hashable {
    public var id: Int
    public var name: String?
    public var constraints: [RolloutConstraint]

    public init(id: Int, name: String? = nil, constraints: [RolloutConstraint]) {
        self.id = id
        self.name = name
        self.constraints = constraints
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        id = try json.require("id").intOrText()
        name = try json.field("name")?.string()
        var constraints: [RolloutConstraint] = []
        for item in try json.arrayField("constraints") { constraints.append(try RolloutConstraint(json: item)) }
        self.constraints = constraints
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "id": .number(Double(id)), "constraints": .array(constraints.map(\.jsonValue)),
        ]
        if let name { members["name"] = .string(name) }
        return .object(members)
    }
}
