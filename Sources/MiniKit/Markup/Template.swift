/// A page's markup compiled: components checked, directives resolved, ready to render.
///
/// Stored flat. Every node, attribute and text part of a page lives in a few arrays and refers to the others by
/// position, and literal text stays in the source bytes (which the template shares with the page's
/// ``SourceFile``). A page of thousands of nodes is then a handful of allocations instead of several per node:
/// that is what keeps a loaded program near the size of its source and makes loading it fast. ``TemplateParser``
/// builds one; the renderer and the checker walk it with the readers below. It is immutable once built, and a
/// class, so that handing a page around copies one reference rather than every array.
public final class Template: Sendable, Hashable, TemplateContents {
    /// Consecutive positions in one of the template's arrays.
    struct Span: Sendable, Hashable {
        var start: UInt32
        var count: UInt32

        static let empty = Span(start: 0, count: 0)

        var indices: Range<Int> { Int(start)..<Int(start) + Int(count) }
        var isEmpty: Bool { count == 0 }
    }

    /// A node of the page: a component, a text, a `wx:if` chain or a `wx:for`.
    struct Node: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            /// A component; its attributes, event bindings and `data-*` values are a span of ``attributes``.
            case component(ComponentKind, attributes: Span)
            /// Text content; its parts are a span of ``parts`` (the text's range is the node's).
            case text(parts: Span)
            /// `wx:if` / `wx:elif` / `wx:else` siblings: the first branch whose condition holds renders.
            case conditional(branches: Span)
            /// `wx:for`: an index into ``lists``.
            case list(UInt32)
        }

        var kind: Kind
        /// A component's children: a span of ``childIndices``.
        var children: Span
        var range: SourceRange
    }

    /// Text with `{{ expression }}` bindings, in element content or in an attribute value.
    struct Text: Sendable, Hashable {
        var parts: Span
        var range: SourceRange
    }

    /// A piece of a text.
    enum Part: Sendable, Hashable {
        /// Literal text exactly as in the source.
        case source(SourceRange)
        /// Literal text that differs from the source (character references decoded): an index into ``strings``.
        case decoded(UInt32)
        /// A binding: an index into ``expressions``.
        case binding(UInt32)
    }

    /// An attribute of a component, sorted by what it does.
    struct Attribute: Sendable, Hashable {
        enum Role: UInt8, Sendable, Hashable {
            /// A property of the component, such as `gap` or `disabled`.
            case property
            /// `bindtap="submit"`: the name is the event (`tap`), the value names the handler.
            case event
            /// `data-row="{{ index }}"`: passed to handlers as `event.dataset.row`.
            case data
        }

        var role: Role
        /// The name without its prefix (`tap` of `bindtap`, `row` of `data-row`), in the source.
        var name: SourceRange
        var value: Text
    }

    /// One branch of a `wx:if` chain.
    struct Branch: Sendable, Hashable {
        /// An index into ``expressions``; nil for `wx:else`.
        var condition: UInt32?
        /// The node that renders: an index into ``nodes``.
        var node: UInt32
    }

    /// `wx:for="{{ plans }}"`: the node repeated for each item, with `item` and `index` (or the names given by
    /// `wx:for-item` and `wx:for-index`) in scope.
    struct List: Sendable, Hashable {
        /// An index into ``expressions``.
        var items: UInt32
        var itemName: String
        var indexName: String
        /// `wx:key`: the item field that identifies an item (kept for focus across re-renders).
        var key: String?
        /// An index into ``nodes``.
        var body: UInt32
    }

    /// The page's source bytes, shared with its ``SourceFile`` (arrays copy on write, so this is no copy).
    let source: [UInt8]
    let nodes: [Node]
    let childIndices: [UInt32]
    let attributes: [Attribute]
    let parts: [Part]
    let expressions: [Expression]
    let strings: [String]
    let branches: [Branch]
    let lists: [List]
    /// The top-level nodes: a span of ``childIndices``.
    let roots: Span

    /// Freezes what the parser built, without the spare capacity its arrays grew (up to half of each).
    init(_ builder: Builder) {
        source = builder.source
        nodes = builder.nodes.exactCopy()
        childIndices = builder.childIndices.exactCopy()
        attributes = builder.attributes.exactCopy()
        parts = builder.parts.exactCopy()
        expressions = builder.expressions.exactCopy()
        strings = builder.strings.exactCopy()
        branches = builder.branches.exactCopy()
        lists = builder.lists.exactCopy()
        roots = builder.roots
    }

    /// A template being built by ``TemplateParser``.
    struct Builder: TemplateContents {
        let source: [UInt8]
        var nodes: [Node] = []
        var childIndices: [UInt32] = []
        var attributes: [Attribute] = []
        var parts: [Part] = []
        var expressions: [Expression] = []
        var strings: [String] = []
        var branches: [Branch] = []
        var lists: [List] = []
        var roots: Span = .empty

        init(source: [UInt8]) {
            self.source = source
            // Sized from typical markup (a node per 20 bytes or so), so the arrays rarely grow and copy.
            let expected = source.count / 20 + 4
            nodes.reserveCapacity(expected)
            childIndices.reserveCapacity(expected)
            parts.reserveCapacity(expected)
            attributes.reserveCapacity(expected / 2)
        }
    }

    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs === rhs
            || (lhs.source == rhs.source && lhs.nodes == rhs.nodes && lhs.childIndices == rhs.childIndices
                && lhs.attributes == rhs.attributes && lhs.parts == rhs.parts && lhs.expressions == rhs.expressions
                && lhs.strings == rhs.strings && lhs.branches == rhs.branches && lhs.lists == rhs.lists
                && lhs.roots == rhs.roots)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(nodes.count)
    }

    // MARK: Reading

    /// The nodes of a span of ``childIndices`` (the roots, or a component's children), in order.
    func nodes(_ span: Span) -> some Collection<Node> {
        childIndices[span.indices].lazy.map { self.nodes[Int($0)] }
    }

    /// A component's property attribute by name.
    func property(_ name: StaticString, in span: Span) -> Attribute? {
        for index in span.indices where attributes[index].role == .property {
            if attribute(attributes[index], isNamed: name) { return attributes[index] }
        }
        return nil
    }

    /// Whether an attribute's name is `name`, compared in place.
    func attribute(_ attribute: Attribute, isNamed name: StaticString) -> Bool {
        attribute.name.upperBound - attribute.name.lowerBound == name.utf8CodeUnitCount
            && source.has(prefix: name, at: attribute.name)
    }
}

