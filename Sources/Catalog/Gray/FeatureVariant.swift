import MiniSupport

/// One variant of a toggle: a named outcome with a weight, an optional payload and overrides.
///
/// In the catalog a variant names the mini-program version a user gets.
public struct FeatureVariant: Sendable, Hashable {
    public var name: String
    /// The share of users, relative to the other variants' weights.
    public var weight: Int
    /// The context field that keeps a user on one variant; `default` means userId, sessionId, remoteAddress.
    public var stickiness: String?
    public var payload: VariantPayload?
    /// Users pinned to this variant whatever their bucket.
    public var overrides: [VariantOverride]

    /// The largest weight one variant may have: totals stay far below `UInt32.max`.
    public static let maximumWeight = 1_000_000

    public init(
        name: String, weight: Int, stickiness: String? = nil, payload: VariantPayload? = nil,
        overrides: [VariantOverride] = []
    ) {
        self.name = name
        self.weight = weight
        self.stickiness = stickiness
        self.payload = payload
        self.overrides = overrides
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        name = try json.require("name").string()
        weight = try json.field("weight")?.intOrText() ?? 0
        guard weight >= 0 else { throw try json.require("weight").error("a variant weight cannot be negative") }
        guard weight <= Self.maximumWeight else {
            throw try json.require("weight").error(
                "a variant weight cannot exceed \(Self.maximumWeight) (Unleash uses weights that add up to 1000)")
        }
        stickiness = try json.field("stickiness")?.string()
        if let payload = try json.field("payload") {
            self.payload = VariantPayload(
                type: try payload.require("type").string(), value: try payload.require("value").scalarText())
        }
        var overrides: [VariantOverride] = []
        for item in try json.arrayField("overrides") {
            var values: [String] = []
            for value in try item.arrayField("values") { values.append(try value.scalarText()) }
            overrides.append(VariantOverride(contextName: try item.require("contextName").string(), values: values))
        }
        self.overrides = overrides
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "weight": .number(Double(weight))]
        if let stickiness { members["stickiness"] = .string(stickiness) }
        if let payload { members["payload"] = payload.jsonValue }
        if !overrides.isEmpty {
            members["overrides"] = .array(
                overrides.map {
                    .object(["contextName": .string($0.contextName), "values": .array($0.values.map(JSONValue.string))])
                })
        }
        return .object(members)
    }
}

/// A variant's payload: a type (`string`, `json`, `csv`, `number`) and its text.
public struct VariantPayload: Sendable, Hashable {
    public var type: String
    public var value: String

    public init(type: String, value: String) {
        self.type = type
        self.value = value
    }

    public var jsonValue: JSONValue { .object(["type": .string(type), "value": .string(value)]) }
}

/// Pins users whose context field has one of `values` to a variant.
public struct VariantOverride: Sendable, Hashable {
    public var contextName: String
    public var values: [String]

    public init(contextName: String, values: [String]) {
        self.contextName = contextName
        self.values = values
    }
}
