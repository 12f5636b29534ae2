import Catalog
import Foundation
import MiniKit
import MiniSupport
import ShellAgent
import Synchronization
import TermShell

/// Runs one mini-program for the screens: MiniKit's runtime driven through a host bridge whose consent,
/// payment and modal questions become dialogs on screen and wait for the user's answer.
actor ContainerHost {
    let appId: String
    private let about: [String]
    private var runtime: MiniProgramRuntime
    private let bridge: ShellBridge
    private let post: @Sendable (ShellAction) -> Void
    private var closed = false
    /// Keys in the order they were pressed, handled one at a time.
    /// What the running mini-program is told, in order: keys, and permissions changed in settings.
    private enum Message {
        case input(RuntimeInput)
        case consent(HostAPI.Scope, granted: Bool?)
    }

    private nonisolated let keys: AsyncStream<Message>.Continuation
    private let queue: AsyncStream<Message>

    init(
        program: MiniKit.MiniProgram, entry: CatalogEntry, user: DemoBank.User, store: ShellStore,
        fixtures: [String: MiniValue], ledger: PaymentLedger,
        width: Int, height: Int, post: @escaping @Sendable (ShellAction) -> Void
    ) {
        appId = entry.appId
        about = [
            "\(entry.name) \(entry.version)", "sha256 \(entry.package.sha256.prefix(12))",
            "scopes: \(entry.grantedScopes.isEmpty ? "-" : entry.grantedScopes.joined(separator: ", "))",
            "domains: \(entry.grantedDomains.isEmpty ? "-" : entry.grantedDomains.joined(separator: ", "))",
        ]
        self.post = post
        let consents = ((try? store.consents(user: user.id)) ?? []).filter { $0.app == entry.appId }
        var remembered: [HostAPI.Scope: Bool] = [:]
        for consent in consents {
            if let scope = HostAPI.Scope(rawValue: consent.scope) { remembered[scope] = consent.granted }
        }
        let policy = SandboxPolicy(
            grantedScopes: Set(entry.grantedScopes.compactMap(HostAPI.Scope.init(rawValue:))),
            grantedDomains: Set(entry.grantedDomains), consents: remembered,
            openId: entry.openId)
        let storage = ShellStorage(store: store, user: user.id, app: entry.appId)
        runtime = MiniProgramRuntime(
            program: program, policy: policy, storage: storage, width: width, height: max(1, height))
        bridge = ShellBridge(
            appId: entry.appId, appName: entry.name, user: user, store: store, storage: storage, fixtures: fixtures,
            ledger: ledger, post: post)
        (queue, keys) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingOldest(256))
    }

    /// Queues a key; keys are handled in order after the current step (and its dialog) is done.
    nonisolated func press(_ input: RuntimeInput) { keys.yield(.input(input)) }

    /// A permission changed in settings while the mini-program runs: it holds from its next call (nil: ask again).
    nonisolated func consentChanged(scope: String, granted: Bool?) {
        guard let scope = HostAPI.Scope(rawValue: scope) else { return }
        keys.yield(.consent(scope, granted: granted))
    }

    /// Opens the entry page, then handles queued keys until closed.
    func run() async {
        await step { runtime in runtime.start() }
        for await message in queue {
            guard !closed else { break }
            switch message {
            case .input(let input): await step { runtime in runtime.handle(input) }
            case .consent(let scope, let granted): runtime.setConsent(scope, granted: granted)
            }
        }
    }

    /// One step of the runtime and the host's answers to it, on a copy written back at the end (the actor
    /// is re-entered while a dialog waits).
    private func step(_ body: (inout MiniProgramRuntime) -> [RuntimeEffect]) async {
        guard !closed else { return }
        var copy = runtime
        let effects = body(&copy)
        if !effects.isEmpty {
            // The page as it stands while the host answers (a dialog may wait for the user).
            show(copy)
            await BridgeDriver.drain(effects, runtime: &copy, bridge: bridge) { [bridge] in bridge.isOpen }
        }
        runtime = copy
        show(copy)
    }

    /// The user answered the dialog.
    nonisolated func answer(confirmed: Bool, pin: String?) { bridge.answer(confirmed: confirmed, pin: pin) }

    /// Stops drawing (closed by the user or a recall): a dialog waiting for an answer goes away unanswered, and
    /// none of the mini-program's handlers runs again.
    func close() {
        closed = true
        keys.finish()
        bridge.shut()
    }

    private func show(_ runtime: MiniProgramRuntime) {
        guard !closed else { return }
        if bridge.wasClosed {
            closed = true
            post(.containerClosed)
            return
        }
        let title = runtime.currentPage?.title(appName: runtime.program.manifest.name) ?? runtime.program.manifest.name
        post(
            .container(
                ShellState.Container(
                    appId: appId, title: title, canGoBack: runtime.stack.count > 1, page: runtime.screen(),
                    about: about)))
    }
}

