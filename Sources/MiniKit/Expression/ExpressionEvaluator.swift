import MiniSupport

/// Why an expression could not be evaluated.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case type, unknownName = "unknown-name", fuel, wrongArguments = "arguments", size, division
    }

    public var kind: Kind
    public var message: String
    /// Where in the source the failing part of the expression is.
    public var range: SourceRange

    init(_ kind: Kind, _ message: String, _ range: SourceRange) {
        self.kind = kind
        self.message = message
        self.range = range
    }

    /// A stable code: `expression.type`, `expression.fuel`, ….
    public var code: String { "expression.\(kind.rawValue)" }
    public var description: String { message }
}

/// Evaluates expressions with a fuel budget: every node costs one unit, builtins cost with their input.
/// There are no loops, so the budget bounds the time of any evaluation.
public struct ExpressionEvaluator {
    private var fuel: Int

    public init(fuel: Int = MiniKitLimits.expressionFuel) { self.fuel = fuel }

    /// Evaluates `expression` in `scope` with a fresh budget.
    public static func evaluate(_ expression: Expression, in scope: Scope, fuel: Int = MiniKitLimits.expressionFuel)
        throws(EvaluationError) -> MiniValue
    {
        var evaluator = ExpressionEvaluator(fuel: fuel)
        return try evaluator.evaluate(expression, scope)
    }

    /// Fuel left.
    public var remainingFuel: Int { fuel }

    public mutating func evaluate(_ expression: Expression, _ scope: Scope) throws(EvaluationError) -> MiniValue {
        fuel -= 1
        guard fuel >= 0 else {
            throw EvaluationError(
                .fuel, "the expression ran out of fuel (\(MiniKitLimits.expressionFuel) steps)", expression.range)
        }
        switch expression {
        case .literal(let value, _):
            return value
        case .identifier(let name, let range):
            guard let value = scope.lookup(name) else {
                throw EvaluationError(.unknownName, "unknown name '\(name)'", range)
            }
            return value
        case .member(let base, let name, let range):
            let value = try evaluate(base, scope)
            switch value {
            case .null: return .null  // null-safe: `quote.price` is empty while `quote` is null
            case .object(let members): return members[name] ?? .null
            case .string(let text) where name == "length":
                try charge(text.utf8.count, range)
                return .number(Double(text.count))
            case .array(let items) where name == "length": return .number(Double(items.count))
            default: throw EvaluationError(.type, "cannot read '.\(name)' of \(value.kindName)", range)
            }
        case .index(let base, let indexExpression, let range):
            let value = try evaluate(base, scope)
            let index = try evaluate(indexExpression, scope)
            switch (value, index) {
            case (.null, _): return .null
            case (.array(let items), .number(let position)):
                guard let index = position.index(in: items.count) else { return .null }
                return items[index]
            case (.object(let members), .string(let key)): return members[key] ?? .null
            case (.string(let text), .number(let position)):
                try charge(text.utf8.count, range)
                let characters = Array(text)
                guard let index = position.index(in: characters.count) else { return .null }
                return .string(String(characters[index]))
            default:
                throw EvaluationError(.type, "cannot index \(value.kindName) with \(index.kindName)", range)
            }
        case .call(let name, let argumentExpressions, let range):
            var arguments: [MiniValue] = []
            for argument in argumentExpressions { arguments.append(try evaluate(argument, scope)) }
            return try Builtins.call(name, arguments, fuel: &fuel, range: range)
        case .unary(let op, let operandExpression, let range):
            let operand = try evaluate(operandExpression, scope)
            switch op {
            case .not: return .bool(!operand.isTruthy)
            case .negate:
                guard case .number(let value) = operand else {
                    throw EvaluationError(.type, "cannot negate \(operand.kindName)", range)
                }
                return .number(-value)
            }
        case .binary(let op, let lhsExpression, let rhsExpression, let range):
            switch op {
            case .and:
                let lhs = try evaluate(lhsExpression, scope)
                return lhs.isTruthy ? try evaluate(rhsExpression, scope) : lhs
            case .or:
                let lhs = try evaluate(lhsExpression, scope)
                return lhs.isTruthy ? lhs : try evaluate(rhsExpression, scope)
            default:
                let lhs = try evaluate(lhsExpression, scope)
                let rhs = try evaluate(rhsExpression, scope)
                return try binary(op, lhs, rhs, range)
            }
        case .conditional(let condition, let whenTrue, let whenFalse, _):
            return try evaluate(condition, scope).isTruthy
                ? try evaluate(whenTrue, scope) : try evaluate(whenFalse, scope)
        case .array(let items, _):
            var values: [MiniValue] = []
            for item in items { values.append(try evaluate(item, scope)) }
            return .array(values)
        case .object(let members, _):
            var values: [String: MiniValue] = [:]
            for member in members { values[member.key] = try evaluate(member.value, scope) }
            return .object(values)
        }
    }

