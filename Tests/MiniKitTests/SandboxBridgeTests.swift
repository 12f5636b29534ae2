import Foundation
import MiniKitSimulator
import MiniSupport
import Testing

@testable import MiniKit

/// The sandbox rules, enforced on MiniKit's side of the bridge.
struct SandboxBridgeTests {
    static let manifest = TestApp.manifest(
        permissions: [
            ("storage", "Keep drafts"), ("network", "Load data"), ("userInfo", "Greet you"),
            ("payment", "Pay for orders"), ("openId", "Link your account"), ("location", "Find branches"),
        ],
        domains: ["api.good.example"])

    static let markup = """
        <column>
          <button bindtap="profile">profile</button>
          <button bindtap="store">store</button>
          <button bindtap="fetch">fetch</button>
          <button bindtap="pay">pay</button>
          <button bindtap="locate">locate</button>
          <button bindtap="deeper">deeper</button>
          <button bindtap="grow">grow</button>
          <button bindtap="who">who</button>
          <text>{{ log }}</text>
        </column>
        """

    static let logic = """
        data { log: "", target: "https://api.good.example/v1", size: 10, blob: "0123456789abcdef" }
        handler profile { call user.profile success { set log = "hi " + result.nickname } fail { set log = "profile: " + error.code } }
        handler store { call storage.set { key: "k", value: slice(blob, 0, size) } success { set log = "stored" } fail { set log = "store: " + error.code } }
        handler fetch { call network.request { url: target } success { set log = "fetched " + result.body.v } fail { set log = "fetch: " + error.code } }
        handler pay { call payment.request { amount: 12.345, payee: "Shop" } success { set log = "paid " + result.transactionId } fail { set log = "pay: " + error.code } }
        handler locate { call location.get success { set log = "at " + result.city } fail { set log = "locate: " + error.code } }
        handler deeper { navigate "index" }
        handler grow { set blob = [blob, blob, blob, blob] }
        handler who { call user.openId success { set log = result.openId } }
        """

    static func runtime(
        granted: Set<HostAPI.Scope>? = nil, domains: Set<String> = ["api.good.example"],
        consents: [HostAPI.Scope: Bool] = [:], quota: Int = 1024, storage: InMemoryStorage = InMemoryStorage(),
        openId: String? = "9f2c41d07e3b58a6c1d2e3f405a6b7c8"
    ) throws -> MiniProgramRuntime {
        let loaded = TestApp.load(manifest: manifest, markup: markup, logic: logic)
        let program = try #require(loaded.program, "\(TestApp.rendered(loaded))")
        let policy = SandboxPolicy(
            grantedScopes: granted ?? program.manifest.declaredScopes, grantedDomains: domains, consents: consents,
            openId: openId, storageQuota: quota)
        var runtime = MiniProgramRuntime(program: program, policy: policy, storage: storage, width: 60, height: 20)
        _ = runtime.start()
        return runtime
    }

    /// Focuses the button with this label and presses Enter.
    static func tap(_ label: String, _ runtime: inout MiniProgramRuntime) -> [RuntimeEffect] {
        for _ in 0..<20 { _ = runtime.handle(.focusPrevious) }
        for _ in 0..<20 {
            if let focus = runtime.currentPage?.focus,
                runtime.layout(runtime.currentPage!).focusables.first(where: { $0.identity == focus })?.node.text
                    == label
            {
                break
            }
            _ = runtime.handle(.focusNext)
        }
        return runtime.handle(.activate)
    }

    static func log(_ runtime: MiniProgramRuntime) -> String { runtime.currentPage?.data["log"]?.displayText ?? "" }

    static func audits(_ effects: [RuntimeEffect]) -> [String] {
        effects.compactMap {
            if case .audit(let record) = $0 { return "\(record.api.rawValue) \(record.outcome)" } else { return nil }
        }
    }

    @Test("a sensitive scope asks once; the answer is remembered and can be revoked")
    func consentOnce() throws {
        var runtime = try Self.runtime()
        let first = Self.tap("profile", &runtime)
        guard case .requestConsent(let id, .userInfo, "Greet you")? = first.first else {
            Issue.record("expected a consent request, got \(first)")
            return
        }
        let afterConsent = runtime.answerConsent(id, granted: true)
        guard case .hostData(let call, .userProfile)? = afterConsent.last else {
            Issue.record("expected a host data request, got \(afterConsent)")
            return
        }
        _ = runtime.complete(call, with: .success(["nickname": "Li"]))
        #expect(Self.log(runtime) == "hi Li")
        // Second time: no question.
        let second = Self.tap("profile", &runtime)
        #expect(!second.contains { if case .requestConsent = $0 { return true } else { return false } })
        // Revoked: asked again.
        runtime.revokeConsent(.userInfo)
        let third = Self.tap("profile", &runtime)
        #expect(third.contains { if case .requestConsent = $0 { return true } else { return false } })
    }

