import Foundation

/// Evaluates toggles for a context with Unleash's semantics; compiled once from a ``FeatureState``.
///
/// Evaluation is pure and allocation-light: constraint operands, segments and strategy parameters are
/// parsed when the engine is built. Every result can be explained with ``explain(_:context:)``.
public struct GrayEngine: Sendable {
    let toggles: [String: CompiledToggle]
    /// The state the engine was compiled from.
    public let state: FeatureState
    private let clock: @Sendable () -> Date

    /// Compiles a state. `clock` supplies the time for DATE_* constraints when the context has none.
    public init(state: FeatureState, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.state = state
        self.clock = clock
        var toggles: [String: CompiledToggle] = [:]
        for feature in state.features { toggles[feature.name] = CompiledToggle(feature, segments: state.segments) }
        self.toggles = toggles
    }

    /// Whether the toggle is on for this context. Unknown toggles are off.
    public func isEnabled(_ name: String, context: GrayContext) -> Bool {
        var tracer = NoTracer()
        guard let toggle = toggles[name] else { return false }
        return resolve(toggle, context, &tracer).enabled
    }

    /// The variant this context gets, in the shape of Unleash's `getVariant`.
    public func variant(_ name: String, context: GrayContext) -> VariantResult {
        var tracer = NoTracer()
        return variant(name, context, &tracer)
    }

    /// Evaluates a toggle and records why: the dependency, strategy, constraint or segment that decided it.
    ///
    /// The result, the variant and the explanation come from one evaluation, so they agree even where
    /// randomness is involved (random stickiness, `gradualRolloutRandom`).
    public func explain(_ name: String, context: GrayContext) -> GrayDecision {
        var tracer = ExplainingTracer(toggle: name)
        guard let toggle = toggles[name] else {
            tracer.explanation.decision = .unknownToggle
            return GrayDecision(
                enabled: false, variant: .disabled(featureEnabled: false), explanation: tracer.explanation)
        }
        let resolution = resolve(toggle, context, &tracer)
        let variant = variant(toggle, resolution, context, &tracer)
        tracer.explanation.enabled = resolution.enabled
        return GrayDecision(enabled: resolution.enabled, variant: variant, explanation: tracer.explanation)
    }

    // MARK: Evaluation

    func variant<T: GrayTracer>(_ name: String, _ context: GrayContext, _ tracer: inout T) -> VariantResult {
        guard let toggle = toggles[name] else { return .disabled(featureEnabled: false) }
        let result = resolve(toggle, context, &tracer)
        return variant(toggle, result, context, &tracer)
    }

    func variant<T: GrayTracer>(
        _ toggle: CompiledToggle, _ result: Resolution, _ context: GrayContext, _ tracer: inout T
    )
        -> VariantResult
    {
        if result.enabled, let chosen = result.variant { return chosen }
        guard result.enabled else { return .disabled(featureEnabled: false) }
        guard toggle.source.enabled, !toggle.source.variants.isEmpty else { return .disabled(featureEnabled: true) }
        let stickiness = toggle.source.variants[0].stickiness
        guard
            let chosen = selectVariant(
                toggle.source.variants, groupId: toggle.source.name, stickiness: stickiness, context, source: nil,
                &tracer)
        else { return .disabled(featureEnabled: true) }
        return chosen
    }

    struct Resolution {
        var enabled: Bool
        var variant: VariantResult?
    }

    func resolve<T: GrayTracer>(_ toggle: CompiledToggle, _ context: GrayContext, _ tracer: inout T) -> Resolution {
        let feature = toggle.source
        for dependency in feature.dependencies {
            guard dependencySatisfied(dependency, context, &tracer) else {
                tracer.decide(.dependencyNotSatisfied(dependency.feature))
                return Resolution(enabled: false)
            }
        }
        guard feature.enabled else {
            tracer.decide(.toggleDisabled)
            return Resolution(enabled: false)
        }
        guard let strategies = toggle.strategies else {
            tracer.decide(.strategiesMissing)
            return Resolution(enabled: false)
        }
        if strategies.isEmpty {
            tracer.decide(.noStrategies)
            return Resolution(enabled: true)
        }
        for (index, strategy) in strategies.enumerated() {
            tracer.beginStrategy(index: index, name: strategy.source.name)
            guard strategy.isEnabled(context, feature: feature.name, now: clock, &tracer) else { continue }
            tracer.decide(.strategyMatched(index))
            if !strategy.source.variants.isEmpty {
                let stickiness = strategy.source.variants[0].stickiness ?? strategy.source.parameters["stickiness"]
                if let chosen = selectVariant(
                    strategy.source.variants, groupId: strategy.groupId ?? feature.name, stickiness: stickiness,
                    context, source: index, &tracer)
                {
                    return Resolution(enabled: true, variant: chosen)
                }
            }
            return Resolution(enabled: true)
        }
        tracer.decide(.noStrategyMatched)
        return Resolution(enabled: false)
    }

