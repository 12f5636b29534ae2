import Foundation
import Testing

@testable import MiniKit

struct LogicAndCheckerTests {
    @Test(
        "logic syntax errors",
        arguments: [
            ("handler go { sett x = 1 }", "unknown action 'sett'"),
            ("handler go { set 1 = 2 }", "can only set a data path such as 'quote.price' or 'items[0]'"),
            ("handler go { call network.fetch }", "unknown host API 'network.fetch'"),
            ("handler go { toast 'x' ", "expected '}' to close the block, found end of input"),
            ("data [1, 2]", "'data' must be followed by an object: data { name: value, … }"),
            ("data { a: b }", "page data must be constant: unknown name 'b'"),
            ("on start { }", "expected a lifecycle hook (load, show, hide, unload) after 'on', found 'start'"),
            ("handler go {} handler go {}", "handler 'go' is defined twice"),
            ("handler go { toast 'unterminated }", "unterminated string"),
            ("handler go { set a = 1 & 2 }", "unknown operator '&'"),
            ("function go() {}", "expected 'data', 'on' or 'handler', found 'function'"),
        ])
    func syntax(_ logic: String, _ message: String) {
        let result = TestApp.load(markup: "<text>x</text>", logic: logic)
        #expect(result.diagnostics.errors.first?.message == message, "got: \(TestApp.rendered(result))")
    }

