/// Parses a page's markup straight into its ``Template``: one pass, tokens pulled one at a time, no token array
/// and no intermediate tree.
///
/// Syntax errors stop the parse (thrown): the rest of the page cannot be read reliably. Errors of meaning
/// (unknown components, attributes, events, directives; see `TemplateParser+Components.swift`) are collected
/// in ``diagnostics`` so that an author sees all of them at once.
struct TemplateParser {
    let file: SourceFile
    private var lexer: MarkupLexer
    private var current = MarkupToken(kind: .end, range: SourceRange(0, 0))
    private(set) var previousEnd = 0
    private var nodeCount = 0
    var template: Template.Builder
    var diagnostics: [Diagnostic] = []
    /// The compiled children of the open elements, innermost last. One buffer for the whole page: parsing
    /// allocates per page, not per node.
    var siblings: [UInt32] = []
    /// The attributes of the open elements as written, innermost last.
    var written: [WrittenAttribute] = []

    /// An attribute as written in a start tag; its value is already parsed into the template's parts.
    struct WrittenAttribute {
        var name: String
        var nameRange: SourceRange
        /// Absent for a bare attribute such as `disabled`.
        var value: Template.Text?
    }

    /// What the children of an element are parsed for.
    enum Context {
        /// The page's top level.
        case top
        /// The content of a component.
        case component(ComponentKind)
        /// Content that is not compiled (it is inside an element already refused): syntax is still checked.
        case skipped
    }

    init(file: SourceFile) {
        self.file = file
        self.lexer = MarkupLexer(file: file)
        self.template = Template.Builder(source: file.bytes)
    }

    /// Parses and compiles a whole page. Throws the first syntax error; returns the template and the
    /// errors of meaning.
    static func parse(_ file: SourceFile) throws(Diagnostic) -> (template: Template, diagnostics: [Diagnostic]) {
        var parser = TemplateParser(file: file)
        try parser.advance()
        parser.template.roots = try parser.parseChildren(in: .top, closing: nil, depth: 0).children
        return (Template(parser.template), parser.diagnostics)
    }

    private mutating func advance() throws(Diagnostic) {
        previousEnd = current.range.upperBound
        current = try lexer.next()
    }

    private mutating func count(_ range: SourceRange) throws(Diagnostic) {
        nodeCount += 1
        guard nodeCount <= MiniKitLimits.maximumMarkupNodes else {
            throw .error(
                "limit.markup-nodes", "the page has more than \(MiniKitLimits.maximumMarkupNodes) markup nodes",
                in: file, at: range, notes: ["split it into pages, or render lists with wx:for"])
        }
    }

    /// Parses the content of an element (or of the page) up to its end tag, compiling it unless skipped.
    /// Returns the compiled children and where the first child, of any kind, was written.
    mutating func parseChildren(in context: Context, closing parent: (name: String, range: SourceRange)?, depth: Int)
        throws(Diagnostic) -> (children: Template.Span, first: SourceRange?)
    {
        let mark = siblings.count
        var first: SourceRange?
        var chain = ConditionalChain()
        parsing: while true {
            let token = current
            switch token.kind {
            case .end:
                if let parent {
                    throw .error(
                        "markup.unclosed", "<\(parent.name)> is never closed", in: file, at: parent.range,
                        notes: ["add </\(parent.name)>, or write <\(parent.name) … /> if it has no content"])
                }
                break parsing
            case .endTag(let nameRange):
                guard let parent else {
                    let name = file.text(of: nameRange)
                    throw .error("markup.unmatched", "</\(name)> closes nothing", in: file, at: token.range)
                }
                // The open tag's name is its range without the '<'.
                let openName = SourceRange(parent.range.lowerBound + 1, parent.range.upperBound)
                guard file.bytes.same(nameRange, openName) else {
                    let name = file.text(of: nameRange)
                    throw .error(
                        "markup.mismatch", "</\(name)> does not match <\(parent.name)>", in: file, at: token.range,
                        notes: ["<\(parent.name)> opened here: \(location(parent.range))"])
                }
                try advance()
                break parsing
            case .text:
                try advance()
                guard let range = trimmed(token.range) else { continue }
                try count(token.range)
                first = first ?? range
                let text = try parseText(range)
                compileText(text, in: context, chain: &chain)
            case .tagOpen(let nameRange):
                let name = file.text(of: nameRange)
                try advance()
                try count(token.range)
                guard depth < MiniKitLimits.maximumMarkupDepth else {
                    throw .error(
                        "limit.markup-depth", "elements nest deeper than \(MiniKitLimits.maximumMarkupDepth)", in: file,
                        at: token.range)
                }
                first = first ?? nameRange
                try parseElement(name, nameRange: nameRange, tag: token.range, in: context, depth: depth, chain: &chain)
            default:
                throw .error("markup.syntax", "unexpected token", in: file, at: token.range)
            }
        }
        if case .skipped = context { return (.empty, first) }
        close(&chain)
        let span = Template.Span(
            start: UInt32(template.childIndices.count), count: UInt32(siblings.count - mark))
        template.childIndices.append(contentsOf: siblings[mark...])
        siblings.removeSubrange(mark...)
        return (span, first)
    }