    private mutating func binary(
        _ op: Expression.BinaryOperator, _ lhs: MiniValue, _ rhs: MiniValue, _ range: SourceRange
    ) throws(EvaluationError) -> MiniValue {
        switch op {
        case .equal, .notEqual:
            // Comparing big values costs in proportion to their size.
            try charge(min(lhs.approximateSize, rhs.approximateSize), range)
            return .bool((lhs == rhs) == (op == .equal))
        case .add:
            if case .number(let a) = lhs, case .number(let b) = rhs { return .number(a + b) }
            if case .string = lhs { return try concatenate(lhs.displayText, rhs, range) }
            if case .string = rhs { return try concatenate(lhs.displayText, rhs, range) }
            throw EvaluationError(.type, "cannot add \(lhs.kindName) and \(rhs.kindName)", range)
        case .subtract, .multiply, .divide, .remainder:
            guard case .number(let a) = lhs, case .number(let b) = rhs else {
                throw EvaluationError(
                    .type, "cannot apply '\(op.rawValue)' to \(lhs.kindName) and \(rhs.kindName)", range)
            }
            switch op {
            case .subtract: return .number(a - b)
            case .multiply: return .number(a * b)
            case .divide:
                guard b != 0 else { throw EvaluationError(.division, "division by zero", range) }
                return .number(a / b)
            default:
                guard b != 0 else { throw EvaluationError(.division, "remainder of a division by zero", range) }
                return .number(a.truncatingRemainder(dividingBy: b))
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            switch (lhs, rhs) {
            case (.number(let a), .number(let b)): order = a < b ? -1 : a > b ? 1 : 0
            case (.string(let a), .string(let b)): order = a < b ? -1 : a > b ? 1 : 0
            default:
                throw EvaluationError(
                    .type, "cannot compare \(lhs.kindName) with \(rhs.kindName) using '\(op.rawValue)'", range)
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .and, .or:
            return .null  // handled with short-circuit above
        }
    }

    /// Takes fuel in proportion to the bytes an operation touches (16 bytes a step).
    mutating func charge(_ bytes: Int, _ range: SourceRange) throws(EvaluationError) {
        fuel -= bytes / 16
        guard fuel >= 0 else {
            throw EvaluationError(
                .fuel, "the expression ran out of fuel (\(MiniKitLimits.expressionFuel) steps)", range)
        }
    }

    private mutating func concatenate(_ lhs: String, _ rhs: MiniValue, _ range: SourceRange) throws(EvaluationError)
        -> MiniValue
    {
        let result = lhs + rhs.displayText
        fuel -= result.utf8.count / 64
        guard fuel >= 0 else {
            throw EvaluationError(
                .fuel, "the expression ran out of fuel (\(MiniKitLimits.expressionFuel) steps)", range)
        }
        guard result.utf8.count <= MiniKitLimits.maximumStringLength else {
            throw EvaluationError(.size, "the text grew beyond \(MiniKitLimits.maximumStringLength / 1024) KiB", range)
        }
        return .string(result)
    }
}
