import Foundation
import Testing

@testable import MiniKit

struct MarkupDiagnosticsTests {
    @Test("an unknown component is located, with a suggestion")
    func unknownComponent() {
        let result = TestApp.load(
            markup: "<column>\n  <buton bindtap=\"go\">Go</buton>\n</column>\n", logic: "handler go { toast 'hi' }")
        #expect(result.program == nil)
        #expect(
            TestApp.rendered(result) == """
                error: unknown component <buton>
                 --> pages/index.mml:2:4
                  |
                2 |   <buton bindtap="go">Go</buton>
                  |    ^~~~~
                  = note: did you mean <button>?
                  = note: components are view, row, column, text, button, input, switch, picker, list, divider, navigator, progress
                """)
    }

    @Test(
        "syntax errors in markup",
        arguments: [
            ("<column>\n<text>hi</text>\n", "<column> is never closed", "pages/index.mml:1:1"),
            ("<column></row>", "</row> does not match <column>", "pages/index.mml:1:9"),
            ("</text>", "</text> closes nothing", "pages/index.mml:1:1"),
            ("<text tone=title>x</text>", "the value of 'tone' must be in quotes", "pages/index.mml:1:12"),
            ("<text tone=\"title>x</text>", "unterminated value of 'tone'", "pages/index.mml:1:12"),
            ("<text>{{ a </text>", "'{{' is not closed", "pages/index.mml:1:7"),
            ("<text>a }} b</text>", "'}}' without an opening '{{'", "pages/index.mml:1:9"),
            ("<text>&bogus;</text>", "unknown character reference", "pages/index.mml:1:7"),
            ("<!-- open", "unterminated comment", "pages/index.mml:1:1"),
            ("<text tone=\"title\" tone=\"muted\">x</text>", "attribute 'tone' appears twice", "pages/index.mml:1:20"),
            ("< text>", "expected a tag name after '<'", "pages/index.mml:1:1"),
        ])
    func syntax(_ markup: String, _ message: String, _ location: String) {
        let result = TestApp.load(markup: markup)
        let first = result.diagnostics.errors.first
        #expect(first?.message == message, "got: \(TestApp.rendered(result))")
        #expect(first?.location == location)
    }

    @Test(
        "components, attributes, events and directives are checked",
        arguments: [
            ("<text colour=\"red\">x</text>", "<text> has no attribute 'colour'"),
            (
                "<text tone=\"loud\">x</text>",
                "'tone' must be one of normal, title, heading, muted, accent, success, warning, danger, not \"loud\""
            ),
            ("<button disabled=\"yes\">x</button>", "'disabled' is true or false, not \"yes\""),
            ("<input bindtap=\"go\"/>", "<input> has no 'tap' event"),
            ("<divider>text</divider>", "<divider> cannot have content"),
            ("<button><text>x</text></button>", "<button> may contain only text and bindings, not <text>"),
            ("<text wx:elif=\"{{ a }}\">x</text>", "wx:elif must follow an element with wx:if or wx:elif"),
            ("<text wx:else>x</text>", "wx:else must follow an element with wx:if or wx:elif"),
            ("<text wx:if=\"a\">x</text>", "wx:if needs a condition: wx:if=\"{{ … }}\""),
            ("<text wx:for-item=\"x\">x</text>", "wx:for-item needs wx:for on the same element"),
            ("<text wx:repeat=\"{{ a }}\">x</text>", "unknown directive 'wx:repeat'"),
            ("<picker range=\"a,b\"/>", "'range' needs a list binding such as range=\"{{ options }}\""),
            ("<button bindtap=\"{{ x }}\">x</button>", "bindtap must name a handler, such as bindtap=\"submit\""),
        ])
    func semantics(_ markup: String, _ message: String) {
        let result = TestApp.load(markup: markup, logic: "data { a: 1, x: 1 }")
        #expect(
            result.diagnostics.errors.map(\.message).contains(message),
            "got: \(result.diagnostics.errors.map(\.message))")
    }

    @Test("nesting deeper than 64 is refused")
    func depthLimit() {
        let deep = String(repeating: "<view>", count: 65) + String(repeating: "</view>", count: 65)
        let result = TestApp.load(markup: deep)
        #expect(result.diagnostics.errors.first?.message == "elements nest deeper than 64")
        let fine = String(repeating: "<view>", count: 64) + String(repeating: "</view>", count: 64)
        #expect(TestApp.load(markup: fine).program != nil)
    }

    @Test("more than 5,000 nodes are refused")
    func nodeLimit() {
        let many = "<column>" + String(repeating: "<divider/>", count: 5_000) + "</column>"
        let result = TestApp.load(markup: many)
        #expect(result.diagnostics.errors.first?.code == "limit.markup-nodes")
    }

    @Test("invalid UTF-8 is refused with the offset")
    func invalidUTF8() {
        var files = TestApp.files(["pages/index.logic": "data { a: 1 }"]).files
        files["pages/index.mml"] = Data([0x3C, 0x74, 0x65, 0x78, 0x74, 0x3E, 0xE4, 0xB8, 0x28])
        let result = MiniProgram.load(PackageFiles(files))
        #expect(
            result.diagnostics.errors.first?.message
                == "pages/index.mml is not valid UTF-8 (first bad byte near offset 6)")
    }
}
