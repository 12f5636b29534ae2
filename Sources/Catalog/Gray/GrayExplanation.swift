import MiniSupport

/// Why a toggle is on or off for a context, and why this variant: the dependency, strategy, constraint or
/// segment that decided it. A value for programs (``jsonValue``) and text for people (``text``).
public struct GrayExplanation: Sendable, Hashable {
    /// The step that decided the result.
    public enum Decision: Sendable, Hashable {
        case unknownToggle
        case dependencyNotSatisfied(String)
        case toggleDisabled
        case strategiesMissing
        case noStrategies
        case strategyMatched(Int)
        case noStrategyMatched
    }

    public struct DependencyTrace: Sendable, Hashable {
        public var feature: String
        public var satisfied: Bool
        public var detail: String
    }

    public struct ConstraintTrace: Sendable, Hashable {
        /// The constraint as people read it.
        public var constraint: String
        /// The segment it belongs to, when it came from one.
        public var segmentId: Int?
        /// The context's value of the constrained field, nil when absent.
        public var contextValue: String?
        public var holds: Bool
        /// A problem with the constraint itself (unparsable operand, refused pattern, unknown operator).
        public var problem: String?
    }

    public struct StrategyTrace: Sendable, Hashable {
        /// Zero-based position in the toggle's strategy list.
        public var index: Int
        public var name: String
        public var matched = false
        /// Constraints checked, in order, up to the first that failed.
        public var constraints: [ConstraintTrace] = []
        public var detail = ""
    }

    public struct VariantTrace: Sendable, Hashable {
        /// The strategy whose variants were used; nil for the toggle's own variants.
        public var strategyIndex: Int?
        public var detail: String
    }

    public var toggle: String
    public var enabled = false
    public var decision: Decision = .unknownToggle
    public var dependencies: [DependencyTrace] = []
    public var strategies: [StrategyTrace] = []
    public var variant: VariantTrace?

    init(toggle: String) { self.toggle = toggle }

    /// One sentence: the decision.
    public var summary: String {
        switch decision {
        case .unknownToggle: return "'\(toggle)' is off: no such toggle"
        case .dependencyNotSatisfied(let parent):
            return "'\(toggle)' is off: its dependency on '\(parent)' is not satisfied"
        case .toggleDisabled: return "'\(toggle)' is off: the toggle is disabled"
        case .strategiesMissing: return "'\(toggle)' is off: the toggle has no strategy list"
        case .noStrategies: return "'\(toggle)' is on: it has no strategies, so it applies to everyone"
        case .strategyMatched(let index):
            let name = strategies.first { $0.index == index }?.name ?? "?"
            return "'\(toggle)' is on: strategy #\(index + 1) (\(name)) matched"
        case .noStrategyMatched: return "'\(toggle)' is off: no strategy matched"
        }
    }

    /// The explanation as indented lines for a terminal.
    public var text: String {
        var lines = [summary]
        for dependency in dependencies {
            lines.append(
                "  dependency '\(dependency.feature)': \(dependency.satisfied ? "satisfied" : "not satisfied") — \(dependency.detail)"
            )
        }
        for strategy in strategies {
            lines.append(
                "  strategy #\(strategy.index + 1) \(strategy.name): \(strategy.matched ? "matched" : "no match") — \(strategy.detail)"
            )
            for constraint in strategy.constraints {
                let from = constraint.segmentId.map { " [segment \($0)]" } ?? ""
                let value = constraint.contextValue.map { "\"\($0)\"" } ?? "absent"
                var line =
                    "    \(constraint.holds ? "✓" : "✗") \(constraint.constraint)\(from) — context value \(value)"
                if let problem = constraint.problem { line += " (\(problem))" }
                lines.append(line)
            }
        }
        if let variant {
            let source = variant.strategyIndex.map { "strategy #\($0 + 1)'s variants" } ?? "the toggle's variants"
            lines.append("  variant from \(source): \(variant.detail)")
        }
        return lines.joined(separator: "\n")
    }

    /// The explanation as JSON, for `--explain` and the API.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "toggle": .string(toggle), "enabled": .bool(enabled), "summary": .string(summary),
            "decision": .string(decisionCode),
        ]
        if case .strategyMatched(let index) = decision { members["strategy"] = .number(Double(index)) }
        if case .dependencyNotSatisfied(let parent) = decision { members["dependency"] = .string(parent) }
        if !dependencies.isEmpty {
            members["dependencies"] = .array(
                dependencies.map {
                    .object([
                        "feature": .string($0.feature), "satisfied": .bool($0.satisfied), "detail": .string($0.detail),
                    ])
                })
        }
        if !strategies.isEmpty {
            members["strategies"] = .array(
                strategies.map { strategy in
                    .object([
                        "index": .number(Double(strategy.index)), "name": .string(strategy.name),
                        "matched": .bool(strategy.matched), "detail": .string(strategy.detail),
                        "constraints": .array(
                            strategy.constraints.map { c in
                                var m: [String: JSONValue] = [
                                    "constraint": .string(c.constraint), "holds": .bool(c.holds),
                                    "contextValue": c.contextValue.map(JSONValue.string) ?? .null,
                                ]
                                if let id = c.segmentId { m["segment"] = .number(Double(id)) }
                                if let problem = c.problem { m["problem"] = .string(problem) }
                                return .object(m)
                            }),
                    ])
                })
        }
        if let variant {
            members["variant"] = .object([
                "strategy": variant.strategyIndex.map { .number(Double($0)) } ?? .null,
                "detail": .string(variant.detail),
            ])
        }
        members["text"] = .string(text)
        return .object(members)
    }

    /// A stable code for the decision: `unknown-toggle`, `dependency`, `disabled`, `no-strategy-list`,
    /// `no-strategies`, `strategy`, `no-match`.
    public var decisionCode: String {
        switch decision {
        case .unknownToggle: return "unknown-toggle"
        case .dependencyNotSatisfied: return "dependency"
        case .toggleDisabled: return "disabled"
        case .strategiesMissing: return "no-strategy-list"
        case .noStrategies: return "no-strategies"
        case .strategyMatched: return "strategy"
        case .noStrategyMatched: return "no-match"
        }
    }
}

/// The result of an explained evaluation.
public struct GrayDecision: Sendable, Hashable {
    public var enabled: Bool
    public var variant: VariantResult
    public var explanation: GrayExplanation
}

/// The variant a context gets, in the shape of Unleash's `getVariant`.
public struct VariantResult: Sendable, Hashable {
    public var name: String
    public var payload: VariantPayload?
    /// True when a real variant was chosen.
    public var enabled: Bool
    /// Whether the toggle itself is on.
    public var featureEnabled: Bool

    public init(name: String, payload: VariantPayload? = nil, enabled: Bool, featureEnabled: Bool) {
        self.name = name
        self.payload = payload
        self.enabled = enabled
        self.featureEnabled = featureEnabled
    }

    init(_ variant: FeatureVariant) {
        self.init(name: variant.name, payload: variant.payload, enabled: true, featureEnabled: true)
    }

    /// The `disabled` pseudo-variant.
    public static func disabled(featureEnabled: Bool) -> VariantResult {
        VariantResult(name: "disabled", enabled: false, featureEnabled: featureEnabled)
    }

    /// `{"name", "payload"?, "enabled", "feature_enabled"}` as in the client specification.
    public var jsonValue: JSONValue {
        var members: [String: JSONValue] = [
            "name": .string(name), "enabled": .bool(enabled), "feature_enabled": .bool(featureEnabled),
        ]
        if let payload { members["payload"] = payload.jsonValue }
        return .object(members)
    }
}
