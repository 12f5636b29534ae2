import MiniSupport

/// One step of a handler. Handlers are sequences of actions; there are no loops.
public indirect enum Action: Sendable, Hashable {
    /// `set quote = result.data, loading = false`
    case set([Assignment], SourceRange)
    /// `call network.request { … } success { … } fail { … }`
    case call(APICall)
    /// `toast "Saved"`
    case toast(Expression, SourceRange)
    /// `modal { title: …, content: … } confirm { … } cancel { … }`
    case modal(Expression, confirm: [Action], cancel: [Action], SourceRange)
    /// `navigate "detail" with { id: item.id }` or `redirect "done"`
    case navigate(page: Expression, query: Expression?, redirect: Bool, SourceRange)
    /// `back`
    case back(SourceRange)
    /// `if … { } else if … { } else { }`
    case branch([ConditionalBranch], SourceRange)
    /// `stop`: end the handler.
    case stop(SourceRange)

    public var range: SourceRange {
        switch self {
        case .set(_, let r), .toast(_, let r), .modal(_, _, _, let r), .navigate(_, _, _, let r), .back(let r),
            .branch(_, let r), .stop(let r):
            return r
        case .call(let call): return call.range
        }
    }
}

/// `path = value` in a `set`.
public struct Assignment: Sendable, Hashable {
    /// `quote.price` as `["quote", "price"]`; list indexes are written `items[0]` and kept as expressions.
    public var target: Expression
    public var value: Expression
}

/// One branch of an `if`: `condition` is nil for `else`.
public struct ConditionalBranch: Sendable, Hashable {
    public var condition: Expression?
    public var body: [Action]
}

/// A call of a host API with its success and failure branches (`result` and `error` are in scope there).
public struct APICall: Sendable, Hashable {
    public var api: HostAPI
    public var arguments: Expression?
    public var success: [Action]
    public var failure: [Action]
    public var range: SourceRange
    public var nameRange: SourceRange
}

/// A named sequence of actions, run on an event or a lifecycle hook.
public struct Handler: Sendable, Hashable {
    public var name: String
    public var body: [Action]
    public var range: SourceRange
}

/// A page lifecycle moment.
public enum LifecycleHook: String, Sendable, Hashable, CaseIterable {
    case load, show, hide, unload
}

/// A page's logic: its initial data, hooks and handlers.
public struct PageLogic: Sendable, Hashable {
    public var data: [String: MiniValue]
    public var dataRange: SourceRange?
    public var hooks: [LifecycleHook: Handler]
    public var handlers: [String: Handler]

    public init(
        data: [String: MiniValue] = [:], dataRange: SourceRange? = nil, hooks: [LifecycleHook: Handler] = [:],
        handlers: [String: Handler] = [:]
    ) {
        self.data = data
        self.dataRange = dataRange
        self.hooks = hooks
        self.handlers = handlers
    }
}
