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
        return build(page.template, scope: scope, identity: "")
    }

    private mutating func build(_ nodes: [TemplateNode], scope: Scope, identity: String) -> [ViewNode] {
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
            switch node {
            case .text(let text):
                produced += 1
                result.append(
                    ViewNode(
                        kind: .text, properties: [:], text: evaluate(text, scope), events: [:], dataset: [:],
                        children: [], identity: id))
            case .conditional(let conditional):
                for (index, branch) in conditional.branches.enumerated() {
                    if let condition = branch.condition, !(evaluate(condition, scope)?.isTruthy ?? false) { continue }
                    result += build([branch.node], scope: scope, identity: "\(id).\(index)")
                    break
                }
            case .list(let list):
                let items: [MiniValue]
                switch evaluate(list.items, scope) {
                case .array(let values)?: items = values
                case .number(let count)? where count >= 0:
                    let limited = count.clampedInt(0...MiniKitLimits.maximumRenderedNodes) ?? 0
                    items = (0..<limited).map { .number(Double($0 + 1)) }
                case .null?, nil: items = []
                case let other?:
                    issues.append(
                        issue("wx:for needs a list, found \(other.kindName)", "expression.type", list.items.range))
                    items = []
                }
                for (index, item) in items.enumerated() {
                    let keyPart: String
                    if let key = list.key, let value = item[key] {
                        keyPart = value.displayText
                    } else {
                        keyPart = String(index)
                    }
                    let itemScope = scope.pushing([list.itemName: item, list.indexName: .number(Double(index))])
                    result += build([list.body], scope: itemScope, identity: "\(id)[\(keyPart)]")
                }
            case .component(let component):
                produced += 1
                if let hidden = component.attributes["hidden"], evaluateValue(hidden, scope).isTruthy { continue }
                var properties: [String: MiniValue] = [:]
                for (name, value) in component.attributes { properties[name] = evaluateValue(value, scope) }
                var dataset: [String: MiniValue] = [:]
                for (name, value) in component.dataset { dataset[name] = evaluateValue(value, scope) }
                let children = build(component.children, scope: scope, identity: id)
                var text = ""
                if component.kind.acceptsOnlyText { text = children.map(\.text).joined() }
                result.append(
                    ViewNode(
                        kind: component.kind, properties: properties, text: text,
                        events: component.events.mapValues(\.handler),
                        dataset: dataset, children: component.kind.acceptsOnlyText ? [] : children, identity: id))
            }
        }
        return result
    }

    /// An attribute's value: a sole binding keeps its type; mixed text becomes a string.
    private mutating func evaluateValue(_ text: TemplateText, _ scope: Scope) -> MiniValue {
        if let expression = text.soleExpression { return evaluate(expression, scope) ?? .null }
        if let literal = text.staticText {
            if literal == "true" { return .bool(true) }
            if literal == "false" { return .bool(false) }
            return .string(literal)
        }
        return .string(evaluate(text, scope))
    }

    private mutating func evaluate(_ text: TemplateText, _ scope: Scope) -> String {
        var result = ""
        for part in text.parts {
            switch part {
            case .literal(let literal): result += literal
            case .binding(let expression): result += evaluate(expression, scope)?.displayText ?? ""
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
