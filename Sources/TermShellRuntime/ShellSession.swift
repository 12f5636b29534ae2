import Catalog
import CatalogAPI
import Foundation
import MiniKit
import MiniSupport
import ShellAgent
import TermShell

/// Connects the screens to the sync agent: starts an agent for the signed-in user and turns what it does
/// into actions for the TUI loop (the service list, the sync state, notices of recalls).
public final class ShellSession: @unchecked Sendable {
    /// Where the catalog comes from.
    public struct Configuration: Sendable {
        public var server: String
        public var hostId: String
        public var hostKey: String
        /// The host's user-signing key: the demo's sign-in plays the host's backend and vouches for the
        /// signed-in customer (their id and properties from the demo bank).
        public var userSigningKey: SigningKey
        public var serverKeys: [VerificationKey]
        public var dataDirectory: URL
        /// Replies for mini-programs' network requests, by `"METHOD URL"` or `"URL"` (the demo has no partner
        /// servers).
        public var fixtures: [String: MiniValue]

        public init(
            server: String, hostId: String, hostKey: String, userSigningKey: SigningKey, serverKeys: [VerificationKey],
            dataDirectory: URL, fixtures: [String: MiniValue] = [:]
        ) {
            self.userSigningKey = userSigningKey
            self.fixtures = fixtures
            self.server = server
            self.hostId = hostId
            self.hostKey = hostKey
            self.serverKeys = serverKeys
            self.dataDirectory = dataDirectory
        }
    }

    let configuration: Configuration
    private let transport: any CatalogTransport
    let store: ShellStore
    let lock = NSLock()
    /// Each customer's wrong PINs since signing in.
    let payments = PaymentLocks()
    private var pending: [ShellAction] = []
    private var tasks: [Task<Void, Never>] = []
    private var status: ShellState.SyncStatus = .syncing
    /// Names of the services this session has listed: a recall's notice names the service even when the
    /// catalog that no longer lists it arrived first.
    private var names: [String: ShellState.Text] = [:]
    /// The agent's latest events, newest first, for the QA panel.
    var recent: [(at: String, kind: String, detail: String)] = []
    /// The agent of the signed-in user, for launches.
    public private(set) var agent: SyncAgent?
    private var currentDemoUser: DemoBank.User?
    var currentUser: String? { currentDemoUser?.id }
    /// Identifies the running container's news: a closed one's late frames must not reopen its screen.
    private final class ContainerTicket: Sendable {}
    /// The running mini-program's container, with the ticket its news carry.
    private var running: (host: ContainerHost, ticket: ContainerTicket)?
    private var container: ContainerHost? { running?.host }
    private let loader = ProgramLoader()
    /// Raised by every start and stop: news from an agent of an earlier sign-in are dropped.
    private var generation = 0

    public init(configuration: Configuration, transport: any CatalogTransport) throws {
        self.configuration = configuration
        self.transport = transport
        store = try ShellStore(directory: configuration.dataDirectory)
        // Refused now, not at the first sign-in: with no key to verify the catalog by, the shell could only
        // pretend to be offline.
        if configuration.serverKeys.isEmpty, try store.knownKeyIDs().isEmpty { throw AgentError.noTrustedKey }
    }

    /// Actions that arrived since the last call (the loop asks every turn).
    public func drain() -> [ShellAction] {
        lock.withLock {
            defer { pending.removeAll() }
            return pending
        }
    }

