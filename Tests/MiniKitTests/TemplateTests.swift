import Foundation
import MiniSupport
import Testing

@testable import MiniKit

/// The flat template: what the parser keeps, what a refused element leaves behind, the order of its problems,
/// and pages compiled when they open.
struct TemplateTests {
    private func parse(_ markup: String) throws -> (template: Template, diagnostics: [Diagnostic]) {
        try TemplateParser.parse(SourceFile(path: "pages/index.mml", text: markup))
    }

    @Test("a page is stored flat: nodes, children, attributes and parts by position")
    func flatLayout() throws {
        let (template, diagnostics) = try parse(
            """
            <column gap="1">
              <text tone="muted">Fee &amp; tax</text>
              <button bindtap="pay" data-row="{{ index }}" disabled>Pay {{ amount }} now</button>
            </column>
            """)
        #expect(diagnostics.isEmpty)
        let roots = Array(template.nodes(template.roots))
        try #require(roots.count == 1)
        guard case .component(.column, let columnAttributes) = roots[0].kind else {
            Issue.record("expected a column, got \(roots[0].kind)")
            return
        }
        #expect(template.property("gap", in: columnAttributes).flatMap { template.staticText($0.value) } == "1")
        let children = Array(template.nodes(roots[0].children))
        try #require(children.count == 2)

        guard case .component(.text, _) = children[0].kind, let label = template.nodes(children[0].children).first,
            case .text(let labelParts) = label.kind
        else {
            Issue.record("expected a text with content")
            return
        }
        // A character reference is decoded once, when the page is parsed.
        #expect(template.staticText(Template.Text(parts: labelParts, range: label.range)) == "Fee & tax")

        guard case .component(.button, let buttonAttributes) = children[1].kind else {
            Issue.record("expected a button")
            return
        }
        let attributes = template.attributes[buttonAttributes.indices].map {
            ($0.role, template.text(of: $0.name), template.staticText($0.value))
        }
        #expect(attributes.map(\.0) == [.event, .data, .property])
        #expect(attributes.map(\.1) == ["tap", "row", "disabled"])
        #expect(attributes.map(\.2) == ["pay", nil, "true"])
        let content = try #require(template.nodes(children[1].children).first)
        guard case .text(let parts) = content.kind else {
            Issue.record("expected text in the button")
            return
        }
        let text = Template.Text(parts: parts, range: content.range)
        #expect(template.expressions(text).map(\.description) == ["amount"])
        #expect(template.staticText(text) == nil)
    }

    @Test("wx:if chains and wx:for become one node each, pointing at their bodies")
    func directives() throws {
        let (template, diagnostics) = try parse(
            """
            <text wx:if="{{ a }}">A</text>
            <text wx:elif="{{ b }}">B</text>
            <text wx:else>C</text>
            <view wx:for="{{ items }}" wx:for-item="plan" wx:key="id"><text>{{ plan.name }}</text></view>
            """)
        #expect(diagnostics.isEmpty)
        let roots = Array(template.nodes(template.roots))
        try #require(roots.count == 2)
        guard case .conditional(let branches) = roots[0].kind, case .list(let listIndex) = roots[1].kind else {
            Issue.record("expected a conditional and a list, got \(roots.map(\.kind))")
            return
        }
        let conditions = template.branches[branches.indices].map {
            $0.condition.map { template.expressions[Int($0)].description }
        }
        #expect(conditions == ["a", "b", nil])
        let list = template.lists[Int(listIndex)]
        #expect(list.itemName == "plan")
        #expect(list.indexName == "index")
        #expect(list.key == "id")
        #expect(template.expressions[Int(list.items)].description == "items")
        guard case .component(.view, _) = template.nodes[Int(list.body)].kind else {
            Issue.record("the list repeats its view")
            return
        }
    }

    @Test("a refused element leaves nothing in the template, and nothing inside it is reported")
    func refusedElementLeavesNothing() throws {
        let clean = try parse("<column><text>ok</text></column>")
        let (template, diagnostics) = try parse(
            "<column><text>ok</text><chart kind=\"{{ a }}\"><text bogus=\"1\">{{ b }}</text></chart></column>")
        #expect(diagnostics.map(\.message) == ["unknown component <chart>"])
        #expect(template.nodes.count == clean.template.nodes.count)
        #expect(template.parts.count == clean.template.parts.count)
        #expect(template.expressions.isEmpty)
        #expect(template.attributes.isEmpty)
    }

