import MiniSupport

/// A rendered component: the template evaluated against page data. Layout turns these into cells.
public struct ViewNode: Sendable, Hashable {
    public var kind: ComponentKind
    /// Evaluated attributes.
    public var properties: [String: MiniValue]
    /// Text content (text, button, navigator).
    public var text: String
    /// Event → handler.
    public var events: [String: String]
    public var dataset: [String: MiniValue]
    public var children: [ViewNode]
    /// A stable identity: the template position plus list keys, so focus survives re-renders.
    public var identity: String

    public func string(_ name: String) -> String? {
        guard let value = properties[name], value != .null else { return nil }
        return value.displayText
    }

    public func bool(_ name: String) -> Bool { properties[name]?.isTruthy ?? false }

    public func number(_ name: String) -> Double? {
        switch properties[name] {
        case .number(let value)?: return value
        case .string(let text)?: return Double(text)
        default: return nil
        }
    }

    /// A number attribute as an integer within `range`; `fallback` when absent or not a number (NaN).
    public func int(_ name: String, default fallback: Int, in range: ClosedRange<Int>) -> Int {
        number(name)?.clampedInt(range) ?? fallback
    }

    /// True when focus can land here now (focusable kind, not disabled).
    public var acceptsFocus: Bool { kind.isFocusable && !bool("disabled") }
}

/// A problem met while rendering: an expression that failed. The binding renders empty; the host is told.
public struct RenderIssue: Sendable, Hashable {
    public var message: String
    public var code: String
    public var location: String
}

/// Evaluates a page template against its data into view nodes.
struct ViewBuilder {
    let page: Page
    private(set) var issues: [RenderIssue] = []
    private var produced = 0
    /// Fuel shared by every binding of this render, so many bindings cannot add up to a hang.
    private var fuelLeft = MiniKitLimits.renderFuel

    init(page: Page) { self.page = page }

    mutating func build(data: [String: MiniValue], query: MiniValue) -> [ViewNode] {
        let scope = Scope(["query": query]).pushing(data)
        return build(page.template.nodes(page.template.roots), scope: scope, identity: "")
    }

    private mutating func build(_ nodes: some Collection<Template.Node>, scope: Scope, identity: String) -> [ViewNode] {
        let template = page.template
        var result: [ViewNode] = []
        for (position, node) in nodes.enumerated() {
            guard produced < MiniKitLimits.maximumRenderedNodes else {
                if issues.last?.code != "limit.rendered-nodes" {
                    issues.append(
                        RenderIssue(
                            message:
                                "the page renders more than \(MiniKitLimits.maximumRenderedNodes) nodes; the rest is cut",
                            code: "limit.rendered-nodes", location: page.markup.path))
                }
                return result
            }
            let id = "\(identity)/\(position)"
            switch node.kind {
            case .text(let parts):
                produced += 1
                result.append(
                    ViewNode(
                        kind: .text, properties: [:],
                        text: evaluate(Template.Text(parts: parts, range: node.range), scope),
                        events: [:], dataset: [:], children: [], identity: id))
            case .conditional(let branches):
                for (index, branch) in template.branches[branches.indices].enumerated() {
                    if let condition = branch.condition,
                        !(evaluate(template.expressions[Int(condition)], scope)?.isTruthy ?? false)
                    {
                        continue
                    }
                    result += build([template.nodes[Int(branch.node)]], scope: scope, identity: "\(id).\(index)")
                    break
                }
            case .list(let index):
                let list = template.lists[Int(index)]
                let itemsExpression = template.expressions[Int(list.items)]
                let items: [MiniValue]
                switch evaluate(itemsExpression, scope) {
                case .array(let values)?: items = values
                case .number(let count)? where count >= 0:
                    let limited = count.clampedInt(0...MiniKitLimits.maximumRenderedNodes) ?? 0
                    items = (0..<limited).map { .number(Double($0 + 1)) }
                case .null?, nil: items = []
                case let other?:
                    issues.append(
                        issue("wx:for needs a list, found \(other.kindName)", "expression.type", itemsExpression.range))
                    items = []
                }
                let body = template.nodes[Int(list.body)]
                for (index, item) in items.enumerated() {
                    let keyPart: String
                    if let key = list.key, let value = item[key] {
                        keyPart = value.displayText
                    } else {
                        keyPart = String(index)
                    }
                    let itemScope = scope.pushing([list.itemName: item, list.indexName: .number(Double(index))])
                    result += build([body], scope: itemScope, identity: "\(id)[\(keyPart)]")
                }
            case .component(let kind, let attributes):
                produced += 1
                let written = template.attributes[attributes.indices]
                if let hidden = template.property("hidden", in: attributes), evaluateValue(hidden.value, scope).isTruthy
                {
                    continue
                }
                var properties: [String: MiniValue] = [:]
                var dataset: [String: MiniValue] = [:]
                var events: [String: String] = [:]
                for attribute in written {
                    let name = template.text(of: attribute.name)
                    switch attribute.role {
                    case .property: properties[name] = evaluateValue(attribute.value, scope)
                    case .data: dataset[name] = evaluateValue(attribute.value, scope)
                    case .event: events[name] = template.staticText(attribute.value)
                    }
                }
                let children = build(template.nodes(node.children), scope: scope, identity: id)
                var text = ""
                if kind.acceptsOnlyText { text = children.map(\.text).joined() }
                result.append(
                    ViewNode(
                        kind: kind, properties: properties, text: text, events: events, dataset: dataset,
                        children: kind.acceptsOnlyText ? [] : children, identity: id))
            }
        }
        return result
    }

