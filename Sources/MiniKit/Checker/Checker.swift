import Foundation
import MiniSupport

/// Cross-reference checks over a whole mini-program, and the review report.
///
/// Pages are checked one by one (concurrently, by the loader), then ``finish(_:)`` adds the checks that need
/// every page and builds the report.
struct Checker {
    let manifest: Manifest
    let manifestFile: SourceFile
    var diagnostics: [Diagnostic] = []

    init(manifest: Manifest, manifestFile: SourceFile) {
        self.manifest = manifest
        self.manifestFile = manifestFile
    }

    /// Names visible in handlers besides page data. Name lists stay short (a few loop or result names), so
    /// they are arrays: a linear look is cheaper than hashing.
    private static let handlerNames: [String] = ["event", "query"]

    /// What checking one page found.
    struct PageResult: Sendable {
        var summary: ReviewReport.PageSummary
        var usedScopes: [HostAPI.Scope: [String]]
        var domains: Set<String>
        var diagnostics: [Diagnostic]
    }

    /// Checks one page's template and logic against the manifest.
    func check(page: Page) -> PageResult {
        var checker = Checker(manifest: manifest, manifestFile: manifestFile)
        var usedScopes: [HostAPI.Scope: [String]] = [:]
        var domains = Set<String>()
        var components = 0
        checker.checkNodes(
            page.template.roots, in: page.template, page: page, loopNames: ["query"], components: &components)
        var handlers: [ReviewReport.HandlerSummary] = []
        let hookOrder = LifecycleHook.allCases.compactMap { page.logic.hooks[$0] }
        let handlerOrder = page.logic.handlers.keys.sorted().map { page.logic.handlers[$0]! }
        for handler in hookOrder + handlerOrder {
            var facts = HandlerFacts()
            checker.checkActions(handler.body, page: page, names: Self.handlerNames, facts: &facts)
            for api in facts.apis {
                if let scope = api.scope { usedScopes[scope, default: []].append("\(page.name).\(handler.name)") }
            }
            domains.formUnion(facts.domains)
            handlers.append(
                .init(
                    name: handler.name, apis: facts.apis.map(\.rawValue).sorted(), domains: facts.domains.sorted(),
                    navigates: facts.navigates.sorted()))
        }
        return PageResult(
            summary: .init(name: page.name, components: components, handlers: handlers), usedScopes: usedScopes,
            domains: domains, diagnostics: checker.diagnostics)
    }

    /// Adds the whole-program checks to the pages' results and builds the review report.
    mutating func finish(_ pages: [PageResult]) -> ReviewReport {
        var usedScopes: [HostAPI.Scope: [String]] = [:]
        var allDomains = Set<String>()
        for page in pages {
            diagnostics.append(contentsOf: page.diagnostics)
            for (scope, users) in page.usedScopes { usedScopes[scope, default: []] += users }
            allDomains.formUnion(page.domains)
        }
        let pageSummaries = pages.map(\.summary)
        // Declared but unused scopes are warnings; used but undeclared ones were errors at the call.
        for permission in manifest.permissions where usedScopes[permission.scope] == nil {
            diagnostics.append(
                .warning(
                    "check.unused-scope", "scope '\(permission.scope.rawValue)' is declared but no handler uses it",
                    in: manifestFile, at: MiniProgram.rangeOfString(permission.scope.rawValue, in: manifestFile),
                    notes: ["remove it: reviewers and users see every scope you ask for"]))
        }
        for domain in manifest.domains where !allDomains.contains(domain) && !allDomains.contains("(computed)") {
            diagnostics.append(
                .warning(
                    "check.unused-domain", "domain '\(domain)' is declared but no request goes to it", in: manifestFile,
                    at: MiniProgram.rangeOfString(domain, in: manifestFile)))
        }
        return ReviewReport(
            id: manifest.id, name: manifest.name, version: manifest.version.description, category: manifest.category,
            entryPage: manifest.entryPage, pages: pageSummaries,
            scopes: manifest.permissions.map {
                .init(
                    scope: $0.scope.rawValue, reason: $0.reason, sensitive: $0.scope.isSensitive,
                    usedBy: (usedScopes[$0.scope] ?? []).sorted())
            },
            domains: manifest.domains, warnings: diagnostics.filter { $0.severity == .warning }.count)
    }

    // MARK: Templates

    private mutating func checkNodes(
        _ span: Template.Span, in template: Template, page: Page, loopNames: [String], components: inout Int
    ) {
        for position in span.indices {
            checkNode(
                template.childIndices[position], in: template, page: page, loopNames: loopNames,
                components: &components)
        }
    }