/// What reading a text needs, from a finished template or from one being built.
protocol TemplateContents {
    var source: [UInt8] { get }
    var parts: [Template.Part] { get }
    var expressions: [Expression] { get }
    var strings: [String] { get }
}

extension TemplateContents {
    /// The source text of a range.
    func text(of range: SourceRange) -> String {
        String(decoding: source[range.lowerBound..<range.upperBound], as: UTF8.self)
    }

    /// The literal text of a literal part.
    func literal(_ part: Template.Part) -> String? {
        switch part {
        case .source(let range): return text(of: range)
        case .decoded(let index): return strings[Int(index)]
        case .binding: return nil
        }
    }

    /// The only expression when the text is exactly one `{{ }}` (its value keeps its type: a list stays a list).
    func soleExpression(_ text: Template.Text) -> Expression? {
        guard text.parts.count == 1, case .binding(let index) = parts[Int(text.parts.start)] else { return nil }
        return expressions[Int(index)]
    }

    /// The text when it has no bindings.
    func staticText(_ text: Template.Text) -> String? {
        var result = ""
        for index in text.parts.indices {
            guard let literal = literal(parts[index]) else { return nil }
            result += literal
        }
        return result
    }

    /// Every expression of a text, in order.
    func expressions(_ text: Template.Text) -> [Expression] {
        text.parts.indices.compactMap {
            if case .binding(let index) = parts[$0] { return expressions[Int(index)] } else { return nil }
        }
    }
}
