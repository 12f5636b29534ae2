/// The meaning of markup: components, their attributes and events, and the `wx:` directives. Problems are
/// collected, not thrown, so an author sees every one.
extension TemplateParser {
    static let directives: Set<String> = [
        "wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-item", "wx:for-index", "wx:key",
    ]

    /// An open `wx:if` chain among siblings: its branches so far.
    struct ConditionalChain {
        var branches: [Template.Branch] = []
        var range: SourceRange?
    }

    /// Ends an open `wx:if` chain: it becomes one conditional node among the siblings.
    mutating func close(_ chain: inout ConditionalChain) {
        guard let range = chain.range else { return }
        let start = UInt32(template.branches.count)
        template.branches.append(contentsOf: chain.branches)
        let node = template.append(
            Template.Node(
                kind: .conditional(branches: Template.Span(start: start, count: UInt32(chain.branches.count))),
                children: .empty, range: range))
        siblings.append(node)
        chain = ConditionalChain()
    }

    mutating func compileText(_ text: Template.Text, in context: Context, chain: inout ConditionalChain) {
        switch context {
        case .skipped: return
        case .component(let parent) where !parent.acceptsChildren:
            close(&chain)
            diagnostics.append(
                .error("markup.children", "<\(parent.rawValue)> cannot contain text", in: file, at: text.range))
        case .top, .component:
            close(&chain)
        }
        siblings.append(
            template.append(Template.Node(kind: .text(parts: text.parts), children: .empty, range: text.range)))
    }

    /// What became of an element.
    enum ElementOutcome {
        /// It is in the template.
        case kept
        /// Refused before its content: the caller reads the content for syntax only.
        case refused
        /// Refused after its content (a wrong `wx:for`, a `wx:elif` or `wx:else` with no `wx:if` before it):
        /// its content was compiled and reported, and is dropped with it.
        case dropped
    }

    /// Compiles an element whose start tag has been read, parsing its content unless it is refused first.
    mutating func compileElement(_ element: OpenElement, in context: Context, chain: inout ConditionalChain)
        throws(Diagnostic) -> ElementOutcome
    {
        switch context {
        case .skipped: return .refused
        case .component(let parent) where parent.acceptsOnlyText:
            diagnostics.append(
                .error(
                    "markup.children", "<\(parent.rawValue)> may contain only text and bindings, not <\(element.name)>",
                    in: file, at: element.nameRange))
            return .refused
        case .top, .component: break
        }
        let directives = Directives(written, element.attributes, in: file.bytes)
        let ifAttribute = directives.if.map { written[$0] }
        let elifAttribute = directives.elif.map { written[$0] }
        let elseAttribute = directives.else.map { written[$0] }
        if (ifAttribute == nil ? 0 : 1) + (elifAttribute == nil ? 0 : 1) + (elseAttribute == nil ? 0 : 1) > 1 {
            diagnostics.append(
                .error(
                    "markup.directive", "an element takes only one of wx:if, wx:elif and wx:else", in: file,
                    at: element.nameRange))
        }
        guard let kind = ComponentKind(name: file.bytes[element.nameRange.lowerBound..<element.nameRange.upperBound])
        else {
            let names = ComponentKind.allCases.map(\.rawValue)
            let suggestion = names.min { editDistance($0, element.name) < editDistance($1, element.name) }
            var notes = ["components are \(names.joined(separator: ", "))"]
            if let suggestion, editDistance(suggestion, element.name) <= 2 {
                notes.insert("did you mean <\(suggestion)>?", at: 0)
            }
            diagnostics.append(
                .error(
                    "markup.unknown-component", "unknown component <\(element.name)>", in: file,
                    at: element.nameRange, notes: notes))
            return .refused
        }
        let attributes = compileAttributes(of: element, kind: kind)
        let mark = diagnostics.count
        let (children, first) = try parseContent(of: element, kind: kind)
        if !kind.acceptsChildren, let first {
            // Said before the problems inside, which the author reads next.
            diagnostics.insert(
                .error(
                    "markup.children", "<\(kind.rawValue)> cannot have content", in: file, at: first,
                    notes: ["write it as <\(kind.rawValue) … />"]), at: mark)
        }
        let range = SourceRange(element.tag.lowerBound, previousEnd)
        let component = template.append(
            Template.Node(kind: .component(kind, attributes: attributes), children: children, range: range))
        guard let node = repeated(component, directives, range: range) else { return .dropped }
        if let ifAttribute {
            close(&chain)
            chain = ConditionalChain(branches: [.init(condition: condition(ifAttribute), node: node)], range: range)
        } else if let elifAttribute {
            guard let open = chain.range else {
                diagnostics.append(
                    .error(
                        "markup.directive", "wx:elif must follow an element with wx:if or wx:elif", in: file,
                        at: elifAttribute.nameRange))
                return .dropped
            }
            chain.branches.append(.init(condition: condition(elifAttribute), node: node))
            chain.range = open.joined(range)
        } else if let elseAttribute {
            guard let open = chain.range else {
                diagnostics.append(
                    .error(
                        "markup.directive", "wx:else must follow an element with wx:if or wx:elif", in: file,
                        at: elseAttribute.nameRange))
                return .dropped
            }
            if elseAttribute.value != nil {
                diagnostics.append(
                    .error(
                        "markup.directive", "wx:else takes no value", in: file, at: elseAttribute.nameRange,
                        notes: ["use wx:elif=\"{{ … }}\" for another condition"]))
            }
            chain.branches.append(.init(condition: nil, node: node))
            chain.range = open.joined(range)
            close(&chain)
        } else {
            close(&chain)
            siblings.append(node)
        }
        return .kept
    }

