/// A page template: markup with components checked and directives resolved, ready to render.
public indirect enum TemplateNode: Sendable, Hashable {
    case component(ComponentNode)
    case text(TemplateText)
    case conditional(ConditionalDirective)
    case list(ListDirective)
}

/// An element that is a known component.
public struct ComponentNode: Sendable, Hashable {
    public var kind: ComponentKind
    public var attributes: [String: TemplateText]
    /// Event name (`tap`, `input`, `change`, `confirm`) → handler.
    public var events: [String: EventBinding]
    /// `data-*` attributes, passed to handlers as `event.dataset`.
    public var dataset: [String: TemplateText]
    public var children: [TemplateNode]
    public var range: SourceRange
}

/// `bindtap="getQuote"`: which handler an event calls.
public struct EventBinding: Sendable, Hashable {
    public var handler: String
    public var range: SourceRange
}

/// `wx:if` / `wx:elif` / `wx:else` on sibling elements: the first branch whose condition holds renders.
public struct ConditionalDirective: Sendable, Hashable {
    public struct Branch: Sendable, Hashable {
        /// nil for `wx:else`.
        public var condition: Expression?
        public var node: TemplateNode
    }

    public var branches: [Branch]
}

/// `wx:for="{{ plans }}"`: the element repeated for each item, with `item` and `index` (or the names given
/// by `wx:for-item` and `wx:for-index`) in scope.
public struct ListDirective: Sendable, Hashable {
    public var items: Expression
    public var itemName: String
    public var indexName: String
    /// `wx:key`: the item field that identifies an item (kept for focus across re-renders).
    public var key: String?
    public var body: TemplateNode
    public var range: SourceRange
}