    /// Starts syncing for a user (stopping the previous user's agent).
    public func start(_ user: DemoBank.User) throws {
        stop()
        let agent = try SyncAgent(
            configuration: AgentConfiguration(
                server: configuration.server, hostId: configuration.hostId, hostKey: configuration.hostKey,
                userId: user.id,
                userAssertion: .signer(configuration.userSigningKey, properties: user.properties),
                trustedKeys: configuration.serverKeys),
            transport: transport, store: store,
            recall: { [weak self] app, _ in await self?.recalled(app) })
        self.agent = agent
        currentDemoUser = user
        payments.signedIn(user.id)
        lock.withLock { status = .syncing }
        postStoreViews(for: user.id, status: .syncing)
        postPayments(for: user.id)
        postShortcuts(for: user.id)
        let current = lock.withLock {
            generation += 1
            return generation
        }
        let events = Task { [weak self] in
            for await event in agent.events {
                guard let self, self.lock.withLock({ self.generation == current }) else { return }
                self.observe(event, user: user.id)
            }
        }
        let runner = Task { await agent.run() }
        lock.withLock { tasks = [events, runner] }
    }

    /// Stops the current agent.
    public func stop() {
        // Signed out first: the closing mini-program's settings belong to nobody now.
        currentDemoUser = nil
        close()
        let running = lock.withLock {
            defer { tasks.removeAll() }
            return tasks
        }
        for task in running { task.cancel() }
        lock.withLock { generation += 1 }
        agent = nil
    }

    private func post(_ action: ShellAction) {
        lock.withLock { pending.append(action) }
    }

    /// News from a container, dropped once it is no longer the running one (closed, or replaced).
    private func post(_ action: ShellAction, from ticket: ContainerTicket) {
        lock.withLock {
            guard running?.ticket === ticket else { return }
            pending.append(action)
        }
    }

    private func observe(_ event: AgentEvent, user: String) {
        var status = lock.withLock { self.status }
        defer { lock.withLock { self.status = status } }
        // Read once for everything this event refreshes (decoding the stored catalog is not free).
        let read = read(user)
        let catalog = read.catalog
        switch event {
        case .enrolled:
            break
        case .synced, .acknowledged, .connected:
            // A stored catalog past its time stays expired until a fresh one is synced: reconnecting alone (the
            // stream is back before the catalog is fetched again) does not make it current.
            if let catalog {
                status =
                    Date() > catalog.launchableUntil
                    ? .expired
                    : .current(
                        version: catalog.snapshot.catalogVersion, expires: LocalTime.clock(catalog.launchableUntil))
            }
        case .disconnected(let reason):
            // Expired stays expired; otherwise say so, with how long the services it holds still open.
            if status != .expired {
                status = .disconnected(reason: reason, expires: catalog.map { LocalTime.clock($0.launchableUntil) })
            }
        case .expired:
            status = .expired
        case .purged(let appId, let reason, _):
            if let notice = try? store.notices().first(where: { $0.appId == appId && !$0.seen }) {
                try? store.markNoticeSeen(notice.id)
            }
            let name =
                catalog?.snapshot.entries.first { $0.appId == appId }.map(Self.name) ?? lock.withLock { names[appId] }
                ?? ShellState.Text(appId)
            post(.notice(ShellState.Notice(service: name, reason: reason)))
        case .installed, .refused, .keyRotated, .reported:
            break
        }
        // A delivered batch of reports (after nearly every close) changes only the event log.
        let logOnly = if case .reported = event { true } else { false }
        if let catalog, !logOnly {
            lock.withLock { for entry in catalog.snapshot.entries { names[entry.appId] = Self.name(entry) } }
            post(.brand(catalog.snapshot.brand.map(Self.brand)))
        }
        if !logOnly { post(.catalog(services(read, user: user), status)) }
        lock.withLock {
            recent.insert((LocalTime.clock(Date(), seconds: true), event.name, Self.summary(event)), at: 0)
            if recent.count > 12 { recent.removeLast() }
        }
        post(.diagnostics(diagnostics(read)))
        if !logOnly { post(.settings(settings(for: user, read))) }
    }