    @Test("denied consent takes the fail branch with consent-denied, and the host is told")
    func consentDenied() throws {
        var runtime = try Self.runtime()
        let effect = Self.tap("profile", &runtime).first
        guard case .requestConsent(let id, _, _)? = effect else {
            Issue.record("expected .requestConsent, got \(String(describing: effect))")
            return
        }
        let effects = runtime.answerConsent(id, granted: false)
        #expect(Self.log(runtime) == "profile: consent-denied")
        #expect(Self.audits(effects) == ["user.profile consent-denied"])
        // Remembered: refused at once next time.
        let again = Self.tap("profile", &runtime)
        #expect(Self.audits(again) == ["user.profile consent-denied"])
    }

    @Test("a declared scope the catalog did not grant is refused")
    func notGranted() throws {
        var runtime = try Self.runtime(granted: [.storage, .network])
        let effects = Self.tap("pay", &runtime)
        #expect(Self.log(runtime) == "pay: scope-not-granted")
        #expect(Self.audits(effects) == ["payment.request scope-not-granted"])
        #expect(!effects.contains { if case .confirmPayment = $0 { return true } else { return false } })
    }

    @Test("an undeclared scope is refused even if granted")
    func notDeclared() throws {
        var runtime = try Self.runtime()
        var program = runtime.program
        program.manifest.permissions.removeAll { $0.scope == .location }
        runtime = MiniProgramRuntime(
            program: program, policy: runtime.policy, storage: InMemoryStorage(), width: 60, height: 20)
        _ = runtime.start()
        _ = Self.tap("locate", &runtime)
        #expect(Self.log(runtime) == "locate: scope-not-declared")
    }

    @Test("payments go to the host; the mini-program learns only the outcome")
    func payment() throws {
        var runtime = try Self.runtime()
        let effects = Self.tap("pay", &runtime)
        guard case .confirmPayment(let id, let request)? = effects.last else {
            Issue.record("expected a payment confirmation, got \(effects)")
            return
        }
        #expect(request == PaymentRequest(amount: 12.35, currency: "CNY", payee: "Shop", description: ""))
        _ = runtime.complete(id, with: .success(["transactionId": "T1"]))
        #expect(Self.log(runtime) == "paid T1")
        let effect = Self.tap("pay", &runtime).last
        guard case .confirmPayment(let second, _)? = effect else {
            Issue.record("expected .confirmPayment, got \(String(describing: effect))")
            return
        }
        _ = runtime.complete(second, with: .failure(BridgeError(code: "cancelled", message: "no")))
        #expect(Self.log(runtime) == "pay: cancelled")
    }

    @Test(
        "network: only https to hosts both declared and granted",
        arguments: [
            ("https://api.good.example/v1", nil),
            ("https://api.evil.example/v1", "fetch: domain-not-allowed"),
            ("http://api.good.example/v1", "fetch: domain-not-allowed"),
            ("https://api.good.example@api.evil.example/", "fetch: domain-not-allowed"),
            ("https://API.GOOD.EXAMPLE:443/v1", nil),
        ] as [(String, String?)])
    func network(_ url: String, _ refusal: String?) throws {
        var runtime = try Self.runtime()
        runtime.setData("target", .string(url))
        let effects = Self.tap("fetch", &runtime)
        if let refusal {
            #expect(Self.log(runtime) == refusal)
            #expect(!effects.contains { if case .network = $0 { return true } else { return false } })
        } else {
            guard case .network(let id, let request)? = effects.last else {
                Issue.record("expected a request, got \(effects)")
                return
            }
            #expect(request.host == "api.good.example")
            _ = runtime.complete(id, with: .success(["body": ["v": 7]]))
            #expect(Self.log(runtime) == "fetched 7")
        }
    }

    @Test("a declared domain the catalog did not grant is refused (default deny)")
    func domainNotGranted() throws {
        var runtime = try Self.runtime(domains: [])
        _ = Self.tap("fetch", &runtime)
        #expect(Self.log(runtime) == "fetch: domain-not-allowed")
    }

    @Test("storage beyond the quota is refused and nothing is written")
    func quota() throws {
        let storage = InMemoryStorage()
        var runtime = try Self.runtime(quota: 40, storage: storage)
        storage.apply(Self.tap("store", &runtime))
        #expect(Self.log(runtime) == "stored")
        runtime.setData("size", 100)
        storage.apply(Self.tap("grow", &runtime))
        storage.apply(Self.tap("grow", &runtime))
        let refused = Self.tap("store", &runtime)
        #expect(Self.log(runtime) == "store: quota-exceeded")
        #expect(!refused.contains { if case .storage = $0 { true } else { false } }, "a refused write leaves nothing")
        storage.apply(refused)
        #expect(storage.snapshot["k"] == "0123456789")
    }