    /// Parses an element from just after `<name` to its end, and compiles it in its context.
    private mutating func parseElement(
        _ name: String, nameRange: SourceRange, tag: SourceRange, in context: Context, depth: Int,
        chain: inout ConditionalChain
    ) throws(Diagnostic) {
        let attributeMark = written.count
        let marks = template.marks
        defer { written.removeSubrange(attributeMark...) }
        let selfClosing = try parseAttributes(of: name)
        let element = OpenElement(
            name: name, nameRange: nameRange, tag: tag, depth: depth, selfClosing: selfClosing,
            attributes: attributeMark..<written.count)
        switch try compileElement(element, in: context, chain: &chain) {
        case .kept:
            break
        case .refused:
            // Its content is read for syntax only, and nothing of it stays in the template.
            if !selfClosing { _ = try parseChildren(in: .skipped, closing: (name, tag), depth: depth + 1) }
            template.truncate(to: marks)
        case .dropped:
            // Nothing refers to what it added (an open wx:if chain only holds earlier nodes).
            template.truncate(to: marks)
        }
    }

    /// An element whose start tag has been read.
    struct OpenElement {
        var name: String
        var nameRange: SourceRange
        var tag: SourceRange
        var depth: Int
        var selfClosing: Bool
        /// Its attributes: positions in ``written``.
        var attributes: Range<Int>
    }

    /// Parses the content of a compiled element, up to and with its end tag.
    mutating func parseContent(of element: OpenElement, kind: ComponentKind) throws(Diagnostic) -> (
        children: Template.Span, first: SourceRange?
    ) {
        guard !element.selfClosing else { return (.empty, nil) }
        return try parseChildren(in: .component(kind), closing: (element.name, element.tag), depth: element.depth + 1)
    }

    /// Reads the attributes of a start tag up to `>` or `/>`; returns whether it was `/>`.
    private mutating func parseAttributes(of name: String) throws(Diagnostic) -> Bool {
        let mark = written.count
        while true {
            let token = current
            try advance()
            switch token.kind {
            case .attribute(let nameRange, let valueRange):
                let attributeName = file.text(of: nameRange)
                if let duplicate = written[mark...].first(where: { $0.name == attributeName }) {
                    throw .error(
                        "markup.duplicate-attribute", "attribute '\(attributeName)' appears twice", in: file,
                        at: nameRange, notes: ["first at \(location(duplicate.nameRange))"])
                }
                let value = try valueRange.map { range throws(Diagnostic) in try parseText(range) }
                written.append(WrittenAttribute(name: attributeName, nameRange: nameRange, value: value))
            case .tagClose(let selfClosing):
                return selfClosing
            default:
                throw .error("markup.syntax", "unexpected token in <\(name)>", in: file, at: token.range)
            }
        }
    }

