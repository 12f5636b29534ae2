import Foundation

/// A toggle with its strategies compiled.
struct CompiledToggle: Sendable {
    let source: FeatureToggle
    let strategies: [CompiledStrategy]?

    init(_ feature: FeatureToggle, segments: [Int: Segment]) {
        source = feature
        strategies = feature.strategies?.map { CompiledStrategy($0, segments: segments) }
    }
}

/// A strategy with its parameters parsed and its segments' constraints inlined.
struct CompiledStrategy: Sendable {
    enum Rule: Sendable {
        case always
        case userIds(Set<String>)
        case flexibleRollout(percentage: Double?, stickiness: String)
        case gradualUserId(percentage: Double?)
        case gradualSessionId(percentage: Double?)
        case gradualRandom(percentage: Double?)
        case remoteAddress(exact: Set<String>, ranges: [IPAddressRange])
        case unknown
    }

    let source: RolloutStrategy
    let rule: Rule
    let constraints: [CompiledConstraint]
    /// A referenced segment that does not exist: the strategy can never match.
    let missingSegment: Int?
    let groupId: String?

    init(_ strategy: RolloutStrategy, segments: [Int: Segment]) {
        source = strategy
        let parameters = strategy.parameters
        let groupId = parameters["groupId"].flatMap { $0.isEmpty ? nil : $0 }
        self.groupId = groupId
        func percentage(_ key: String) -> Double? { parameters[key].flatMap(CompiledConstraint.number) }
        func list(_ key: String) -> [String] {
            (parameters[key] ?? "").split(separator: ",").map { String($0.trimmingASCIIWhitespace()) }
                .filter { !$0.isEmpty }
        }
        switch strategy.name {
        case "default": rule = .always
        case "userWithId": rule = .userIds(Set(list("userIds")))
        case "flexibleRollout":
            let stickiness = parameters["stickiness"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
            rule = .flexibleRollout(percentage: percentage("rollout"), stickiness: stickiness)
        case "gradualRolloutUserId": rule = .gradualUserId(percentage: percentage("percentage"))
        case "gradualRolloutSessionId": rule = .gradualSessionId(percentage: percentage("percentage"))
        case "gradualRolloutRandom": rule = .gradualRandom(percentage: percentage("percentage"))
        case "remoteAddress":
            let entries = list("IPs")
            rule = .remoteAddress(exact: Set(entries), ranges: entries.compactMap { IPAddressRange($0) })
        default: rule = .unknown
        }
        var constraints = strategy.constraints.map { CompiledConstraint($0) }
        var missing: Int? = nil
        for id in strategy.segments {
            guard let segment = segments[id] else {
                missing = missing ?? id
                continue
            }
            constraints += segment.constraints.map { CompiledConstraint($0, segmentId: id) }
        }
        self.constraints = constraints
        self.missingSegment = missing
    }

    func isEnabled<T: GrayTracer>(_ context: GrayContext, feature: String, now: () -> Date, _ tracer: inout T)
        -> Bool
    {
        if let missingSegment {
            tracer.endStrategy(matched: false, detail: "segment \(missingSegment) does not exist")
            return false
        }
        for constraint in constraints {
            let holds = constraint.holds(context, now: now)
            tracer.constraint(constraint, value: context.value(of: constraint.field), holds: holds)
            if !holds {
                tracer.endStrategy(matched: false, detail: "a constraint does not hold")
                return false
            }
        }
        let group = groupId ?? feature
        switch rule {
        case .always:
            tracer.endStrategy(matched: true, detail: "applies to everyone")
            return true
        case .userIds(let ids):
            let hit = context.userId.map(ids.contains) ?? false
            tracer.endStrategy(
                matched: hit,
                detail: context.userId.map { "userId \"\($0)\" is\(hit ? "" : " not") in the list of \(ids.count)" }
                    ?? "no userId in the context")
            return hit
        case .flexibleRollout(let percentage, let stickiness):
            let id: String?
            let origin: String
            switch stickiness {
            case "default":
                if let user = context.value(of: .userId) {
                    (id, origin) = (user, "userId = \"\(user)\"")
                } else if let session = context.value(of: .sessionId) {
                    (id, origin) = (session, "sessionId = \"\(session)\"")
                } else {
                    (id, origin) = (Stickiness.randomID(), "random: no userId or sessionId")
                }
            case "random": (id, origin) = (Stickiness.randomID(), "random")
            default:
                id = context.value(of: stickiness)
                origin = id.map { "\(stickiness) = \"\($0)\"" } ?? ""
            }
            return rollout(id, origin: origin, missing: stickiness, group: group, percentage, &tracer)
        case .gradualUserId(let percentage):
            let id = context.value(of: .userId)
            return rollout(
                id, origin: id.map { "userId = \"\($0)\"" } ?? "", missing: "userId", group: groupId ?? "", percentage,
                &tracer)
        case .gradualSessionId(let percentage):
            let id = context.value(of: .sessionId)
            return rollout(
                id, origin: id.map { "sessionId = \"\($0)\"" } ?? "", missing: "sessionId", group: groupId ?? "",
                percentage, &tracer)
        case .gradualRandom(let percentage):
            let roll = Int.random(in: 1...100)
            let hit = percentage.map { $0 >= Double(roll) } ?? false
            tracer.endStrategy(
                matched: hit, detail: "random roll \(roll) against \(percentage.map(Self.percent) ?? "no percentage")%")
            return hit
        case .remoteAddress(let exact, let ranges):
            guard let address = context.value(of: .remoteAddress) else {
                tracer.endStrategy(matched: false, detail: "no remoteAddress in the context")
                return false
            }
            let hit = exact.contains(address) || ranges.contains { $0.contains(address: address) }
            tracer.endStrategy(matched: hit, detail: "remoteAddress \(address) is\(hit ? "" : " not") in the list")
            return hit
        case .unknown:
            tracer.endStrategy(matched: false, detail: "unknown strategy '\(source.name)' never matches")
            return false
        }
    }

    private func rollout<T: GrayTracer>(
        _ id: String?, origin: String, missing: String, group: String, _ percentage: Double?, _ tracer: inout T
    ) -> Bool {
        guard let id else {
            tracer.endStrategy(matched: false, detail: "no \(missing) in the context to bucket by")
            return false
        }
        guard let percentage else {
            tracer.endStrategy(matched: false, detail: "the rollout percentage is missing or not a number")
            return false
        }
        let bucket = GrayBucket.normalized(id, groupId: group)
        let hit = percentage > 0 && Double(bucket) <= percentage
        tracer.endStrategy(
            matched: hit,
            detail:
                "bucket \(bucket) \(hit ? "≤" : ">") rollout \(Self.percent(percentage))% (\(origin), group \"\(group)\")"
        )
        return hit
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