    /// An element's `wx:` attributes, found in one pass: positions in ``written``.
    struct Directives {
        var `if`, elif, `else`, `for`, forItem, forIndex, key: Int?

        init(_ written: [WrittenAttribute], _ positions: Range<Int>, in source: [UInt8]) {
            for position in positions where source.has(prefix: "wx:", at: written[position].nameRange) {
                switch written[position].name {
                case "wx:if": self.if = position
                case "wx:elif": elif = position
                case "wx:else": self.else = position
                case "wx:for": self.for = position
                case "wx:for-item": forItem = position
                case "wx:for-index": forIndex = position
                case "wx:key": key = position
                default: break
                }
            }
        }
    }

    /// The expression of a `wx:if` or `wx:elif`: an index into the template's expressions.
    private mutating func condition(_ attribute: WrittenAttribute) -> UInt32? {
        guard let value = attribute.value, let expression = soleBinding(value) else {
            diagnostics.append(
                .error(
                    "markup.directive", "\(attribute.name) needs a condition: \(attribute.name)=\"{{ … }}\"", in: file,
                    at: attribute.nameRange))
            return nil
        }
        return expression
    }

    /// The index of a text's only expression when it is exactly one `{{ }}`.
    private func soleBinding(_ text: Template.Text) -> UInt32? {
        guard text.parts.count == 1, case .binding(let index) = template.parts[Int(text.parts.start)] else {
            return nil
        }
        return index
    }

    /// The component node, wrapped in a list node when the element has `wx:for`; nil when `wx:for` is wrong.
    private mutating func repeated(_ component: UInt32, _ directives: Directives, range: SourceRange) -> UInt32? {
        guard let forAttribute = directives.for.map({ written[$0] }) else {
            for stray in [directives.forItem, directives.forIndex, directives.key].compactMap({ $0.map { written[$0] } }
            ) {
                diagnostics.append(
                    .error(
                        "markup.directive", "\(stray.name) needs wx:for on the same element", in: file,
                        at: stray.nameRange))
            }
            return component
        }
        guard let value = forAttribute.value, let items = soleBinding(value) else {
            diagnostics.append(
                .error(
                    "markup.directive", "wx:for needs a list: wx:for=\"{{ items }}\"", in: file,
                    at: forAttribute.nameRange))
            return nil
        }
        func name(_ given: WrittenAttribute?, default fallback: String) -> String {
            guard let given else { return fallback }
            guard let text = given.value.flatMap(template.staticText), text.utf8.allSatisfy(Lexer.isIdentifierPart),
                let first = text.utf8.first, Lexer.isIdentifierStart(first)
            else {
                diagnostics.append(
                    .error(
                        "markup.directive", "\(given.name) must be a plain name such as \"plan\"", in: file,
                        at: given.nameRange))
                return fallback
            }
            return text
        }
        let list = Template.List(
            items: items, itemName: name(directives.forItem.map { written[$0] }, default: "item"),
            indexName: name(directives.forIndex.map { written[$0] }, default: "index"),
            key: directives.key.flatMap { written[$0].value }.flatMap(template.staticText), body: component)
        template.lists.append(list)
        return template.append(
            Template.Node(kind: .list(UInt32(template.lists.count - 1)), children: .empty, range: range))
    }

