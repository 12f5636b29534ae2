import Foundation
import MiniSupport
import Synchronization
import TerminalCells
import Testing

@testable import MiniKit

/// Where focus goes when the focused control stops taking it for a while.
struct FocusTests {
    @Test("a button disabled while its request runs gets focus back afterwards, unless the user moved meanwhile")
    func focusReturns() throws {
        let loaded = TestApp.load(
            manifest: TestApp.manifest(permissions: [("network", "Load data")], domains: ["api.good.example"]),
            markup: """
                <column>
                  <button bindtap="pay" disabled="{{ paying }}">Pay</button>
                  <navigator open-type="back">Back</navigator>
                </column>
                """,
            logic: """
                data { paying: false }
                handler pay {
                  set paying = true
                  call network.request { url: "https://api.good.example/pay" } success { set paying = false } fail { set paying = false }
                }
                """)
        let program = try #require(loaded.program, "\(TestApp.rendered(loaded))")
        let policy = SandboxPolicy(
            grantedScopes: [.network], grantedDomains: ["api.good.example"], consents: [:],
            openId: "open-u1")
        var runtime = MiniProgramRuntime(
            program: program, policy: policy, storage: InMemoryStorage(), width: 40, height: 10)
        _ = runtime.start()
        func focused() -> String? {
            runtime.layout(runtime.currentPage!).focusables.first { $0.identity == runtime.currentPage?.focus }?.node
                .text
        }
        #expect(focused() == "Pay")
        guard case .network(let call, _)? = runtime.handle(.activate).last else {
            Issue.record("expected a network request")
            return
        }
        #expect(focused() == "Back", "Pay is disabled while paying")
        _ = runtime.complete(call, with: .failure(BridgeError(code: "network", message: "down")))
        #expect(focused() == "Pay", "Pay takes focus again")

        let effect = runtime.handle(.activate).last
        guard case .network(let again, _)? = effect else {
            Issue.record("expected .network, got \(String(describing: effect))")
            return
        }
        _ = runtime.handle(.focusPrevious)
        _ = runtime.complete(again, with: .failure(BridgeError(code: "network", message: "down")))
        #expect(focused() == "Back", "the user moved: focus stays where they put it")
    }
}

/// Focus order: Tab wraps, and focus follows the first element until the customer chooses one.
struct FocusOrderTests {
    static func runtime(_ markup: String, _ logic: String) throws -> MiniProgramRuntime {
        let loaded = TestApp.load(markup: markup, logic: logic)
        let program = try #require(loaded.program, "\(TestApp.rendered(loaded))")
        return MiniProgramRuntime(
            program: program, policy: SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "x"),
            storage: InMemoryStorage(), width: 40, height: 12)
    }

    static func focused(_ runtime: MiniProgramRuntime) -> String? {
        runtime.layout(runtime.currentPage!).focusables.first { $0.identity == runtime.currentPage?.focus }?.node.text
    }

    @Test("Tab past the last element comes back to the first, and back past the first to the last")
    func wraps() throws {
        var runtime = try Self.runtime(
            "<column><button bindtap='a'>A</button><button bindtap='b'>B</button></column>",
            "handler a { stop } handler b { stop }")
        _ = runtime.start()
        #expect(Self.focused(runtime) == "A")
        _ = runtime.handle(.focusNext)
        #expect(Self.focused(runtime) == "B")
        _ = runtime.handle(.focusNext)
        #expect(Self.focused(runtime) == "A", "wrapped")
        _ = runtime.handle(.focusPrevious)
        #expect(Self.focused(runtime) == "B", "wrapped back")
    }

    @Test("a list that appears above a button takes focus until the customer moves it; then focus stays put")
    func followsFirst() throws {
        var runtime = try Self.runtime(
            """
            <column>
              <navigator wx:for="{{ items }}" wx:key="id" url="index">{{ item.name }}</navigator>
              <button bindtap="load">Refresh</button>
            </column>
            """,
            "data { items: [] } handler load { set items = [{id: 1, name: 'First fund'}, {id: 2, name: 'Second fund'}] }"
        )
        _ = runtime.start()
        #expect(Self.focused(runtime) == "Refresh", "the only element")
        _ = runtime.handle(.activate)
        #expect(Self.focused(runtime) == "Refresh", "the customer used it: it keeps focus")
        // Prices arrive after the page opened, before any key: the list above the button takes focus.
        let loaded = TestApp.load(
            manifest: TestApp.manifest(permissions: [("network", "Load prices")], domains: ["api.good.example"]),
            markup: """
                <column>
                  <navigator wx:for="{{ items }}" wx:key="id" url="index">{{ item.name }}</navigator>
                  <button bindtap="load">Refresh</button>
                </column>
                """,
            logic: """
                data { items: [] }
                on load { call network.request { url: "https://api.good.example/funds" } success { set items = result.body } }
                handler load { stop }
                """)
        let program = try #require(loaded.program, "\(TestApp.rendered(loaded))")
        var fresh = MiniProgramRuntime(
            program: program,
            policy: SandboxPolicy(grantedScopes: [.network], grantedDomains: ["api.good.example"], openId: "x"),
            storage: InMemoryStorage(), width: 40, height: 12)
        guard case .network(let call, _)? = fresh.start().last else {
            Issue.record("expected the prices request")
            return
        }
        #expect(Self.focused(fresh) == "Refresh")
        _ = fresh.complete(call, with: .success(["status": 200, "body": [["id": 1, "name": "First fund"]]]))
        #expect(Self.focused(fresh) == "First fund", "the customer had not chosen: focus follows the first")
    }
}

/// The view is built and laid out once per key: reading focus, settling and drawing share one layout.
struct LayoutReuseTests {
    @Test("one layout per key, none for drawing a screen that did not change")
    func oneLayoutPerKey() throws {
        let result = MiniProgram.load(
            TestApp.files([
                "pages/index.mml":
                    "<column><input value=\"{{ name }}\" bindinput=\"typed\"/><button bindtap=\"go\">Go</button><text>{{ name }}</text></column>",
                "pages/index.logic": "data { name: '' } handler typed { set name = event.value } handler go { stop }",
            ]))
        let program = try #require(result.program, "\(result.diagnostics)")
        var runtime = MiniProgramRuntime(
            program: program, policy: SandboxPolicy(grantedScopes: [], grantedDomains: [], openId: "x"),
            storage: InMemoryStorage(), width: 40, height: 10)
        _ = runtime.start()
        _ = runtime.screen()
        // Opening the page chooses focus before laying it out: one layout, which the first screen reuses.
        let before = runtime.layouts.count.load(ordering: .relaxed)
        #expect(before == 1, "\(before) layouts to open the page and draw it")
        // Focus starts on the input.
        for key: RuntimeInput in [.character("a"), .character("b"), .focusNext, .focusPrevious, .character("c")] {
            _ = runtime.handle(key)
            _ = runtime.screen()
        }
        let perKey = runtime.layouts.count.load(ordering: .relaxed) - before
        #expect(perKey == 5, "\(perKey) layouts for 5 keys (one each, moving focus included)")
        #expect(runtime.screen().lines.contains { $0.contains("abc") }, "\(runtime.screen().lines)")
        let drawn = runtime.layouts.count.load(ordering: .relaxed)
        _ = runtime.screen()
        _ = runtime.screen()
        #expect(runtime.layouts.count.load(ordering: .relaxed) == drawn, "drawing again reuses the layout")
    }
}
