extension GrayExplanation {
    /// Why a user is in a gray release, in one line for the shell's QA panel: the strategy that matched, its
    /// detail (the bucket against the rollout), and the constraints that held. Nil unless a strategy matched or
    /// there are none.
    public var audience: String? {
        switch decision {
        case .noStrategies:
            return "everyone (no strategies)"
        case .strategyMatched(let index):
            guard let strategy = strategies.first(where: { $0.index == index }) else { return nil }
            var parts = [strategy.detail.isEmpty ? strategy.name : "\(strategy.name): \(strategy.detail)"]
            parts += strategy.constraints.filter(\.holds).map(\.constraint)
            return parts.joined(separator: "; ")
        default:
            return nil
        }
    }
}