    private func dependencySatisfied<T: GrayTracer>(
        _ dependency: FeatureDependency, _ context: GrayContext, _ tracer: inout T
    ) -> Bool {
        guard let parent = toggles[dependency.feature] else {
            tracer.dependency(dependency, satisfied: false, detail: "the parent toggle does not exist")
            return false
        }
        guard parent.source.dependencies.isEmpty else {
            tracer.dependency(
                dependency, satisfied: false,
                detail: "the parent has dependencies of its own (only one level is allowed)")
            return false
        }
        var quiet = NoTracer()
        let satisfied: Bool
        if dependency.enabled {
            if dependency.variants.isEmpty {
                satisfied = resolve(parent, context, &quiet).enabled
                tracer.dependency(
                    dependency, satisfied: satisfied,
                    detail: satisfied ? "the parent is enabled" : "the parent is disabled")
            } else {
                let parentVariant = variant(parent.source.name, context, &quiet)
                satisfied = parentVariant.featureEnabled && dependency.variants.contains(parentVariant.name)
                tracer.dependency(
                    dependency, satisfied: satisfied,
                    detail: "the parent resolves to variant '\(parentVariant.name)'"
                        + (parentVariant.featureEnabled ? "" : " (parent disabled)"))
            }
        } else {
            satisfied = !resolve(parent, context, &quiet).enabled
            tracer.dependency(
                dependency, satisfied: satisfied,
                detail: satisfied ? "the parent is disabled, as required" : "the parent is enabled but must be disabled"
            )
        }
        return satisfied
    }

    private func selectVariant<T: GrayTracer>(
        _ variants: [FeatureVariant], groupId: String, stickiness: String?, _ context: GrayContext, source: Int?,
        _ tracer: inout T
    ) -> VariantResult? {
        // Weights are bounded when read, but values built in code are clamped here too.
        let totalWeight = variants.reduce(0) { $0 + min(max(0, $1.weight), FeatureVariant.maximumWeight) }
        guard totalWeight > 0 else {
            tracer.variant(source: source, detail: "the variants' weights add up to 0")
            return nil
        }
        for variant in variants {
            for override in variant.overrides {
                if let value = context.value(of: override.contextName), override.values.contains(value) {
                    tracer.variant(
                        source: source, detail: "'\(variant.name)' by override: \(override.contextName) = \"\(value)\"")
                    return VariantResult(variant)
                }
            }
        }
        let (seed, seedSource) = Stickiness.seed(stickiness, context)
        let target = GrayBucket.normalized(
            seed, groupId: groupId, normalizer: UInt32(clamping: totalWeight), seed: GrayBucket.variantSeed)
        var counter = 0
        for variant in variants where variant.weight > 0 {
            counter += min(variant.weight, FeatureVariant.maximumWeight)
            if counter >= target {
                tracer.variant(
                    source: source,
                    detail:
                        "'\(variant.name)': bucket \(target) of \(totalWeight) (\(seedSource), group \"\(groupId)\")")
                return VariantResult(variant)
            }
        }
        return nil
    }
}

/// How a strategy or variant picks the id it hashes.
enum Stickiness {
    /// The id to hash and a description of where it came from. `default` tries userId, sessionId, then
    /// remoteAddress; a missing field falls back to a random id, as Unleash does.
    static func seed(_ stickiness: String?, _ context: GrayContext) -> (String, String) {
        if let stickiness, stickiness != "default" {
            if let value = context.value(of: stickiness) { return (value, "\(stickiness) = \"\(value)\"") }
            return (randomID(), "random: no \(stickiness) in the context")
        }
        if let value = context.userId, !value.isEmpty { return (value, "userId = \"\(value)\"") }
        if let value = context.sessionId, !value.isEmpty { return (value, "sessionId = \"\(value)\"") }
        if let value = context.remoteAddress, !value.isEmpty { return (value, "remoteAddress = \"\(value)\"") }
        return (randomID(), "random: no userId, sessionId or remoteAddress")
    }

    static func randomID() -> String { String(Int.random(in: 0...100_000)) }
}
