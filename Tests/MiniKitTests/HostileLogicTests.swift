import Foundation
import MiniSupport
import TerminalCells
import Testing

@testable import MiniKit

/// Hostile page logic and markup: each must end in a clear error or a bounded result, never a crash or hang.
struct HostileLogicTests {
    static func runtime(_ markup: String, _ logic: String, pages: [String: (String, String)] = [:], width: Int = 40)
        throws -> MiniProgramRuntime
    {
        var files = ["pages/index.mml": markup, "pages/index.logic": logic]
        for (name, page) in pages {
            files["pages/\(name).mml"] = page.0
            files["pages/\(name).logic"] = page.1
        }
        let manifest = TestApp.manifest(pages: ["index"] + pages.keys.sorted())
        let result = MiniProgram.load(TestApp.files(manifest: manifest, files))
        let program = try #require(result.program, "\(result.diagnostics)")
        return MiniProgramRuntime(
            program: program, policy: SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "x"),
            storage: InMemoryStorage(), width: width, height: 10)
    }

    static func errors(_ effects: [RuntimeEffect]) -> [String] {
        effects.compactMap { if case .runtimeError(let code, _) = $0 { return code } else { return nil } }
    }

    @Test("a page that redirects to itself on load stops with a navigation-loop error")
    func redirectLoop() throws {
        var runtime = try Self.runtime("<text>x</text>", "on load { redirect \"index\" }")
        let effects = runtime.start()
        #expect(Self.errors(effects).contains("limit.navigation-loop"))
    }

    @Test("two pages that open each other from hooks stop too")
    func pingPong() throws {
        var runtime = try Self.runtime(
            "<text>a</text>", "on show { navigate \"b\" }", pages: ["b": ("<text>b</text>", "on load { back }")])
        let effects = runtime.start()
        #expect(!Self.errors(effects).isEmpty)
    }

    @Test(
        "NaN, infinite and huge numbers never trap: each gives a bounded text or a typed error",
        arguments: [
            ("{{ items[100000000000000000000] }}", "", []),
            ("{{ fixed(1, num('nan')) }}", "", ["expression.type"]),
            ("{{ slice('abc', num('1e30')) }}", "", []),
            ("{{ mask('abcdef', 9000000000000000000, 9000000000000000000) }}", "abcdef", []),
            ("{{ fixed(num('1e300'), 2) }}", "1e+300", []),
        ])
    func numbers(_ binding: String, _ shown: String, _ errors: [String]) throws {
        var runtime = try Self.runtime("<text>\(binding)</text>", "data { items: [1] }")
        let effects = runtime.start()
        #expect(Self.errors(effects) == errors)
        let line = try #require(runtime.screen().lines.first)
        #expect(line.trimmingCharacters(in: .whitespaces) == shown)
    }

    @Test("a non-finite number attribute is refused by the checker; a bound one is clamped")
    func numberAttributes() throws {
        #expect(
            TestApp.load(markup: "<column gap=\"nan\"><text>x</text></column>").diagnostics.errors.first?.message
                == "'gap' must be a number, not \"nan\"")
        var runtime = try Self.runtime(
            "<column gap=\"{{ g }}\"><text wx:for=\"{{ n }}\">x</text><picker range=\"{{ [1, 2] }}\" value=\"{{ g }}\"/></column>",
            "data { g: 1, n: 3 } handler h { stop }")
        _ = runtime.start()
        runtime.setData("g", .number(.infinity))
        runtime.setData("n", .number(.infinity))
        // An infinite gap is clamped (to 4 rows) and an infinite list is cut to what the screen holds.
        #expect(runtime.screen().lines == ["x", "", "", "", "", "x", "", "", "", ""])
        runtime.setData("g", .number(.nan))
        #expect(runtime.screen().lines == Array(repeating: "x", count: 10), "a NaN gap is no gap")
    }

    @Test("a navigator URL with an empty query key is harmless")
    func emptyQueryKey() throws {
        var runtime = try Self.runtime("<navigator url=\"index?=&a=1&=x\">go</navigator>", "data { }")
        _ = runtime.start()
        _ = runtime.handle(.activate)
        #expect(runtime.currentPage?.query["a"] == "1")
    }

    @Test("deeply padded views stay inside the buffer")
    func deepPadding() throws {
        let markup =
            String(repeating: "<view padding=\"4\">", count: 21) + "<divider/>"
            + String(repeating: "</view>", count: 21)
        var runtime = try Self.runtime(markup, "data { }", width: 80)
        _ = runtime.start()
        _ = runtime.screen()
        // The padding takes the whole width, so the divider gets none: nothing is drawn, nothing overflows.
        let screen = runtime.screen()
        #expect(screen.width == 80)
        #expect(screen.lines == Array(repeating: "", count: 10))
    }

    @Test("thousands of comments in a row do not recurse")
    func comments() {
        let markup = String(repeating: "<!---->", count: 20_000) + "<text>x</text>"
        #expect(TestApp.load(markup: markup).program != nil)
    }

    @Test("a long flat expression is refused while parsing, in markup and in logic")
    func flatExpressions() {
        let sum = Array(repeating: "1", count: 100_000).joined(separator: "+")
        #expect(
            TestApp.load(markup: "<text>{{ \(sum) }}</text>").diagnostics.errors.first?.code == "limit.expression-size")
        let logic = TestApp.load(markup: "<text>x</text>", logic: "data { a: 0 } handler h { set a = \(sum) }")
        #expect(logic.diagnostics.errors.first?.code == "limit.expression-size")
    }

    @Test("data cannot nest deeper than 64 levels")
    func deepData() throws {
        let nest = String(repeating: "[", count: 40) + "a" + String(repeating: "]", count: 40)
        var runtime = try Self.runtime(
            "<button bindtap=\"deeper\">x</button>", "data { a: 0 } handler deeper { set a = \(nest) }")
        _ = runtime.start()
        _ = runtime.handle(.activate)
        let second = runtime.handle(.activate)
        #expect(Self.errors(second) == ["limit.data-depth"])
    }

    @Test("set paths may index with handler names")
    func setWithEventIndex() throws {
        var runtime = try Self.runtime(
            "<button bindtap=\"pick\" data-i=\"{{ 1 }}\">x</button>",
            "data { items: [{ sel: false }, { sel: false }] } handler pick { set items[event.dataset.i].sel = true }")
        _ = runtime.start()
        let effects = runtime.handle(.activate)
        #expect(Self.errors(effects).isEmpty)
        #expect(runtime.currentPage?.data["items"] == [["sel": false], ["sel": true]])
    }

    @Test("redirect does not hide the page underneath twice")
    func redirectHooks() throws {
        var runtime = try Self.runtime(
            "<button bindtap=\"go\">go</button><text>{{ hides }}</text>",
            "data { hides: 0 } on hide { set hides = hides + 1 } handler go { navigate \"b\" }",
            pages: [
                "b": ("<button bindtap=\"on\">on</button>", "handler on { redirect \"c\" }"),
                "c": ("<button bindtap=\"up\">up</button>", "handler up { back }"),
            ])
        _ = runtime.start()
        _ = runtime.handle(.activate)  // index → b
        _ = runtime.handle(.activate)  // b → c (redirect)
        _ = runtime.handle(.activate)  // back to index
        #expect(runtime.currentPage?.data["hides"] == 1)
    }

    @Test("a huge input value lays out in linear time")
    func longInput() throws {
        var runtime = try Self.runtime("<input value=\"{{ s }}\"/>", "data { s: '' }")
        _ = runtime.start()
        runtime.setData("s", .string(String(repeating: "车", count: 200_000)))
        #expect(runtime.screen().lines[0].hasPrefix("[车车") && runtime.screen().lines[0].contains("车▏"))
    }

    @Test("text is cut at the node and row limits")
    func renderCaps() throws {
        var runtime = try Self.runtime("<text wx:for=\"{{ 4000 }}\">{{ s }}</text>", "data { s: '' }")
        _ = runtime.start()
        runtime.setData("s", .string(String(repeating: "x", count: 60_000)))
        #expect(runtime.layout(runtime.currentPage!).buffer.height <= MiniKitLimits.maximumRenderedRows)
    }
}