    /// Parses `Hello {{ name }}!` out of the source into the template's parts, decoding character references
    /// in the literal pieces.
    mutating func parseText(_ range: SourceRange) throws(Diagnostic) -> Template.Text {
        let start = template.parts.count
        let bytes = file.bytes
        var position = range.lowerBound
        var literalStart = position
        func flushLiteral(upTo end: Int, into template: inout Template.Builder) throws(Diagnostic) {
            guard end > literalStart else { return }
            let literal = SourceRange(literalStart, end)
            if bytes[literalStart..<end].contains(0x26) {
                template.strings.append(try Entities.decode(file, literal))
                template.parts.append(.decoded(UInt32(template.strings.count - 1)))
            } else {
                template.parts.append(.source(literal))
            }
        }
        while position < range.upperBound {
            if bytes[position] == 0x7B, position + 1 < range.upperBound, bytes[position + 1] == 0x7B {
                try flushLiteral(upTo: position, into: &template)
                var close = position + 2
                while close + 1 < range.upperBound, !(bytes[close] == 0x7D && bytes[close + 1] == 0x7D) { close += 1 }
                guard close + 1 < range.upperBound else {
                    throw .error(
                        "markup.binding", "'{{' is not closed", in: file, at: SourceRange(position, position + 2),
                        notes: ["close the binding with '}}'"])
                }
                template.expressions.append(try ExpressionParser.parse(file, range: SourceRange(position + 2, close)))
                template.parts.append(.binding(UInt32(template.expressions.count - 1)))
                position = close + 2
                literalStart = position
                continue
            }
            if bytes[position] == 0x7D, position + 1 < range.upperBound, bytes[position + 1] == 0x7D {
                throw .error(
                    "markup.binding", "'}}' without an opening '{{'", in: file, at: SourceRange(position, position + 2))
            }
            position += 1
        }
        try flushLiteral(upTo: range.upperBound, into: &template)
        return Template.Text(
            parts: Template.Span(start: UInt32(start), count: UInt32(template.parts.count - start)), range: range)
    }

    func location(_ range: SourceRange) -> String {
        let (line, column) = file.location(of: range.lowerBound)
        return "\(file.path):\(line):\(column)"
    }

    /// The range without leading and trailing white space; nil when it is all white space.
    private func trimmed(_ range: SourceRange) -> SourceRange? {
        var lower = range.lowerBound
        var upper = range.upperBound
        let bytes = file.bytes
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while lower < upper, isSpace(bytes[lower]) { lower += 1 }
        while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
        return lower < upper ? SourceRange(lower, upper) : nil
    }
}

extension Template.Builder {
    /// How far each array has grown, to take back what a refused element added.
    struct Marks {
        var nodes, childIndices, attributes, parts, expressions, strings, branches, lists: Int
    }

    var marks: Marks {
        Marks(
            nodes: nodes.count, childIndices: childIndices.count, attributes: attributes.count, parts: parts.count,
            expressions: expressions.count, strings: strings.count, branches: branches.count, lists: lists.count)
    }

    mutating func truncate(to marks: Marks) {
        nodes.removeSubrange(marks.nodes...)
        childIndices.removeSubrange(marks.childIndices...)
        attributes.removeSubrange(marks.attributes...)
        parts.removeSubrange(marks.parts...)
        expressions.removeSubrange(marks.expressions...)
        strings.removeSubrange(marks.strings...)
        branches.removeSubrange(marks.branches...)
        lists.removeSubrange(marks.lists...)
    }

    /// Adds a node; returns its index.
    mutating func append(_ node: Template.Node) -> UInt32 {
        nodes.append(node)
        return UInt32(nodes.count - 1)
    }
}

extension Array {
    /// A copy with no spare capacity.
    func exactCopy() -> [Element] {
        guard capacity > count else { return self }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = buffer.initialize(fromContentsOf: self)
            initialized = count
        }
    }
}
