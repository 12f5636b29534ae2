import MiniSupport

/// A parsed expression: the tree of a `{{ … }}` binding or of a value in page logic.
///
/// Only the cases that hold other expressions are boxed: a literal or a name, the most common bindings, is
/// stored inline.
public enum Expression: Sendable, Hashable {
    public enum UnaryOperator: String, Sendable, Hashable { case not = "!", negate = "-" }
    public enum BinaryOperator: String, Sendable, Hashable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case and = "&&", or = "||"
    }

    case literal(MiniValue, SourceRange)
    case identifier(String, SourceRange)
    indirect case member(Expression, String, SourceRange)
    indirect case index(Expression, Expression, SourceRange)
    indirect case call(String, [Expression], SourceRange)
    indirect case unary(UnaryOperator, Expression, SourceRange)
    indirect case binary(BinaryOperator, Expression, Expression, SourceRange)
    indirect case conditional(Expression, Expression, Expression, SourceRange)
    indirect case array([Expression], SourceRange)
    indirect case object([(key: String, value: Expression)], SourceRange)

    /// Where the expression is in its file.
    public var range: SourceRange {
        switch self {
        case .literal(_, let r), .identifier(_, let r), .member(_, _, let r), .index(_, _, let r), .call(_, _, let r),
            .unary(_, _, let r), .binary(_, _, _, let r), .conditional(_, _, _, let r), .array(_, let r),
            .object(_, let r):
            return r
        }
    }

    /// The data paths the expression reads, such as `quote.price` or `plans`, with their ranges. Used by the
    /// checker (do bound paths exist?) and to know which bindings a data change affects.
    public var readPaths: [(path: [String], range: SourceRange)] {
        var result: [(path: [String], range: SourceRange)] = []
        collect(into: &result)
        return result
    }

    private func collect(into result: inout [(path: [String], range: SourceRange)]) {
        if let path = staticPath {
            result.append((path, range))
            return
        }
        switch self {
        case .literal, .identifier: break
        case .member(let base, _, _): base.collect(into: &result)
        case .index(let base, let index, _):
            base.collect(into: &result)
            index.collect(into: &result)
        case .call(_, let arguments, _): for argument in arguments { argument.collect(into: &result) }
        case .unary(_, let operand, _): operand.collect(into: &result)
        case .binary(_, let lhs, let rhs, _):
            lhs.collect(into: &result)
            rhs.collect(into: &result)
        case .conditional(let a, let b, let c, _):
            a.collect(into: &result)
            b.collect(into: &result)
            c.collect(into: &result)
        case .array(let items, _): for item in items { item.collect(into: &result) }
        case .object(let members, _): for member in members { member.value.collect(into: &result) }
        }
    }

    /// `a` of `a.b.c`, found without building the path; nil for anything that is not a chain of names.
    public var pathRoot: String? {
        var expression = self
        while true {
            switch expression {
            case .identifier(let name, _): return name
            case .member(let base, _, _): expression = base
            default: return nil
            }
        }
    }

    /// `a.b.c` as `["a", "b", "c"]`; nil for anything that is not a chain of names.
    public var staticPath: [String]? {
        switch self {
        case .identifier(let name, _): return [name]
        case .member(let base, let name, _): return base.staticPath.map { $0 + [name] }
        default: return nil
        }
    }

    public static func == (lhs: Expression, rhs: Expression) -> Bool { lhs.description == rhs.description }
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

extension Expression: CustomStringConvertible {
    /// The expression written back, fully parenthesised: `(a + (b * 2))`.
    public var description: String {
        switch self {
        case .literal(let value, _): return value.json
        case .identifier(let name, _): return name
        case .member(let base, let name, _): return "\(base).\(name)"
        case .index(let base, let index, _): return "\(base)[\(index)]"
        case .call(let name, let arguments, _):
            return "\(name)(\(arguments.map(\.description).joined(separator: ", ")))"
        case .unary(let op, let operand, _): return "\(op.rawValue)\(operand)"
        case .binary(let op, let lhs, let rhs, _): return "(\(lhs) \(op.rawValue) \(rhs))"
        case .conditional(let a, let b, let c, _): return "(\(a) ? \(b) : \(c))"
        case .array(let items, _): return "[\(items.map(\.description).joined(separator: ", "))]"
        case .object(let members, _): return "{\(members.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        }
    }
}