/// The host side of the bridge: dialogs through the screens, storage and consents in the shell's store,
/// network replies from the demo's fixtures (the partners' own servers are not part of this system).
final class ShellBridge: HostBridge {
    private let appId: String
    private let appName: String
    private let user: DemoBank.User
    private let store: ShellStore
    private let storage: ShellStorage
    private let fixtures: [String: MiniValue]
    private let ledger: PaymentLedger
    private let post: @Sendable (ShellAction) -> Void
    private struct State {
        var waiting: CheckedContinuation<(Bool, String?), Never>?
        var closedByApp = false
        var shutByHost = false
    }

    private let state = Mutex(State())

    init(
        appId: String, appName: String, user: DemoBank.User, store: ShellStore, storage: ShellStorage,
        fixtures: [String: MiniValue], ledger: PaymentLedger, post: @escaping @Sendable (ShellAction) -> Void
    ) {
        self.appId = appId
        self.appName = appName
        self.user = user
        self.store = store
        self.storage = storage
        self.fixtures = fixtures
        self.ledger = ledger
        self.post = post
    }

    var wasClosed: Bool { state.withLock { $0.closedByApp } }

    /// False once the host closed the mini-program: it asks, shows and stores nothing more.
    var isOpen: Bool { state.withLock { !$0.shutByHost } }

    /// The host closed the mini-program: a waiting dialog ends unanswered (not as the user's "no").
    func shut() {
        let continuation = state.withLock { state -> CheckedContinuation<(Bool, String?), Never>? in
            state.shutByHost = true
            defer { state.waiting = nil }
            return state.waiting
        }
        continuation?.resume(returning: (false, nil))
    }

    /// Shows a dialog and waits for the user.
    private func ask(_ dialog: ShellState.Dialog) async -> (Bool, String?) {
        await withCheckedContinuation { continuation in
            let (previous, open) = state.withLock {
                state -> (CheckedContinuation<(Bool, String?), Never>?, Bool) in
                guard !state.shutByHost else { return (nil, false) }
                defer { state.waiting = continuation }
                return (state.waiting, true)
            }
            previous?.resume(returning: (false, nil))
            guard open else { return continuation.resume(returning: (false, nil)) }
            post(.dialog(appId: appId, dialog))
        }
    }

    func answer(confirmed: Bool, pin: String?) {
        let continuation = state.withLock { state -> CheckedContinuation<(Bool, String?), Never>? in
            defer { state.waiting = nil }
            return state.waiting
        }
        continuation?.resume(returning: (confirmed, pin))
    }

    func consent(to scope: HostAPI.Scope, reason: String, app: Manifest) async -> Bool {
        let (granted, _) = await ask(.consent(app: appName, scope: scope.rawValue, reason: reason))
        // Closed while asking is no answer: nothing is remembered.
        guard isOpen else { return false }
        try? store.setConsent(user: user.id, app: appId, scope: scope.rawValue, granted: granted)
        return granted
    }

