/// Builds the markup tree from tokens, enforcing the depth and node limits and matching tags.
struct MarkupParser {
    let file: SourceFile
    /// Tokens are pulled one at a time: no token array is built.
    private var lexer: MarkupLexer
    private var current = MarkupToken(kind: .end, range: SourceRange(0, 0))
    private var previousEnd = 0
    private var nodeCount = 0

    init(file: SourceFile) {
        self.file = file
        self.lexer = MarkupLexer(file: file)
    }

    /// Parses a whole page's markup into its top-level nodes.
    static func parse(_ file: SourceFile) throws(Diagnostic) -> [MarkupNode] {
        var parser = MarkupParser(file: file)
        try parser.advance()
        let nodes = try parser.parseChildren(of: nil, depth: 0)
        return nodes
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

    private mutating func parseChildren(of parent: (name: String, range: SourceRange)?, depth: Int) throws(Diagnostic)
        -> [MarkupNode]
    {
        var children: [MarkupNode] = []
        while true {
            let token = current
            switch token.kind {
            case .end:
                if let parent {
                    throw .error(
                        "markup.unclosed", "<\(parent.name)> is never closed", in: file, at: parent.range,
                        notes: ["add </\(parent.name)>, or write <\(parent.name) … /> if it has no content"])
                }
                return children
            case .endTag(let name):
                guard let parent else {
                    throw .error("markup.unmatched", "</\(name)> closes nothing", in: file, at: token.range)
                }
                guard name == parent.name else {
                    throw .error(
                        "markup.mismatch", "</\(name)> does not match <\(parent.name)>", in: file, at: token.range,
                        notes: ["<\(parent.name)> opened here: \(location(parent.range))"])
                }
                try advance()
                return children
            case .text:
                try advance()
                let bytes = file.bytes
                if (token.range.lowerBound..<token.range.upperBound).allSatisfy({
                    [0x20, 0x09, 0x0A, 0x0D].contains(bytes[$0])
                }) {
                    continue
                }
                try count(token.range)
                children.append(.text(try TemplateText.parse(file, trimmed(token.range))))
            case .tagOpen(let name):
                try advance()
                try count(token.range)
                guard depth < MiniKitLimits.maximumMarkupDepth else {
                    throw .error(
                        "limit.markup-depth", "elements nest deeper than \(MiniKitLimits.maximumMarkupDepth)", in: file,
                        at: token.range)
                }
                var attributes: [MarkupAttribute] = []
                var selfClosing = false
                attributeLoop: while true {
                    let attributeToken = current
                    try advance()
                    switch attributeToken.kind {
                    case .attribute(let attributeName, let nameRange, let valueRange):
                        if let duplicate = attributes.first(where: { $0.name == attributeName }) {
                            throw .error(
                                "markup.duplicate-attribute", "attribute '\(attributeName)' appears twice", in: file,
                                at: nameRange, notes: ["first at \(location(duplicate.nameRange))"])
                        }
                        attributes.append(
                            MarkupAttribute(
                                name: attributeName, nameRange: nameRange,
                                value: try valueRange.map { range throws(Diagnostic) in
                                    try TemplateText.parse(file, range)
                                }))
                    case .tagClose(let isSelfClosing):
                        selfClosing = isSelfClosing
                        break attributeLoop
                    default:
                        throw .error(
                            "markup.syntax", "unexpected token in <\(name)>", in: file, at: attributeToken.range)
                    }
                }
                let nameRange = SourceRange(token.range.lowerBound + 1, token.range.upperBound)
                let elementChildren = selfClosing ? [] : try parseChildren(of: (name, token.range), depth: depth + 1)
                let end = previousEnd
                children.append(
                    .element(
                        MarkupElement(
                            name: name, nameRange: nameRange, attributes: attributes, children: elementChildren,
                            range: SourceRange(token.range.lowerBound, end))))
            default:
                throw .error("markup.syntax", "unexpected token", in: file, at: token.range)
            }
        }
    }

    private func location(_ range: SourceRange) -> String {
        let (line, column) = file.location(of: range.lowerBound)
        return "\(file.path):\(line):\(column)"
    }

    /// The range without leading and trailing white space.
    private func trimmed(_ range: SourceRange) -> SourceRange {
        var lower = range.lowerBound
        var upper = range.upperBound
        let bytes = file.bytes
        while lower < upper, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[lower]) { lower += 1 }
        while upper > lower, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[upper - 1]) { upper -= 1 }
        return SourceRange(lower, upper)
    }
}