    /// Carries out an effect of the reducer; `screen` is the terminal's size (the container's page gets
    /// ``ShellState/pageArea(width:height:)`` of it). Returns a problem to report, if any.
    @discardableResult
    public func carryOut(_ effect: ShellEffect, screen: (width: Int, height: Int)) -> String? {
        switch effect {
        case .signedIn(let user):
            do {
                try start(user)
            } catch {
                return "\(error)"
            }
        case .signedOut: stop()
        case .setPermission, .clearCache: perform(effect)
        case .refreshSettings:
            if let user = currentUser { post(.settings(settings(for: user, read(user)))) }
        case .open(let appId): open(appId, screen: screen)
        case .input(let input): self.input(input)
        case .answer(let answer): self.answer(answer)
        case .close: close()
        case .reload:
            if let appId = lock.withLock({ container?.appId }) {
                close()
                open(appId, screen: screen)
            }
        case .resized(let width, let height):
            let page = ShellState.pageArea(width: width, height: height)
            lock.withLock { container }?.resize(width: page.width, height: page.height)
        case .setFavourite(let appId, let favourite):
            if let user = currentUser {
                try? store.setFavourite(user: user, app: appId, favourite, at: Date())
                postShortcuts(for: user)
            }
        case .complain(let appId, let reason, let text):
            complain(appId, reason: reason, text: text)
        case .quit: break
        }
        return nil
    }

    /// Opens a mini-program for the signed-in user, on a screen of this size.
    public func open(_ appId: String, screen: (width: Int, height: Int)) {
        let (width, height) = ShellState.pageArea(width: screen.width, height: screen.height)
        guard let agent, let user = currentDemoUser else {
            post(.refused(.noServer))
            return
        }
        Task {
            var decision = await agent.launch(appId)
            // Still checking the service list (the first sync after sign-in): wait for it, briefly.
            for _ in 0..<50 {
                guard case .failure(.notSynced) = decision else { break }
                try? await Task.sleep(for: .milliseconds(100))
                decision = await agent.launch(appId)
            }
            // Listed but not downloaded yet: download, verify and install it now (a cold launch).
            if case .failure(.notInstalled) = decision, await agent.installNow(appId) {
                decision = await agent.launch(appId)
            }
            switch decision {
            case .failure(let refusal):
                self.post(.refused(Self.refusal(refusal)))
            case .success(let ticket):
                switch self.loader.program(for: ticket) {
                case .failure(let refusal): self.post(.refused(Self.refusal(refusal)))
                case .success(let program):
                    let news = ContainerTicket()
                    let host = ContainerHost(
                        program: program, entry: ticket.entry, user: user, store: self.store,
                        hostId: self.configuration.hostId, fixtures: self.configuration.fixtures,
                        payments: self.payments, width: width, height: height,
                        paymentsChanged: { [weak self] locked in
                            guard let self else { return }
                            if locked {
                                self.post(.settings(self.settings(for: user.id, self.read(user.id))))
                            } else {
                                self.postPayments(for: user.id)
                            }
                        }
                    ) { [weak self] action in self?.post(action, from: news) }
                    try? self.store.recordOpened(user: user.id, app: appId, at: Date())
                    self.postShortcuts(for: user.id)
                    await self.replaceContainer(with: host, ticket: news)
                    await host.run()
                }
            }
        }
    }

    /// A key for the running mini-program.
    public func input(_ input: ContainerInput) {
        lock.withLock { container }?.press(input)
    }

    /// The user answered the running mini-program's dialog.
    public func answer(_ answer: DialogAnswer) {
        lock.withLock { container }?.answer(answer)
    }

    /// Closes the running mini-program.
    public func close() {
        guard
            let host = lock.withLock({ () -> ContainerHost? in
                defer { running = nil }
                return container
            })
        else { return }
        Task { await host.close() }
        // What the mini-program did goes to the platform now, not at the next acknowledgement.
        if let agent { Task { await agent.sendReports() } }
        post(.containerClosed)
        // What the mini-program changed (consents, storage) shows in settings.
        if let user = currentUser { post(.settings(settings(for: user, read(user)))) }
    }

