/// Gives markup its meaning: checks components, attributes and events, and turns `wx:` attributes into
/// directives. Collects every problem it can rather than stopping at the first.
struct TemplateCompiler {
    let file: SourceFile
    var diagnostics: [Diagnostic] = []

    init(file: SourceFile) { self.file = file }

    static let directives: Set<String> = [
        "wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-item", "wx:for-index", "wx:key",
    ]

    /// Compiles a page's markup; diagnostics are collected in `diagnostics`.
    mutating func compile(_ nodes: [MarkupNode]) -> [TemplateNode] {
        compileSiblings(nodes, parent: nil)
    }

    private mutating func compileSiblings(_ nodes: [MarkupNode], parent: ComponentKind?) -> [TemplateNode] {
        var result: [TemplateNode] = []
        var openConditional: ConditionalDirective?
        func closeConditional(_ result: inout [TemplateNode]) {
            if let conditional = openConditional { result.append(.conditional(conditional)) }
            openConditional = nil
        }
        for node in nodes {
            switch node {
            case .text(let text):
                closeConditional(&result)
                if let parent, !parent.acceptsChildren {
                    diagnostics.append(
                        .error("markup.children", "<\(parent.rawValue)> cannot contain text", in: file, at: text.range))
                }
                result.append(.text(text))
            case .element(let element):
                if let parent, parent.acceptsOnlyText {
                    diagnostics.append(
                        .error(
                            "markup.children",
                            "<\(parent.rawValue)> may contain only text and bindings, not <\(element.name)>", in: file,
                            at: element.nameRange))
                    continue
                }
                let ifAttribute = element.attribute("wx:if")
                let elifAttribute = element.attribute("wx:elif")
                let elseAttribute = element.attribute("wx:else")
                let directiveCount = [ifAttribute, elifAttribute, elseAttribute].compactMap { $0 }.count
                if directiveCount > 1 {
                    diagnostics.append(
                        .error(
                            "markup.directive", "an element takes only one of wx:if, wx:elif and wx:else", in: file,
                            at: element.nameRange))
                }
                guard let compiled = compileRepeated(element) else { continue }
                if let ifAttribute {
                    closeConditional(&result)
                    openConditional = ConditionalDirective(branches: [
                        .init(condition: condition(ifAttribute, element), node: compiled)
                    ])
                } else if let elifAttribute {
                    guard openConditional != nil else {
                        diagnostics.append(
                            .error(
                                "markup.directive", "wx:elif must follow an element with wx:if or wx:elif", in: file,
                                at: elifAttribute.nameRange))
                        continue
                    }
                    openConditional?.branches.append(
                        .init(condition: condition(elifAttribute, element), node: compiled))
                } else if let elseAttribute {
                    guard openConditional != nil else {
                        diagnostics.append(
                            .error(
                                "markup.directive", "wx:else must follow an element with wx:if or wx:elif", in: file,
                                at: elseAttribute.nameRange))
                        continue
                    }
                    if elseAttribute.value != nil {
                        diagnostics.append(
                            .error(
                                "markup.directive", "wx:else takes no value", in: file, at: elseAttribute.nameRange,
                                notes: ["use wx:elif=\"{{ … }}\" for another condition"]))
                    }
                    openConditional?.branches.append(.init(condition: nil, node: compiled))
                    closeConditional(&result)
                } else {
                    closeConditional(&result)
                    result.append(compiled)
                }
            }
        }
        closeConditional(&result)
        return result
    }

    private mutating func condition(_ attribute: MarkupAttribute, _ element: MarkupElement) -> Expression? {
        guard let value = attribute.value, let expression = value.soleExpression else {
            diagnostics.append(
                .error(
                    "markup.directive", "\(attribute.name) needs a condition: \(attribute.name)=\"{{ … }}\"", in: file,
                    at: attribute.nameRange))
            return nil
        }
        return expression
    }

    /// The element, wrapped in a list directive when it has `wx:for`.
    private mutating func compileRepeated(_ element: MarkupElement) -> TemplateNode? {
        guard let component = compileElement(element) else { return nil }
        guard let forAttribute = element.attribute("wx:for") else {
            for name in ["wx:for-item", "wx:for-index", "wx:key"] {
                if let stray = element.attribute(name) {
                    diagnostics.append(
                        .error(
                            "markup.directive", "\(name) needs wx:for on the same element", in: file,
                            at: stray.nameRange))
                }
            }
            return .component(component)
        }
        guard let items = forAttribute.value?.soleExpression else {
            diagnostics.append(
                .error(
                    "markup.directive", "wx:for needs a list: wx:for=\"{{ items }}\"", in: file,
                    at: forAttribute.nameRange))
            return nil
        }
        func name(_ attribute: String, default value: String) -> String {
            guard let given = element.attribute(attribute) else { return value }
            guard let text = given.value?.staticText, text.utf8.allSatisfy(Lexer.isIdentifierPart),
                let first = text.utf8.first, Lexer.isIdentifierStart(first)
            else {
                diagnostics.append(
                    .error(
                        "markup.directive", "\(attribute) must be a plain name such as \"plan\"", in: file,
                        at: given.nameRange))
                return value
            }
            return text
        }
        return .list(
            ListDirective(
                items: items, itemName: name("wx:for-item", default: "item"),
                indexName: name("wx:for-index", default: "index"),
                key: element.attribute("wx:key")?.value?.staticText, body: .component(component), range: element.range))
    }

