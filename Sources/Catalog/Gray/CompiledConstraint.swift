import Foundation
import MiniSupport

/// A constraint prepared for fast evaluation: operands parsed once, field resolved once.
struct CompiledConstraint: Sendable {
    enum Test: Sendable {
        case isIn(Set<String>)
        case notIn(Set<String>)
        case startsWith([String], caseInsensitive: Bool)
        case endsWith([String], caseInsensitive: Bool)
        case contains([String], caseInsensitive: Bool)
        case number(ConstraintOperator, Double?)
        case date(ConstraintOperator, Date?)
        case semver(ConstraintOperator, SemanticVersion?)
        case regex(BoundedRegex?)
        case cidr([IPAddressRange])
        case unknown
    }

    let source: RolloutConstraint
    let field: ContextField
    let test: Test
    /// The segment this constraint came from, for explanations.
    let segmentId: Int?

    init(_ constraint: RolloutConstraint, segmentId: Int? = nil) {
        source = constraint
        field = ContextField(constraint.contextName)
        self.segmentId = segmentId
        let op = constraint.operator
        let ci = constraint.caseInsensitive
        let operand = constraint.value ?? constraint.values.first
        switch op {
        case .in: test = .isIn(Set(constraint.values))
        case .notIn: test = .notIn(Set(constraint.values))
        case .stringStartsWith, .stringEndsWith, .stringContains:
            let values = constraint.values.map { ci ? $0.lowercased() : $0 }
            test =
                op == .stringStartsWith
                ? .startsWith(values, caseInsensitive: ci)
                : op == .stringEndsWith
                    ? .endsWith(values, caseInsensitive: ci) : .contains(values, caseInsensitive: ci)
        case .numberEqual, .numberGreater, .numberGreaterOrEqual, .numberLess, .numberLessOrEqual:
            test = .number(op, operand.flatMap(Self.number))
        case .dateAfter, .dateBefore:
            test = .date(op, operand.flatMap { Timestamp.parse($0) })
        case .semverEqual, .semverGreater, .semverGreaterOrEqual, .semverLess, .semverLessOrEqual:
            test = .semver(op, operand.flatMap { SemanticVersion($0.trimmingASCIIWhitespace()) })
        case .regex:
            test = .regex(operand.flatMap { try? BoundedRegex($0, caseInsensitive: ci) })
        case .inCIDR:
            test = .cidr(constraint.values.compactMap { IPAddressRange($0) })
        default:
            test = .unknown
        }
    }

    /// Parses a number as JavaScript's `Number()` would for ordinary decimal text; nil when it is not one.
    static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, let value = Double(trimmed), value.isFinite else { return nil }
        return value
    }

    /// Whether the constraint holds for this context, with `inverted` applied.
    @inline(__always)
    func holds(_ context: GrayContext, now: () -> Date) -> Bool {
        if case .unknown = test { return false }  // an unknown operator never matches, inverted or not
        return matches(context.value(of: field), context: context, now: now) != source.inverted
    }

    private func matches(_ value: String?, context: GrayContext, now: () -> Date) -> Bool {
        switch test {
        case .isIn(let values):
            guard let value else { return false }
            return values.contains(value)
        case .notIn(let values):
            guard let value else { return true }
            return !values.contains(value)
        case .startsWith(let values, let ci):
            guard let value else { return false }
            let subject = ci ? value.lowercased() : value
            return values.contains { subject.hasPrefix($0) }
        case .endsWith(let values, let ci):
            guard let value else { return false }
            let subject = ci ? value.lowercased() : value
            return values.contains { subject.hasSuffix($0) }
        case .contains(let values, let ci):
            guard let value else { return false }
            let subject = ci ? value.lowercased() : value
            return values.contains { $0.isEmpty || subject.contains($0) }  // "" is in every text, as in Unleash
        case .number(let op, let operand):
            guard let operand, let value, let number = Self.number(value) else { return false }
            switch op {
            case .numberEqual: return number == operand
            case .numberGreater: return number > operand
            case .numberGreaterOrEqual: return number >= operand
            case .numberLess: return number < operand
            default: return number <= operand
            }
        case .date(let op, let operand):
            guard let operand else { return false }
            let current: Date
            if field == .currentTime {
                current = context.currentTime ?? now()
            } else {
                guard let value, let parsed = Timestamp.parse(value) else { return false }
                current = parsed
            }
            return op == .dateAfter ? current > operand : current < operand
        case .semver(let op, let operand):
            guard let operand, let value, let version = SemanticVersion(value.trimmingASCIIWhitespace()) else {
                return false
            }
            switch op {
            case .semverEqual: return version == operand
            case .semverGreater: return version > operand
            case .semverGreaterOrEqual: return version >= operand
            case .semverLess: return version < operand
            default: return version <= operand
            }
        case .regex(let regex):
            guard let regex, let value else { return false }
            return regex.matches(value)
        case .cidr(let ranges):
            guard let value, let address = IPAddressRange.parseAddress(value.trimmingASCIIWhitespace()) else {
                return false
            }
            return ranges.contains { $0.contains(address) }
        case .unknown:
            return false
        }
    }

    /// Why the operand could not be used, when it could not (shown in explanations and by the checker).
    var operandProblem: String? {
        switch test {
        case .number(_, nil): return "the value '\(source.value ?? "")' is not a number"
        case .date(_, nil): return "the value '\(source.value ?? "")' is not an RFC 3339 date-time"
        case .semver(_, nil): return "the value '\(source.value ?? "")' is not a semantic version"
        case .regex(nil):
            let pattern = source.value ?? source.values.first ?? ""
            do {
                _ = try BoundedRegex(pattern)
                return nil
            } catch {
                return "the pattern '\(pattern)' is refused: \(error)"
            }
        case .cidr(let ranges) where ranges.count < source.values.count:
            let bad = source.values.filter { IPAddressRange($0) == nil }
            return "not an address or CIDR range: \(bad.joined(separator: ", "))"
        case .unknown: return "unknown operator '\(source.operator.rawValue)'"
        default: return nil
        }
    }
}