    private mutating func checkNode(
        _ index: UInt32, in template: Template, page: Page, loopNames: [String], components: inout Int
    ) {
        let node = template.nodes[Int(index)]
        switch node.kind {
        case .text(let parts):
            checkText(Template.Text(parts: parts, range: node.range), in: template, page: page, names: loopNames)
        case .conditional(let branches):
            for position in branches.indices {
                let branch = template.branches[position]
                if let condition = branch.condition {
                    checkExpression(
                        template.expressions[Int(condition)], file: page.markup, page: page, names: loopNames)
                }
                checkNode(branch.node, in: template, page: page, loopNames: loopNames, components: &components)
            }
        case .list(let listIndex):
            let list = template.lists[Int(listIndex)]
            checkExpression(template.expressions[Int(list.items)], file: page.markup, page: page, names: loopNames)
            checkNode(
                list.body, in: template, page: page, loopNames: loopNames + [list.itemName, list.indexName],
                components: &components)
        case .component(let kind, let attributes):
            components += 1
            // Properties, then data- values, then event bindings: the order an author reads the messages in.
            for position in attributes.indices where template.attributes[position].role == .property {
                checkText(template.attributes[position].value, in: template, page: page, names: loopNames)
            }
            for position in attributes.indices where template.attributes[position].role == .data {
                checkText(template.attributes[position].value, in: template, page: page, names: loopNames)
            }
            for position in attributes.indices where template.attributes[position].role == .event {
                // Of `bindtap` and `catchtap` on one element the last one written is the one that runs.
                let event = template.attributes[position].name
                let laterSpelling = (position + 1..<attributes.indices.upperBound).contains {
                    template.attributes[$0].role == .event && template.source.same(template.attributes[$0].name, event)
                }
                if laterSpelling { continue }
                let value = template.attributes[position].value
                checkHandler(template.staticText(value) ?? "", at: value.range, page: page)
            }
            if kind == .navigator, let url = template.property("url", in: attributes),
                let text = template.staticText(url.value)
            {
                let target = String(text.split(separator: "?", maxSplits: 1).first ?? "")
                if manifest.pages.firstIndex(of: target) == nil {
                    diagnostics.append(
                        .error(
                            "check.unknown-page", "navigator opens page '\(target)', which is not in the manifest",
                            in: page.markup, at: url.value.range))
                }
            }
            checkNodes(node.children, in: template, page: page, loopNames: loopNames, components: &components)
        }
    }

    /// An event binding must name a handler of the page.
    private mutating func checkHandler(_ handler: String, at range: SourceRange, page: Page) {
        guard page.logic.handlers[handler] == nil else { return }
        let known = page.logic.handlers.keys.sorted()
        var notes = [
            known.isEmpty
                ? "\(Page.logicPath(page.name)) defines no handler"
                : "handlers of this page: \(known.joined(separator: ", "))"
        ]
        if let close = known.min(by: { editDistance($0, handler) < editDistance($1, handler) }),
            editDistance(close, handler) <= 2
        {
            notes.insert("did you mean '\(close)'?", at: 0)
        }
        diagnostics.append(
            .error(
                "check.unknown-handler", "handler '\(handler)' is not defined", in: page.markup, at: range,
                notes: notes))
    }

    private mutating func checkText(_ text: Template.Text, in template: Template, page: Page, names: [String]) {
        for part in template.parts[text.parts.indices] {
            guard case .binding(let index) = part else { continue }
            checkExpression(template.expressions[Int(index)], file: page.markup, page: page, names: names)
        }
    }

    /// Every path an expression reads must start at a data field or a name in scope, and follow fields
    /// that the initial data has (where it says).
    private mutating func checkExpression(_ expression: Expression, file: SourceFile, page: Page, names: [String]) {
        // The most common bindings need no path: a known name alone, or a chain from a name in scope (such as
        // event.dataset.row or item.name), whose fields are known only at run time.
        if case .identifier(let root, _) = expression, names.contains(root) || page.logic.data[root] != nil { return }
        if let root = expression.pathRoot, names.contains(root) { return }
        for (path, range) in expression.readPaths {
            let root = path[0]
            if names.contains(root) { continue }
            guard var value = page.logic.data[root] else {
                var notes = [
                    page.logic.data.isEmpty
                        ? "the page declares no data (data { … } in \(Page.logicPath(page.name)))"
                        : "data fields: \(page.logic.data.keys.sorted().joined(separator: ", "))"
                ]
                if let close = page.logic.data.keys.min(by: {
                    editDistance($0, root) < editDistance($1, root)
                }), editDistance(close, root) <= 2 {
                    notes.insert("did you mean '\(close)'?", at: 0)
                }
                diagnostics.append(
                    .error("check.unknown-data", "'\(root)' is not in the page data", in: file, at: range, notes: notes)
                )
                continue
            }
            for (depth, field) in path.dropFirst().enumerated() {
                guard case .object(let members) = value else { break }  // null or computed: known only at run time
                guard let next = members[field] else {
                    if field == "length" { break }
                    diagnostics.append(
                        .error(
                            "check.unknown-field",
                            "'\(path[0...depth].joined(separator: "."))' has no field '\(field)' in the page data",
                            in: file, at: range))
                    break
                }
                value = next
            }
        }
    }

    // MARK: Logic

    private struct HandlerFacts {
        var apis = Set<HostAPI>()
        var domains = Set<String>()
        var navigates = Set<String>()
    }