    func confirmPayment(_ request: PaymentRequest, app: Manifest) async -> Result<MiniValue, BridgeError> {
        let yuan = request.currency == "CNY"
        let amount = yuan ? DemoBank.money(request.amount) : "\(request.currency) \(Amount.grouped(request.amount))"
        let (confirmed, pin) = await ask(
            .payment(app: appName, amount: amount, payee: request.payee, description: request.description, pin: ""))
        guard confirmed, let pin, pin.count == ShellReducer.pinLength, isOpen else {
            return .failure(BridgeError(code: "cancelled", message: "the customer cancelled the payment"))
        }
        // The demo bank accepts any six digits (the mini-program never sees them) and pays yuan from the
        // customer's first account while it holds enough; a typed user without accounts pays from nowhere.
        if yuan, let account = user.accounts.first {
            guard ledger.pay(request.amount, user: user.id, balance: account.balance) else {
                post(.toast("\(amount) → \(request.payee): \(account.name) (\(account.number)) does not hold enough"))
                return .failure(
                    BridgeError(code: "declined", message: "the bank declined the payment: not enough money"))
            }
            let text = request.description.isEmpty ? request.payee : "\(request.payee), \(request.description)"
            post(
                .paid(
                    DemoBank.Transaction(date: LocalTime.day(Date()), text: text, textZh: text, amount: -request.amount)
                ))
        }
        return .success(["transactionId": .string("T" + String(UInt32.random(in: 100_000...999_999)))])
    }

    func send(_ request: NetworkRequest) async -> Result<MiniValue, BridgeError> {
        guard let body = fixtures["\(request.method) \(request.url)"] ?? fixtures[request.url] else {
            return .failure(
                BridgeError(code: "network", message: "no reply from \(request.host) in this demo (no fixture)"))
        }
        return .success(["status": 200, "body": body])
    }

    func hostData(_ api: HostAPI, app: Manifest) async -> Result<MiniValue, BridgeError> {
        switch api {
        case .userProfile: return .success(["nickname": .string(user.name), "avatar": ""])
        case .userPhone: return .success(["phone": "13800001002"])
        case .locationGet:
            return .success([
                "latitude": 31.2304, "longitude": 121.4737, "city": .string(user.properties["region"] ?? ""),
            ])
        default: return .failure(BridgeError(code: "failed", message: "\(api.rawValue) is not host data"))
        }
    }

    func showToast(_ message: String) async { if isOpen { post(.toast(message)) } }

    func showModal(title: String, content: String, confirmText: String, cancelText: String?) async -> Bool {
        await ask(.modal(title: title, content: content, confirm: confirmText, cancel: cancelText)).0
    }

    func audit(_ record: AuditRecord) async {}

    func report(code: String, message: String) async { if isOpen { post(.toast("\(appName): \(message)")) } }

    func close() async { state.withLock { $0.closedByApp = true } }

    func persist(_ change: StorageChange) async {
        guard isOpen else { return }
        storage.apply(change)
    }
}

/// A mini-program's key–value storage in the shell's store, per user.
final class ShellStorage: MiniStorage {
    private let store: ShellStore
    private let user: String
    private let app: String

    init(store: ShellStore, user: String, app: String) {
        self.store = store
        self.user = user
        self.app = app
    }

    func load() -> [String: MiniValue] {
        var values: [String: MiniValue] = [:]
        for (key, text) in (try? store.storageEntries(user: user, app: app)) ?? [] {
            if let value = try? MiniValue.parse(Data(text.utf8)) { values[key] = value }
        }
        return values
    }

    /// A refused write (the mini-program was recalled meanwhile) is dropped: its data is gone for good.
    func apply(_ change: StorageChange) {
        switch change {
        case .set(let key, let value):
            try? store.setStorageValue(value.serialized(), user: user, app: app, key: key)
        case .remove(let key):
            try? store.setStorageValue(nil, user: user, app: app, key: key)
        case .clear:
            for (key, _) in (try? store.storageEntries(user: user, app: app)) ?? [] {
                try? store.setStorageValue(nil, user: user, app: app, key: key)
            }
        }
    }
}