    private func replaceContainer(with host: ContainerHost, ticket: ContainerTicket) async {
        let previous = lock.withLock { () -> ContainerHost? in
            defer { running = (host, ticket) }
            return container
        }
        await previous?.close()
    }

    /// A recall: the running instance of that mini-program closes before its files are deleted.
    private func recalled(_ appId: String) async {
        loader.forget(appId: appId)
        guard let host = lock.withLock({ container }), host.appId == appId else { return }
        close()
    }

    private func openContainer(_ appId: String) -> ContainerHost? {
        lock.withLock { container }.flatMap { $0.appId == appId ? $0 : nil }
    }

    /// Carries out what the settings screen asks for.
    public func perform(_ effect: ShellEffect) {
        guard let user = currentUser else { return }
        switch effect {
        case .setPermission(let app, let scope, let granted):
            try? store.setConsent(user: user, app: app, scope: scope, granted: granted)
            // An open mini-program has the answer at its next call, not at its next launch.
            openContainer(app)?.consentChanged(scope: scope, granted: granted)
        case .clearCache:
            let packages = try? PackageCache(dataDirectory: configuration.dataDirectory)
            for sha in (try? store.forgetInstalled()) ?? [] { packages?.remove(sha) }
            if let agent { Task { await agent.sync() } }
        default:
            return
        }
        postStoreViews(for: user, status: lock.withLock { status })
    }

    /// Settings and the service list, from one read of the store.
    private func postStoreViews(for user: String, status: ShellState.SyncStatus) {
        let read = read(user)
        post(.settings(settings(for: user, read)))
        post(.catalog(services(read, user: user), status))
    }

    /// The customer's favourite and recently used services, for home.
    private func postShortcuts(for user: String) {
        post(
            .shortcuts(
                favourites: (try? store.favourites(user: user)) ?? [], recents: (try? store.recents(user: user)) ?? []))
    }

    /// Queues a complaint about a mini-program for the platform and tries to send it at once; the customer
    /// hears whether the bank has it or will when the shell is online.
    private func complain(_ appId: String, reason: ComplaintForm.Reason, text: String) {
        guard let agent, let user = currentUser, let kind = DeviceReports.Complaint.Reason(rawValue: reason.rawValue)
        else { return }
        let version = (try? store.catalog(host: configuration.hostId, user: user))?.snapshot.entries.first {
            $0.appId == appId
        }?.version
        let complaint = DeviceReports.Complaint(
            id: UUID().uuidString.lowercased(), appId: appId, version: version, reason: kind,
            text: String(text.prefix(DeviceReports.Complaint.maximumText)), at: Date())
        do {
            try store.queueComplaint(complaint, host: configuration.hostId)
        } catch {
            post(.notify(.complaintFull))
            return
        }
        Task {
            await agent.sendReports()
            let waiting = (try? self.store.waitingComplaints(host: self.configuration.hostId)) ?? 1
            self.post(.notify(waiting == 0 ? .complaintSent : .complaintQueued))
        }
    }

    /// The customer's payments, for home's balances and history.
    private func postPayments(for user: String) {
        let payments = ((try? store.payments(user: user)) ?? []).map { payment in
            DemoBank.Payment(
                account: payment.account,
                transaction: DemoBank.Transaction(
                    date: payment.day, text: payment.text, textZh: payment.text, amount: -payment.amount))
        }
        post(.payments(payments))
    }

    /// The agent's refusal, for the screens to word in their language (times as local `HH:mm`).
    static func refusal(_ refusal: LaunchRefusal) -> ShellState.Refusal {
        switch refusal {
        case .delisted(let reason): .delisted(reason: reason)
        case .expired(let since): .expired(at: LocalTime.clock(since))
        case .notSynced: .notSynced
        case .notListed: .notListed
        case .notInstalled: .notInstalled
        case .verificationFailed(let detail): .verificationFailed(detail)
        }
    }
}
