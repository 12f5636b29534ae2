import MiniSupport

/// A condition on one context field, such as `region IN [shanghai, beijing]` or `hostVersion SEMVER_GTE 7.2.0`.
public struct RolloutConstraint: Sendable, Hashable {
    /// The context field: `userId`, `sessionId`, `remoteAddress`, `appName`, `environment`, `currentTime`,
    /// or any property name.
    public var contextName: String
    public var `operator`: ConstraintOperator
    /// The operand list of list operators (IN, NOT_IN, STR_*, IN_CIDR).
    public var values: [String]
    /// The operand of single-value operators (NUM_*, DATE_*, SEMVER_*, REGEX).
    public var value: String?
    /// Negates the result.
    public var inverted: Bool
    /// Compares strings (STR_*, REGEX) ignoring case.
    public var caseInsensitive: Bool

    public init(
        contextName: String, operator: ConstraintOperator, values: [String] = [], value: String? = nil,
        inverted: Bool = false, caseInsensitive: Bool = false
    ) {
        self.contextName = contextName
        self.operator = `operator`
        self.values = values
        self.value = value
        self.inverted = inverted
        self.caseInsensitive = caseInsensitive
    }

    public init(json: JSONCursor) throws(JSONPathError) {
        contextName = try json.require("contextName").string()
        `operator` = ConstraintOperator(rawValue: try json.require("operator").string())
        var values: [String] = []
        for item in try json.arrayField("values") { values.append(try item.scalarText()) }
        self.values = values
        value = try json.field("value")?.scalarText()
        inverted = try json.field("inverted")?.bool() ?? false
        caseInsensitive = try json.field("caseInsensitive")?.bool() ?? false
    }

    /// Reads a constraint someone asks the platform to store (a release's or a segment's), strictly: only
    /// known fields and operators, strings where strings belong, the operand the operator takes, and an
    /// operand that can be used (a number that parses, a pattern that compiles, …). Stored and Unleash
    /// documents are read with ``init(json:)``, which keeps unknown operators as Unleash's SDKs do.
    public init(request json: JSONCursor) throws(JSONPathError) {
        try json.onlyFields(["contextName", "operator", "values", "value", "inverted", "caseInsensitive"])
        let nameCursor = try json.require("contextName")
        contextName = try nameCursor.string()
        guard (1...256).contains(contextName.count) else { throw nameCursor.error("1 to 256 characters") }
        let operatorCursor = try json.require("operator")
        `operator` = ConstraintOperator(rawValue: try operatorCursor.string())
        guard `operator`.isKnown else {
            throw operatorCursor.error(
                "unknown operator '\(`operator`.rawValue)' (operators: \(ConstraintOperator.known.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        var values: [String] = []
        let valueItems = try json.arrayField("values")
        guard valueItems.count <= 1_000 else { throw try json.require("values").error("at most 1000 values") }
        for item in valueItems {
            let text = try item.string()
            guard text.count <= 256 else { throw item.error("a value has at most 256 characters") }
            values.append(text)
        }
        self.values = values
        let valueCursor = try json.field("value")
        value = try valueCursor?.string()
        inverted = try json.field("inverted")?.bool() ?? false
        caseInsensitive = try json.field("caseInsensitive")?.bool() ?? false
        if `operator`.takesList {
            guard value == nil else { throw json.error("\(`operator`.rawValue) takes 'values' (a list), not 'value'") }
            guard !values.isEmpty else { throw json.error("\(`operator`.rawValue) needs at least one of 'values'") }
        } else {
            guard let valueCursor else { throw json.error("\(`operator`.rawValue) needs 'value'") }
            guard values.isEmpty else { throw json.error("\(`operator`.rawValue) takes 'value', not 'values'") }
            guard (value ?? "").count <= 256 else { throw valueCursor.error("a value has at most 256 characters") }
        }
        if let problem = CompiledConstraint(self).operandProblem {
            throw (valueCursor ?? json).error(problem)
        }
    }

    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "contextName": .string(contextName), "operator": .string(`operator`.rawValue),
        ]
        if !values.isEmpty || `operator`.takesList { members["values"] = .array(values.map(JSONValue.string)) }
        if let value { members["value"] = .string(value) }
        if inverted { members["inverted"] = .bool(true) }
        if caseInsensitive { members["caseInsensitive"] = .bool(true) }
        return .object(members)
    }

    /// The constraint as people read it: `region IN [shanghai, beijing]`, `NOT userId STR_ENDS_WITH [7]`.
    public var summary: String {
        let operand = `operator`.takesList ? "[" + values.joined(separator: ", ") + "]" : (value ?? "")
        let flags = caseInsensitive ? " (ignoring case)" : ""
        return "\(inverted ? "NOT " : "")\(contextName) \(`operator`.rawValue) \(operand)\(flags)"
    }
}

/// A constraint operator. Unknown operators are kept (and never match), as Unleash's SDKs do.
public struct ConstraintOperator: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let `in` = Self(rawValue: "IN")
    public static let notIn = Self(rawValue: "NOT_IN")
    public static let stringStartsWith = Self(rawValue: "STR_STARTS_WITH")
    public static let stringEndsWith = Self(rawValue: "STR_ENDS_WITH")
    public static let stringContains = Self(rawValue: "STR_CONTAINS")
    public static let numberEqual = Self(rawValue: "NUM_EQ")
    public static let numberGreater = Self(rawValue: "NUM_GT")
    public static let numberGreaterOrEqual = Self(rawValue: "NUM_GTE")
    public static let numberLess = Self(rawValue: "NUM_LT")
    public static let numberLessOrEqual = Self(rawValue: "NUM_LTE")
    public static let dateAfter = Self(rawValue: "DATE_AFTER")
    public static let dateBefore = Self(rawValue: "DATE_BEFORE")
    public static let semverEqual = Self(rawValue: "SEMVER_EQ")
    public static let semverGreater = Self(rawValue: "SEMVER_GT")
    public static let semverGreaterOrEqual = Self(rawValue: "SEMVER_GTE")
    public static let semverLess = Self(rawValue: "SEMVER_LT")
    public static let semverLessOrEqual = Self(rawValue: "SEMVER_LTE")
    public static let regex = Self(rawValue: "REGEX")
    public static let inCIDR = Self(rawValue: "IN_CIDR")

    /// Every operator the engine knows.
    public static let known: [ConstraintOperator] = [
        .in, .notIn, .stringStartsWith, .stringEndsWith, .stringContains, .numberEqual, .numberGreater,
        .numberGreaterOrEqual, .numberLess, .numberLessOrEqual, .dateAfter, .dateBefore, .semverEqual,
        .semverGreater, .semverGreaterOrEqual, .semverLess, .semverLessOrEqual, .regex, .inCIDR,
    ]

    /// True for operators whose operand is `values` rather than `value`.
    public var takesList: Bool {
        [.in, .notIn, .stringStartsWith, .stringEndsWith, .stringContains, .inCIDR].contains(self)
    }

    public var isKnown: Bool { Self.known.contains(self) }
    public var description: String { rawValue }
}