    /// Checks an element's attributes against its component and keeps the ones that render or bind.
    private mutating func compileAttributes(of element: OpenElement, kind: ComponentKind) -> Template.Span {
        let start = template.attributes.count
        let ownAttributes = kind.attributes
        for attribute in written[element.attributes] {
            let name = attribute.name
            let nameRange = attribute.nameRange
            let bytes = file.bytes
            if bytes.has(prefix: "wx:", at: nameRange) {
                if !Self.directives.contains(name) {
                    diagnostics.append(
                        .error(
                            "markup.unknown-directive", "unknown directive '\(name)'", in: file, at: nameRange,
                            notes: ["directives are wx:if, wx:elif, wx:else, wx:for, wx:for-item, wx:for-index, wx:key"]
                        ))
                }
                continue
            }
            if bytes.has(prefix: "data-", at: nameRange) {
                template.attributes.append(
                    .init(
                        role: .data, name: SourceRange(nameRange.lowerBound + 5, nameRange.upperBound),
                        value: attribute.value ?? trueText(nameRange)))
                continue
            }
            if let prefixLength = ComponentKind.eventPrefixLength(bytes[nameRange.lowerBound..<nameRange.upperBound]) {
                let event = String(
                    decoding: bytes[nameRange.lowerBound + prefixLength..<nameRange.upperBound], as: UTF8.self)
                guard kind.events.contains(event) else {
                    let known = kind.events.sorted().map { "bind\($0)" }.joined(separator: ", ")
                    diagnostics.append(
                        .error(
                            "markup.unknown-event", "<\(kind.rawValue)> has no '\(event)' event", in: file,
                            at: nameRange,
                            notes: [known.isEmpty ? "<\(kind.rawValue)> fires no events" : "its events are \(known)"]))
                    continue
                }
                guard let value = attribute.value, let handler = template.staticText(value), !handler.isEmpty,
                    handler.utf8.allSatisfy(Lexer.isIdentifierPart)
                else {
                    diagnostics.append(
                        .error(
                            "markup.event", "\(name) must name a handler, such as \(name)=\"submit\"", in: file,
                            at: nameRange))
                    continue
                }
                let eventName = SourceRange(nameRange.lowerBound + prefixLength, nameRange.upperBound)
                template.attributes.append(.init(role: .event, name: eventName, value: value))
                continue
            }
            guard let expected = ownAttributes[name] ?? ComponentKind.commonAttributes[name] else {
                let known = (Array(kind.attributes.keys) + ComponentKind.commonAttributes.keys).sorted().joined(
                    separator: ", ")
                diagnostics.append(
                    .error(
                        "markup.unknown-attribute", "<\(kind.rawValue)> has no attribute '\(name)'", in: file,
                        at: nameRange, notes: ["its attributes are \(known), data-*, and bind<event>"]))
                continue
            }
            let value = attribute.value ?? trueText(nameRange)
            if expected.constrainsText, let text = template.staticText(value) {
                check(text, against: expected, name: name, range: value.range)
            }
            if expected == .list, soleBinding(value) == nil {
                diagnostics.append(
                    .error(
                        "markup.attribute-value", "'\(name)' needs a list binding such as \(name)=\"{{ options }}\"",
                        in: file, at: value.range))
            }
            template.attributes.append(.init(role: .property, name: nameRange, value: value))
        }
        return Template.Span(start: UInt32(start), count: UInt32(template.attributes.count - start))
    }

    /// The value of a bare attribute such as `disabled`: the text "true".
    private mutating func trueText(_ range: SourceRange) -> Template.Text {
        let index: Int
        if let existing = template.strings.firstIndex(of: "true") {
            index = existing
        } else {
            template.strings.append("true")
            index = template.strings.count - 1
        }
        template.parts.append(.decoded(UInt32(index)))
        return Template.Text(parts: Template.Span(start: UInt32(template.parts.count - 1), count: 1), range: range)
    }

    private mutating func check(
        _ text: String, against kind: ComponentKind.AttributeKind, name: String, range: SourceRange
    ) {
        switch kind {
        case .bool:
            if text != "true" && text != "false" {
                diagnostics.append(
                    .error("markup.attribute-value", "'\(name)' is true or false, not \"\(text)\"", in: file, at: range)
                )
            }
        case .number:
            if Double(text).map({ !$0.isFinite || abs($0) > 1e9 }) ?? true {
                diagnostics.append(
                    .error("markup.attribute-value", "'\(name)' must be a number, not \"\(text)\"", in: file, at: range)
                )
            }
        case .choice(let options):
            if !options.contains(text) {
                diagnostics.append(
                    .error(
                        "markup.attribute-value",
                        "'\(name)' must be one of \(options.joined(separator: ", ")), not \"\(text)\"", in: file,
                        at: range))
            }
        case .text, .list:
            break
        }
    }
}
