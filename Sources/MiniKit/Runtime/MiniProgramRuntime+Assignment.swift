import Foundation
import MiniSupport

/// `set` paths into page data.
extension MiniProgramRuntime {
    /// One step of a `set` path, with list positions already evaluated in the handler's scope.
    enum PathStep {
        case key(String)
        case position(Double, SourceRange)
    }

    /// Sets `data[path] = value`. Index expressions are evaluated in the handler's scope (so `event`,
    /// `result` and `query` work in them); missing objects along the path are created.
    static func assign(_ value: MiniValue, to target: Expression, in data: inout [String: MiniValue], scope: Scope)
        throws(EvaluationError)
    {
        var steps: [PathStep] = []
        var node = target
        walk: while true {
            switch node {
            case .identifier(let name, _):
                steps.append(.key(name))
                break walk
            case .member(let base, let name, _):
                steps.append(.key(name))
                node = base
            case .index(let base, let indexExpression, let range):
                switch try ExpressionEvaluator.evaluate(indexExpression, in: scope) {
                case .number(let position): steps.append(.position(position, range))
                case .string(let key): steps.append(.key(key))
                case let other: throw EvaluationError(.type, "cannot index with \(other.kindName)", range)
                }
                node = base
            default:
                throw EvaluationError(.type, "cannot set this expression", node.range)
            }
        }
        var root = MiniValue.object(data)
        try apply(value, steps.reversed()[...], to: &root, range: target.range)
        if case .object(let members) = root { data = members }
    }

    static func apply(
        _ value: MiniValue, _ steps: ArraySlice<PathStep>, to container: inout MiniValue, range: SourceRange
    )
        throws(EvaluationError)
    {
        guard let step = steps.first else {
            container = value
            return
        }
        switch step {
        case .key(let key):
            var members: [String: MiniValue]
            switch container {
            case .object(let existing): members = existing
            case .null: members = [:]
            default: throw EvaluationError(.type, "cannot set '\(key)' in \(container.kindName)", range)
            }
            var child = members[key] ?? .null
            members[key] = nil  // keep the child uniquely referenced while it changes
            try apply(value, steps.dropFirst(), to: &child, range: range)
            members[key] = child
            container = .object(members)
        case .position(let position, let stepRange):
            guard case .array(var items) = container else {
                throw EvaluationError(.type, "cannot set an element of \(container.kindName) by position", stepRange)
            }
            guard let index = position.index(in: items.count) else {
                throw EvaluationError(
                    .type, "index \(MiniValue.format(position)) is outside the list of \(items.count)", stepRange)
            }
            var child = items[index]
            items[index] = .null
            try apply(value, steps.dropFirst(), to: &child, range: range)
            items[index] = child
            container = .array(items)
        }
    }
}