    /// An attribute's value: a sole binding keeps its type; mixed text becomes a string.
    private mutating func evaluateValue(_ text: Template.Text, _ scope: Scope) -> MiniValue {
        let template = page.template
        if let expression = template.soleExpression(text) { return evaluate(expression, scope) ?? .null }
        if let literal = template.staticText(text) {
            if literal == "true" { return .bool(true) }
            if literal == "false" { return .bool(false) }
            return .string(literal)
        }
        return .string(evaluate(text, scope))
    }

    private mutating func evaluate(_ text: Template.Text, _ scope: Scope) -> String {
        let template = page.template
        var result = ""
        for part in template.parts[text.parts.indices] {
            switch part {
            case .source, .decoded: result += template.literal(part) ?? ""
            case .binding(let index):
                result += evaluate(template.expressions[Int(index)], scope)?.displayText ?? ""
            }
            if result.utf8.count > MiniKitLimits.maximumTextLength * 4 { break }
        }
        // One node shows at most `maximumTextLength` characters.
        return result.count > MiniKitLimits.maximumTextLength
            ? String(result.prefix(MiniKitLimits.maximumTextLength)) + "…" : result
    }

    private mutating func evaluate(_ expression: Expression, _ scope: Scope) -> MiniValue? {
        guard fuelLeft > 0 else { return nil }
        var evaluator = ExpressionEvaluator(fuel: min(MiniKitLimits.expressionFuel, fuelLeft))
        defer {
            fuelLeft -= min(MiniKitLimits.expressionFuel, fuelLeft) - evaluator.remainingFuel
            if fuelLeft <= 0, !issues.contains(where: { $0.code == "limit.render-fuel" }) {
                issues.append(
                    RenderIssue(
                        message:
                            "the page's bindings used up the render's fuel (\(MiniKitLimits.renderFuel) steps); the rest render empty",
                        code: "limit.render-fuel", location: page.markup.path))
            }
        }
        do {
            let value = try evaluator.evaluate(expression, scope)
            // Showing a value costs in proportion to its size too.
            if case .string(let text) = value { fuelLeft -= text.utf8.count / 64 }
            return value
        } catch {
            issues.append(issue(error.message, error.code, error.range))
            return nil
        }
    }

    private func issue(_ message: String, _ code: String, _ range: SourceRange) -> RenderIssue {
        let (line, column) = page.markup.location(of: range.lowerBound)
        return RenderIssue(message: message, code: code, location: "\(page.markup.path):\(line):\(column)")
    }
}
