/// Receives the steps of an evaluation. The engine is generic over it, so the non-explaining path
/// (``NoTracer``) compiles to nothing and costs nothing.
protocol GrayTracer {
    mutating func dependency(_ dependency: FeatureDependency, satisfied: Bool, detail: @autoclosure () -> String)
    mutating func beginStrategy(index: Int, name: String)
    mutating func constraint(_ constraint: CompiledConstraint, value: @autoclosure () -> String?, holds: Bool)
    mutating func endStrategy(matched: Bool, detail: @autoclosure () -> String)
    mutating func decide(_ decision: GrayExplanation.Decision)
    mutating func variant(source: Int?, detail: @autoclosure () -> String)
}

/// The tracer of plain evaluation: records nothing.
struct NoTracer: GrayTracer {
    @inline(__always) mutating func dependency(_: FeatureDependency, satisfied: Bool, detail: @autoclosure () -> String)
    {}
    @inline(__always) mutating func beginStrategy(index: Int, name: String) {}
    @inline(__always) mutating func constraint(_: CompiledConstraint, value: @autoclosure () -> String?, holds: Bool) {}
    @inline(__always) mutating func endStrategy(matched: Bool, detail: @autoclosure () -> String) {}
    @inline(__always) mutating func decide(_: GrayExplanation.Decision) {}
    @inline(__always) mutating func variant(source: Int?, detail: @autoclosure () -> String) {}
}

/// The tracer behind ``GrayEngine/explain(_:context:)``: builds a ``GrayExplanation``.
struct ExplainingTracer: GrayTracer {
    var explanation: GrayExplanation

    init(toggle: String) { explanation = GrayExplanation(toggle: toggle) }

    mutating func dependency(_ dependency: FeatureDependency, satisfied: Bool, detail: @autoclosure () -> String) {
        explanation.dependencies.append(.init(feature: dependency.feature, satisfied: satisfied, detail: detail()))
    }

    mutating func beginStrategy(index: Int, name: String) {
        explanation.strategies.append(.init(index: index, name: name))
    }

    mutating func constraint(_ constraint: CompiledConstraint, value: @autoclosure () -> String?, holds: Bool) {
        guard !explanation.strategies.isEmpty else { return }
        let trace = GrayExplanation.ConstraintTrace(
            constraint: constraint.source.summary, segmentId: constraint.segmentId, contextValue: value(),
            holds: holds, problem: constraint.operandProblem)
        explanation.strategies[explanation.strategies.count - 1].constraints.append(trace)
    }

    mutating func endStrategy(matched: Bool, detail: @autoclosure () -> String) {
        guard !explanation.strategies.isEmpty else { return }
        explanation.strategies[explanation.strategies.count - 1].matched = matched
        explanation.strategies[explanation.strategies.count - 1].detail = detail()
    }

    mutating func decide(_ decision: GrayExplanation.Decision) { explanation.decision = decision }

    mutating func variant(source: Int?, detail: @autoclosure () -> String) {
        explanation.variant = .init(strategyIndex: source, detail: detail())
    }
}