    @Test("an element dropped after its content (a wrong wx:for, a stray wx:elif) leaves nothing behind either")
    func droppedElementLeavesNothing() throws {
        let clean = try parse("<column><text>ok</text></column>")
        for dropped in [
            #"<view wx:for="x"><text>{{ a }}</text></view>"#, #"<view wx:elif="{{ b }}"><text>{{ a }}</text></view>"#,
            #"<view wx:else><text>{{ a }}</text></view>"#,
        ] {
            let (template, diagnostics) = try parse("<column><text>ok</text>\(dropped)</column>")
            #expect(diagnostics.count == 1, "\(diagnostics.map(\.message))")
            #expect(template.nodes.count == clean.template.nodes.count, "\(dropped)")
            #expect(template.expressions.isEmpty, "\(dropped)")
            #expect(template.childIndices.count == clean.template.childIndices.count, "\(dropped)")
        }
    }

    @Test("of two spellings of one event, the checker checks the one that runs: the last")
    func lastEventSpellingIsChecked() {
        let logic = "handler go { stop }"
        let runs = TestApp.load(markup: #"<button bindtap="nope" catchtap="go">Go</button>"#, logic: logic)
        #expect(runs.program != nil, "\(TestApp.rendered(runs))")
        let fails = TestApp.load(markup: #"<button catchtap="go" bindtap="nope">Go</button>"#, logic: logic)
        #expect(fails.diagnostics.errors.map(\.message) == ["handler 'nope' is not defined"])
    }

    @Test("problems come in reading order: an element's own before those inside it")
    func diagnosticsOrder() throws {
        let (_, diagnostics) = try parse(
            "<input colour=\"red\"><text tone=\"loud\">x</text></input><text wx:for-key=\"a\">y</text>")
        #expect(
            diagnostics.map(\.message) == [
                "<input> has no attribute 'colour'",
                "<input> cannot have content",
                "'tone' must be one of normal, title, heading, muted, accent, success, warning, danger, not \"loud\"",
                "unknown directive 'wx:for-key'",
            ])
    }

    @Test("a syntax error stops the parse, even inside a refused element")
    func syntaxInsideRefused() {
        #expect(throws: Diagnostic.self) { try parse("<chart><text>{{ a </text></chart>") }
    }

    @Test("every component knows its own attributes and events")
    func componentTables() {
        #expect(ComponentKind.input.attributes["placeholder"] == .text)
        #expect(ComponentKind.input.events == ["input", "confirm"])
        #expect(ComponentKind.picker.attributes["range"] == .list)
        #expect(ComponentKind.switch.events == ["change"])
        #expect(ComponentKind.progress.attributes["percent"] == .number)
        #expect(ComponentKind.navigator.events == ["tap"])
        #expect(ComponentKind.list.attributes["empty"] == .text)
        #expect(ComponentKind.row.events.isEmpty)
        for kind in ComponentKind.allCases {
            #expect(kind.attributes.keys.allSatisfy { !$0.hasPrefix("wx:") }, "\(kind)")
            #expect(ComponentKind(name: ArraySlice(kind.rawValue.utf8)) == kind)
        }
        for near in ["vieww", "Row", "progres", "pickers", "p", "", "navigato"] {
            #expect(ComponentKind(name: ArraySlice(near.utf8)) == nil, "\(near)")
        }
    }

    @Test("a loaded program keeps its pages' sources and compiles a page when it opens")
    func compileOnOpen() throws {
        let result = TestApp.load(
            markup: "<column><text>{{ greeting }}</text><button bindtap=\"go\">Go</button></column>",
            logic: "data { greeting: \"hello\" }\nhandler go { set greeting = \"bye\" }")
        let program = try #require(result.program)
        #expect(program.hasPage("index"))
        #expect(!program.hasPage("missing"))
        #expect(program.page("missing") == nil)
        let page = try #require(program.page("index"))
        #expect(page.logic.handlers["go"] != nil)
        #expect(page.logic.data["greeting"] == .string("hello"))
        #expect(template(page).nodes.count == 5)
        // Compiling is deterministic: the page opened twice is the same page.
        #expect(program.page("index") == page)
    }

    private func template(_ page: Page) -> Template { page.template }
}