    private mutating func compileElement(_ element: MarkupElement) -> ComponentNode? {
        guard let kind = ComponentKind(rawValue: element.name) else {
            let names = ComponentKind.allCases.map(\.rawValue)
            let suggestion = names.min { Self.distance($0, element.name) < Self.distance($1, element.name) }
            var notes = ["components are \(names.joined(separator: ", "))"]
            if let suggestion, Self.distance(suggestion, element.name) <= 2 {
                notes.insert("did you mean <\(suggestion)>?", at: 0)
            }
            diagnostics.append(
                .error(
                    "markup.unknown-component", "unknown component <\(element.name)>", in: file, at: element.nameRange,
                    notes: notes))
            return nil
        }
        var attributes: [String: TemplateText] = [:]
        var events: [String: EventBinding] = [:]
        var dataset: [String: TemplateText] = [:]
        for attribute in element.attributes {
            let name = attribute.name
            if name.hasPrefix("wx:") {
                if !Self.directives.contains(name) {
                    diagnostics.append(
                        .error(
                            "markup.unknown-directive", "unknown directive '\(name)'", in: file,
                            at: attribute.nameRange,
                            notes: ["directives are wx:if, wx:elif, wx:else, wx:for, wx:for-item, wx:for-index, wx:key"]
                        ))
                }
                continue
            }
            if name.hasPrefix("data-") {
                dataset[String(name.dropFirst(5))] =
                    attribute.value ?? TemplateText(parts: [.literal("true")], range: attribute.nameRange)
                continue
            }
            if let event = ComponentKind.event(fromAttribute: name) {
                guard kind.events.contains(event) else {
                    let known = kind.events.sorted().map { "bind\($0)" }.joined(separator: ", ")
                    diagnostics.append(
                        .error(
                            "markup.unknown-event", "<\(kind.rawValue)> has no '\(event)' event", in: file,
                            at: attribute.nameRange,
                            notes: [known.isEmpty ? "<\(kind.rawValue)> fires no events" : "its events are \(known)"]))
                    continue
                }
                guard let handler = attribute.value?.staticText, !handler.isEmpty,
                    handler.utf8.allSatisfy(Lexer.isIdentifierPart)
                else {
                    diagnostics.append(
                        .error(
                            "markup.event", "\(name) must name a handler, such as \(name)=\"submit\"", in: file,
                            at: attribute.nameRange))
                    continue
                }
                events[event] = EventBinding(handler: handler, range: attribute.value?.range ?? attribute.nameRange)
                continue
            }
            guard let expected = kind.attributes[name] ?? ComponentKind.commonAttributes[name] else {
                let known = (Array(kind.attributes.keys) + ComponentKind.commonAttributes.keys).sorted().joined(
                    separator: ", ")
                diagnostics.append(
                    .error(
                        "markup.unknown-attribute", "<\(kind.rawValue)> has no attribute '\(name)'", in: file,
                        at: attribute.nameRange, notes: ["its attributes are \(known), data-*, and bind<event>"]))
                continue
            }
            let value = attribute.value ?? TemplateText(parts: [.literal("true")], range: attribute.nameRange)
            if let text = value.staticText { check(text, against: expected, name: name, range: value.range) }
            if expected == .list, value.soleExpression == nil {
                diagnostics.append(
                    .error(
                        "markup.attribute-value", "'\(name)' needs a list binding such as \(name)=\"{{ options }}\"",
                        in: file, at: value.range))
            }
            attributes[name] = value
        }
        if !kind.acceptsChildren, let child = element.children.first {
            let range: SourceRange
            switch child {
            case .element(let inner): range = inner.nameRange
            case .text(let text): range = text.range
            }
            diagnostics.append(
                .error(
                    "markup.children", "<\(kind.rawValue)> cannot have content", in: file, at: range,
                    notes: ["write it as <\(kind.rawValue) … />"]))
        }
        let children = compileSiblings(element.children, parent: kind)
        return ComponentNode(
            kind: kind, attributes: attributes, events: events, dataset: dataset, children: children,
            range: element.range)
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

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
