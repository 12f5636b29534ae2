import Catalog
import CatalogAPI
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
    private let about: ShellState.Container.About
    private var runtime: MiniProgramRuntime
    private let bridge: ShellBridge
    private let post: @Sendable (ShellAction) -> Void
    private var closed = false
    /// Keys in the order they were pressed, handled one at a time.
    /// What the running mini-program is told, in order: keys, and permissions changed in settings.
    private enum Message {
        case input(RuntimeInput)
        case consent(HostAPI.Scope, granted: Bool?)
        case resize(width: Int, height: Int)
    }

    private nonisolated let keys: AsyncStream<Message>.Continuation
    private let queue: AsyncStream<Message>

    init(
        program: MiniKit.MiniProgram, entry: CatalogEntry, user: DemoBank.User, store: ShellStore,
        hostId: String, fixtures: [String: MiniValue], payments: PaymentLocks, width: Int, height: Int,
        paymentsChanged: @escaping @Sendable (_ locked: Bool) -> Void, post: @escaping @Sendable (ShellAction) -> Void
    ) {
        appId = entry.appId
        about = ShellState.Container.About(
            name: ShellSession.name(entry),
            summary: ShellSession.summary(entry),
            partner: entry.partner, category: entry.category, version: entry.version.description,
            scopes: entry.grantedScopes, domains: entry.grantedDomains)
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
            entry: entry, hostId: hostId, user: user, store: store, storage: storage,
            fixtures: fixtures,
            payments: payments, paymentsChanged: paymentsChanged, post: post)
        (queue, keys) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingOldest(256))
    }

    /// Queues a key; keys are handled in order after the current step (and its dialog) is done.
    nonisolated func press(_ input: RuntimeInput) { keys.yield(.input(input)) }

    /// A permission changed in settings while the mini-program runs: it holds from its next call (nil: ask again).
    nonisolated func consentChanged(scope: String, granted: Bool?) {
        guard let scope = HostAPI.Scope(rawValue: scope) else { return }
        keys.yield(.consent(scope, granted: granted))
    }

    /// The page area changed size: the page is laid out again for it, after the keys before it.
    nonisolated func resize(width: Int, height: Int) { keys.yield(.resize(width: width, height: height)) }

    /// Opens the entry page, then handles queued keys until closed.
    func run() async {
        await step { runtime in runtime.start() }
        for await message in queue {
            guard !closed else { break }
            switch message {
            case .input(let input): await step { runtime in runtime.handle(input) }
            case .consent(let scope, let granted): runtime.setConsent(scope, granted: granted)
            case .resize(let width, let height):
                runtime.resize(width: width, height: height)
                show(runtime)
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
    nonisolated func answer(_ answer: DialogAnswer) { bridge.answer(answer) }

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
    /// The mini-program as the signed catalog lists it: its id, version, name and partner company.
    private let entry: CatalogEntry
    private let hostId: String
    private let user: DemoBank.User
    private let store: ShellStore
    private let storage: ShellStorage
    private let fixtures: [String: MiniValue]
    private let payments: PaymentLocks
    /// A payment was made (false: the balances and history change) or payments locked (true: settings show it).
    private let paymentsChanged: @Sendable (_ locked: Bool) -> Void
    private let post: @Sendable (ShellAction) -> Void
    private struct State {
        var waiting: CheckedContinuation<DialogAnswer, Never>?
        var closedByApp = false
        var shutByHost = false
    }

    private let state = Mutex(State())

    init(
        entry: CatalogEntry, hostId: String, user: DemoBank.User, store: ShellStore,
        storage: ShellStorage,
        fixtures: [String: MiniValue], payments: PaymentLocks,
        paymentsChanged: @escaping @Sendable (_ locked: Bool) -> Void,
        post: @escaping @Sendable (ShellAction) -> Void
    ) {
        self.entry = entry
        self.hostId = hostId
        self.user = user
        self.store = store
        self.storage = storage
        self.fixtures = fixtures
        self.payments = payments
        self.paymentsChanged = paymentsChanged
        self.post = post
    }

    var wasClosed: Bool { state.withLock { $0.closedByApp } }

    /// False once the host closed the mini-program: it asks, shows and stores nothing more.
    var isOpen: Bool { state.withLock { !$0.shutByHost } }

    /// The host closed the mini-program: a waiting dialog ends unanswered (not as the user's "no").
    func shut() {
        let continuation = state.withLock { state -> CheckedContinuation<DialogAnswer, Never>? in
            state.shutByHost = true
            defer { state.waiting = nil }
            return state.waiting
        }
        continuation?.resume(returning: .decided(false))
    }

    /// Shows a dialog and waits for the user.
    private func ask(_ dialog: ShellState.Dialog) async -> DialogAnswer {
        await withCheckedContinuation { continuation in
            let (previous, open) = state.withLock {
                state -> (CheckedContinuation<DialogAnswer, Never>?, Bool) in
                guard !state.shutByHost else { return (nil, false) }
                defer { state.waiting = continuation }
                return (state.waiting, true)
            }
            previous?.resume(returning: .decided(false))
            guard open else { return continuation.resume(returning: .decided(false)) }
            post(.dialog(appId: entry.appId, dialog))
        }
    }

    func answer(_ answer: DialogAnswer) {
        let continuation = state.withLock { state -> CheckedContinuation<DialogAnswer, Never>? in
            defer { state.waiting = nil }
            return state.waiting
        }
        continuation?.resume(returning: answer)
    }

    func consent(to scope: HostAPI.Scope, reason: String, app: Manifest) async -> Bool {
        let answer = await ask(
            .consent(
                ConsentDialog(
                    app: entry.name, partner: entry.partner, scope: scope.rawValue, reason: reason,
                    shared: shared(scope))))
        // Closed while asking is no answer: nothing is remembered.
        guard isOpen else { return false }
        let granted = answer == .decided(true)
        try? store.setConsent(user: user.id, app: entry.appId, scope: scope.rawValue, granted: granted)
        return granted
    }

    /// What a sensitive scope would give the mini-program, as the consent dialog shows it (masked).
    private func shared(_ scope: HostAPI.Scope) -> String? {
        switch scope {
        case .phoneNumber: user.phone.map(DemoBank.masked(phone:))
        case .userInfo: user.name
        case .location: user.properties["region"].map { $0.prefix(1).uppercased() + $0.dropFirst() }
        default: nil
        }
    }

    /// The host's payment: the customer chooses the account and types the PIN; a wrong PIN asks again with the
    /// tries left, and the third locks payments until the customer signs in again. The mini-program learns only
    /// that it was paid (a transaction id), or `cancelled`, `failed` or `locked`.
    func confirmPayment(_ request: PaymentRequest, app: Manifest) async -> Result<MiniValue, BridgeError> {
        guard !payments.isLocked(user.id) else {
            post(.notify(.paymentsLocked))
            return .failure(Self.locked)
        }
        // The demo bank pays yuan, from an account of the customer's.
        guard request.currency == "CNY", !user.accounts.isEmpty, user.pin != nil else {
            post(.notify(.noAccountToPay))
            return .failure(BridgeError(code: "failed", message: "The payment could not be made."))
        }
        let amount = DemoBank.money(request.amount)
        var dialog = PaymentDialog(
            app: entry.name, amount: amount, payee: request.payee, description: request.description, accounts: [])
        // Balances change only when a payment is made, which ends the dialog: read once.
        dialog.accounts = user.accounts.map { account in
            let paid = (try? store.paid(user: user.id, account: account.number)) ?? 0
            return PaymentDialog.Account(
                name: account.name, nameZh: account.nameZh, number: account.number,
                balance: DemoBank.money(account.balance - paid))
        }
        while true {
            dialog.pin = ""
            guard case .pay(let pin, let chosen) = await ask(.payment(dialog)), isOpen,
                user.accounts.indices.contains(chosen)
            else {
                return .failure(BridgeError(code: "cancelled", message: "You cancelled the payment."))
            }
            dialog.account = chosen
            switch payments.check(pin, user: user) {
            case .wrong(let left):
                dialog.note = .wrongPIN(triesLeft: left)
                continue
            case .locked:
                post(.notify(.paymentsLocked))
                paymentsChanged(true)
                return .failure(Self.locked)
            case .accepted:
                break
            }
            let account = user.accounts[chosen]
            let text = request.description.isEmpty ? request.payee : "\(request.payee), \(request.description)"
            let payment = ShellStore.Payment(
                account: account.number, day: LocalTime.day(Date()), text: text, amount: request.amount)
            guard (try? store.recordPayment(payment, user: user.id, openingBalance: account.balance)) == true else {
                dialog.note = .notEnough
                continue
            }
            paymentsChanged(false)
            return .success([
                "status": "paid", "transactionId": .string("T" + String(UInt32.random(in: 100_000...999_999))),
            ])
        }
    }

    private static let locked = BridgeError(
        code: "locked", message: "Payments are locked after three wrong PINs; sign in again to pay.")

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
        case .userPhone:
            guard let phone = user.phone else {
                return .failure(BridgeError(code: "failed", message: "No verified mobile number."))
            }
            return .success(["phone": .string(phone)])
        case .locationGet:
            return .success([
                "latitude": 31.2304, "longitude": 121.4737, "city": .string(user.properties["region"] ?? ""),
            ])
        default: return .failure(BridgeError(code: "failed", message: "\(api.rawValue) is not host data"))
        }
    }

    func showToast(_ message: String) async { if isOpen { post(.toast(message)) } }

    func showModal(title: String, content: String, confirmText: String, cancelText: String?) async -> Bool {
        await ask(.modal(title: title, content: content, confirm: confirmText, cancel: cancelText)) == .decided(true)
    }

    /// Counts sensitive and refused calls for the platform (the reports outbox, sent with acknowledgements):
    /// the scope or the refused domain, the outcome, the app version and the time. Nothing about the customer.
    func audit(_ record: AuditRecord) async {
        let scope = record.api.scope
        guard scope?.isSensitive == true || record.outcome != "allowed" else { return }
        let (kind, name): (DeviceReports.Activity.Kind, String) =
            if record.outcome == "domain-not-allowed", let target = record.target {
                (.domain, target)
            } else {
                (.scope, scope?.rawValue ?? record.api.rawValue)
            }
        try? store.recordActivity(
            host: hostId, appId: entry.appId, version: entry.version, kind: kind, name: name, outcome: record.outcome,
            at: Date())
    }

    func report(code: String, message: String) async { if isOpen { post(.toast("\(entry.name): \(message)")) } }

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