    @Test("handlers named in markup must exist")
    func unknownHandler() {
        let result = TestApp.load(markup: "<button bindtap=\"submt\">Go</button>", logic: "handler submit { stop }")
        #expect(
            TestApp.rendered(result) == """
                error: handler 'submt' is not defined
                 --> pages/index.mml:1:18
                  |
                1 | <button bindtap="submt">Go</button>
                  |                  ^~~~~
                  = note: did you mean 'submit'?
                  = note: handlers of this page: submit
                """)
    }

    @Test("bound paths must exist in the page data")
    func unknownData() {
        let result = TestApp.load(
            markup: "<text>{{ quote.prise }} {{ qoute }} {{ item }}</text>", logic: "data { quote: { price: 1 } }")
        let messages = result.diagnostics.errors.map(\.message)
        #expect(
            messages == [
                "'quote' has no field 'prise' in the page data", "'qoute' is not in the page data",
                "'item' is not in the page data",
            ])
        #expect(result.diagnostics.errors[1].notes.first == "did you mean 'quote'?")
        // Loop names are in scope inside the loop only; fields of null data are known only at run time.
        let loop = TestApp.load(
            markup: "<text wx:for=\"{{ list }}\">{{ item.name }} {{ index }} {{ later.deep }}</text>",
            logic: "data { list: [], later: null }")
        #expect(loop.program != nil, "\(TestApp.rendered(loop))")
    }

    @Test("APIs need declared scopes; unused scopes warn")
    func scopes() {
        let manifest = TestApp.manifest(permissions: [("location", "Find branches near you")])
        let result = TestApp.load(
            manifest: manifest, markup: "<text>x</text>", logic: "on load { call storage.get { key: 'a' } }")
        #expect(
            result.diagnostics.errors.map(\.message) == [
                "storage.get needs the 'storage' scope, which the manifest does not declare"
            ])
        #expect(result.diagnostics.warnings.map(\.message) == ["scope 'location' is declared but no handler uses it"])
        #expect(result.diagnostics.errors.first?.location == "pages/index.logic:1:16")
    }

    @Test("request URLs must be https on declared domains")
    func domains() {
        let manifest = TestApp.manifest(permissions: [("network", "Load prices")], domains: ["api.good.example"])
        func check(_ url: String) -> MiniProgram.LoadResult {
            TestApp.load(
                manifest: manifest, markup: "<text>x</text>",
                logic: "data { id: '1' } on load { call network.request { url: \(url) } }")
        }
        #expect(check("'https://api.good.example/v1'").program != nil)
        #expect(
            check("'https://api.evil.example/v1'").diagnostics.errors.first?.message
                == "request to 'api.evil.example', which the manifest does not declare")
        #expect(check("'http://api.good.example/v1'").diagnostics.errors.first?.message == "requests must use https://")
        #expect(check("'https://api.good.example/v1/' + id").program != nil)
        let computed = check("id")
        #expect(computed.program != nil)
        #expect(computed.diagnostics.warnings.contains { $0.code == "check.computed-url" })
    }

    @Test("navigation targets must be pages of the manifest")
    func pages() {
        let result = TestApp.load(
            markup: "<navigator url=\"detail?id=1\">x</navigator>", logic: "handler go { navigate 'nowhere' }")
        #expect(
            Set(result.diagnostics.errors.map(\.message)) == [
                "navigator opens page 'detail', which is not in the manifest",
                "navigates to page 'nowhere', which is not in the manifest",
            ])
    }

    @Test(
        "manifest problems are located",
        arguments: [
            (#""version": "1.0","#, "'1.0' is not a semantic version such as 1.2.0"),
            (#""id": "Com.Example","#, "'Com.Example' is not a valid id"),
            (#""category": "games","#, "unknown category 'games'"),
            (#""entryPage": "home","#, "the entry page 'home' is not in 'pages'"),
            (#""domains": ["https://a.example/x"],"#, "'https://a.example/x' is not a host name"),
            (#""permissions": [{"scope": "camera", "reason": "Scan cards"}],"#, "unknown scope 'camera'"),
            (#""permissions": [{"scope": "storage"}],"#, "scope 'storage' needs a reason the user will read"),
            (#""localized": {"fr": {"name": "Essai"}},"#, "unknown language 'fr'"),
            (#""localized": {"zh": "测试"},"#, "'localized.zh' must be an object with name and description"),
            (#""localized": {"zh": {"name": ""}},"#, "the name must have 1 to 40 characters"),
            (#""localized": ["zh"],"#, "'localized' must be an object of languages"),
            (
                #""description": "\#(String(repeating: "x", count: 201))","#,
                "the description must have at most 200 characters"
            ),
        ])
    func manifest(_ field: String, _ message: String) {
        var text = TestApp.manifest()
        let key = field.split(separator: ":")[0]
        // Replace the field if the base manifest has it, otherwise add it.
        if let range = text.range(of: "\(key):") {
            let lineEnd = text[range.lowerBound...].firstIndex(of: "\n")!
            text.replaceSubrange(range.lowerBound..<lineEnd, with: field)
        } else {
            text = text.replacingOccurrences(of: "{\n", with: "{\n  \(field)\n")
        }
        let result = TestApp.load(manifest: text, markup: "<text>x</text>")
        #expect(result.diagnostics.errors.map(\.message).contains(message), "got: \(TestApp.rendered(result))")
        #expect(result.diagnostics.errors.first?.location?.hasPrefix("manifest.json:") == true)
    }

    @Test("a manifest's translations: name and description per language, absent ones left to English")
    func localized() throws {
        let result = TestApp.load(
            manifest: TestApp.manifest(
                extra: #", "description": "Test", "localized": {"zh": {"name": "测试", "description": "测试用"}, "en": {}}"#
            ), markup: "<text>x</text>")
        let manifest = try #require(result.program?.manifest)
        #expect(manifest.localized["zh"] == Manifest.Translation(name: "测试", description: "测试用"))
        #expect(manifest.localized["en"] == Manifest.Translation(name: nil, description: nil))
    }

    @Test("a missing manifest, a missing page, and unused files")
    func packageShape() {
        #expect(
            MiniProgram.load(PackageFiles([:])).diagnostics.errors.first?.message == "the package has no manifest.json")
        let missing = MiniProgram.load(
            TestApp.files(manifest: TestApp.manifest(pages: ["index", "about"]), ["pages/index.mml": "<text>x</text>"]))
        #expect(
            missing.diagnostics.errors.first?.message
                == "page 'about' is listed in the manifest but pages/about.mml does not exist")
        let extra = MiniProgram.load(TestApp.files(["pages/index.mml": "<text>x</text>", "notes.txt": "hi"]))
        #expect(extra.program != nil)
        #expect(
            extra.diagnostics.warnings.first?.message == "'notes.txt' is not used by any page listed in the manifest")
    }
}

struct LogicErrorCascadeTests {
    @Test("a logic syntax error is reported alone, not as a cascade of unknown names")
    func noCascade() {
        let result = TestApp.load(
            markup: "<button bindtap=\"go\">{{ a }} {{ b }}</button>",
            logic: "data { a: 1, b: 2 } handler go { sett a = 2 }")
        #expect(result.diagnostics.errors.map(\.message) == ["unknown action 'sett'"])
    }
}