    @Test("storage writes leave as effects for the host; the runtime reads its own writes and starts from the host's")
    func storageThroughEffects() throws {
        let storage = InMemoryStorage(["k": "from the host"])
        var runtime = try Self.runtime(storage: storage)
        let effects = Self.tap("store", &runtime)
        #expect(effects.contains(.storage(.set(key: "k", value: "0123456789"))))
        #expect(storage.snapshot["k"] == "from the host", "nothing is written until the host persists the effect")
        #expect(runtime.storage["k"] == "0123456789", "the runtime works with its own copy at once")
        storage.apply(effects)
        #expect(storage.snapshot["k"] == "0123456789")
        let restarted = try Self.runtime(storage: storage)
        #expect(restarted.storage["k"] == "0123456789", "a new run starts from what the host kept")
    }

    @Test("the page stack stops at 10")
    func pageStack() throws {
        var runtime = try Self.runtime()
        var errors: [String] = []
        for _ in 0..<12 {
            for effect in Self.tap("deeper", &runtime) {
                if case .runtimeError(let code, _) = effect { errors.append(code) }
            }
        }
        #expect(runtime.stack.count == 10)
        #expect(errors.first == "limit.page-stack")
    }

    @Test("page data over 1 MiB is refused and the handler stops")
    func dataLimit() throws {
        var runtime = try Self.runtime()
        var errors: [String] = []
        for _ in 0..<12 {
            for effect in Self.tap("grow", &runtime) {
                if case .runtimeError(let code, _) = effect { errors.append(code) }
            }
        }
        #expect(errors.contains("limit.data-size"))
        #expect(MiniValue.object(runtime.currentPage!.data).approximateSize <= MiniKitLimits.maximumDataSize)
    }

    @Test("user.openId answers the id the catalog carries, and fails when the catalog carries none")
    func openId() throws {
        var runtime = try Self.runtime()
        _ = Self.tap("who", &runtime)
        #expect(Self.log(runtime) == "9f2c41d07e3b58a6c1d2e3f405a6b7c8")
        var without = try Self.runtime(openId: nil)
        let effects = Self.tap("who", &without)
        #expect(Self.log(without) != "9f2c41d07e3b58a6c1d2e3f405a6b7c8")
        #expect(
            effects.contains {
                if case .audit(let record) = $0 {
                    record.api == .userOpenId && record.outcome != "allowed"
                } else {
                    false
                }
            })
    }

    @Test("a late answer for a closed page is dropped")
    func lateAnswer() throws {
        var runtime = try Self.runtime()
        let effect = Self.tap("pay", &runtime).last
        guard case .confirmPayment(let id, _)? = effect else {
            Issue.record("expected .confirmPayment, got \(String(describing: effect))")
            return
        }
        _ = runtime.handle(.back)
        #expect(runtime.stack.isEmpty)
        #expect(runtime.complete(id, with: .success(["transactionId": "T"])).isEmpty)
    }

    /// A host whose user leaves while a payment is on screen.
    final class LeavingHost: HostBridge, @unchecked Sendable {
        private let lock = NSLock()
        private var open = true
        private var toasts: [String] = []
        var isOpen: Bool { lock.withLock { open } }
        var shown: [String] { lock.withLock { toasts } }
        func consent(to scope: HostAPI.Scope, reason: String, app: Manifest) async -> Bool { true }
        func confirmPayment(_ request: PaymentRequest, app: Manifest) async -> Result<MiniValue, BridgeError> {
            lock.withLock { open = false }
            return .failure(BridgeError(code: "cancelled", message: "closed"))
        }
        func send(_ request: NetworkRequest) async -> Result<MiniValue, BridgeError> {
            .failure(BridgeError(code: "network", message: "none"))
        }
        func hostData(_ api: HostAPI, app: Manifest) async -> Result<MiniValue, BridgeError> {
            .failure(BridgeError(code: "failed", message: "none"))
        }
        func showToast(_ message: String) async { lock.withLock { toasts.append(message) } }
        func showModal(title: String, content: String, confirmText: String, cancelText: String?) async -> Bool {
            false
        }
        func audit(_ record: AuditRecord) async {}
        func report(code: String, message: String) async {}
        func close() async {}
        func persist(_ change: StorageChange) async {}
    }

    @Test("once the host closes the mini-program, none of its handlers runs: a cancelled payment changes nothing")
    func closedHostRunsNothing() async throws {
        var runtime = try Self.runtime(consents: [.payment: true])
        let effects = Self.tap("pay", &runtime)
        let host = LeavingHost()
        await BridgeDriver.drain(effects, runtime: &runtime, bridge: host) { host.isOpen }
        #expect(Self.log(runtime) == "", "the fail branch ran after the host closed")
        var still = try Self.runtime(consents: [.payment: true])
        await BridgeDriver.drain(Self.tap("pay", &still), runtime: &still, bridge: LeavingHost())
        #expect(Self.log(still) == "pay: cancelled", "without isOpen the answer reaches the handler")
    }
}

extension MiniProgramRuntime {
    /// Test hook: changes a data field of the current page.
    mutating func setData(_ name: String, _ value: MiniValue) {
        guard var page = stack.last else { return }
        page.data[name] = value
        replaceTop(page)
    }

}