    private mutating func checkActions(_ actions: [Action], page: Page, names: [String], facts: inout HandlerFacts) {
        guard let file = page.logicFile else { return }
        for action in actions {
            switch action {
            case .set(let assignments, _):
                for assignment in assignments {
                    if let root = assignment.target.readPaths.first?.path.first, page.logic.data[root] == nil,
                        !names.contains(root)
                    {
                        diagnostics.append(
                            .error(
                                "check.unknown-data", "'set' writes '\(root)', which is not declared in the page data",
                                in: file, at: assignment.target.range,
                                notes: ["declare it in data { … } with its initial value"]))
                    }
                    if case .index(_, let index, _) = assignment.target {
                        checkExpression(index, file: file, page: page, names: names)
                    }
                    checkExpression(assignment.value, file: file, page: page, names: names)
                }
            case .call(let call):
                facts.apis.insert(call.api)
                if let scope = call.api.scope, !manifest.declaredScopes.contains(scope) {
                    diagnostics.append(
                        .error(
                            "check.undeclared-scope",
                            "\(call.api.rawValue) needs the '\(scope.rawValue)' scope, which the manifest does not declare",
                            in: file, at: call.nameRange,
                            notes: [
                                "add {\"scope\": \"\(scope.rawValue)\", \"reason\": \"…\"} to permissions in manifest.json"
                            ]))
                }
                if let arguments = call.arguments { checkExpression(arguments, file: file, page: page, names: names) }
                if call.api == .networkRequest { checkRequest(call, file: file, facts: &facts) }
                checkActions(call.success, page: page, names: names + ["result"], facts: &facts)
                checkActions(call.failure, page: page, names: names + ["error"], facts: &facts)
            case .toast(let message, _):
                checkExpression(message, file: file, page: page, names: names)
            case .modal(let options, let confirm, let cancel, _):
                checkExpression(options, file: file, page: page, names: names)
                checkActions(confirm, page: page, names: names, facts: &facts)
                checkActions(cancel, page: page, names: names, facts: &facts)
            case .navigate(let target, let query, _, _):
                if case .literal(.string(let name), let range) = target {
                    if manifest.pages.firstIndex(of: name) == nil {
                        diagnostics.append(
                            .error(
                                "check.unknown-page", "navigates to page '\(name)', which is not in the manifest",
                                in: file, at: range, notes: ["pages: \(manifest.pages.joined(separator: ", "))"]
                            ))
                    }
                    facts.navigates.insert(name)
                } else {
                    checkExpression(target, file: file, page: page, names: names)
                    facts.navigates.insert("(computed)")
                }
                if let query { checkExpression(query, file: file, page: page, names: names) }
            case .branch(let branches, _):
                for branch in branches {
                    if let condition = branch.condition {
                        checkExpression(condition, file: file, page: page, names: names)
                    }
                    checkActions(branch.body, page: page, names: names, facts: &facts)
                }
            case .back, .stop:
                break
            }
        }
    }

    /// A request's URL must be https on a declared domain; a URL built at run time is checked then.
    private mutating func checkRequest(_ call: APICall, file: SourceFile, facts: inout HandlerFacts) {
        guard case .object(let members, _)? = call.arguments, let url = members.first(where: { $0.key == "url" })?.value
        else {
            diagnostics.append(
                .error(
                    "check.request", "network.request needs a 'url'", in: file, at: call.nameRange,
                    notes: ["call network.request { url: \"https://host/path\", method: \"GET\" }"]))
            return
        }
        guard let prefix = Self.literalPrefix(url) else {
            diagnostics.append(
                .warning(
                    "check.computed-url", "the URL is computed; its domain is checked when the request is made",
                    in: file, at: url.range,
                    notes: ["start the URL with a literal \"https://host/\" so reviewers can see where it goes"]))
            facts.domains.insert("(computed)")
            return
        }
        guard prefix.hasPrefix("https://") else {
            diagnostics.append(.error("check.request", "requests must use https://", in: file, at: url.range))
            return
        }
        let afterScheme = prefix.dropFirst("https://".count)
        guard
            let end = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == ":" })
                ?? (Self.isLiteral(url) ? afterScheme.endIndex : nil)
        else {
            diagnostics.append(
                .warning(
                    "check.computed-url",
                    "the host of the URL is computed; its domain is checked when the request is made", in: file,
                    at: url.range))
            facts.domains.insert("(computed)")
            return
        }
        let host = afterScheme[..<end].lowercased()
        facts.domains.insert(host)
        if !manifest.domains.contains(host) {
            diagnostics.append(
                .error(
                    "check.undeclared-domain", "request to '\(host)', which the manifest does not declare", in: file,
                    at: url.range, notes: ["add \"\(host)\" to domains in manifest.json"]))
        }
    }

    private static func isLiteral(_ expression: Expression) -> Bool {
        if case .literal(.string, _) = expression { return true }
        return false
    }

    /// The literal text a string expression starts with: `"https://a/" + id` gives `https://a/`.
    private static func literalPrefix(_ expression: Expression) -> String? {
        switch expression {
        case .literal(.string(let text), _): return text
        case .binary(.add, let lhs, _, _): return literalPrefix(lhs)
        default: return nil
        }
    }
}
