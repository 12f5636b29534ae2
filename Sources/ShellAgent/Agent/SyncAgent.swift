import Catalog
import Foundation
import MiniKit

/// Keeps a shell's catalog current and carries out recalls: fetches and verifies the signed catalog, installs
/// only packages that match it, follows the signed event stream, and on a delisting closes the mini-program,
/// deletes its code and data, records a notice and acknowledges — before anything else.
///
/// One agent serves one (host, user); a user switch is a new agent over the same store.
public actor SyncAgent {
    public let configuration: AgentConfiguration
    public nonisolated let events: AsyncStream<AgentEvent>
    nonisolated let gate: LaunchGate
    let eventSink: AsyncStream<AgentEvent>.Continuation
    let transport: any CatalogTransport
    nonisolated let store: ShellStore
    nonisolated let packages: PackageCache
    let clock: any CatalogClock
    /// The pinned server keys; a verified rotation statement replaces a retired one.
    var trustedKeys: [VerificationKey]
    /// When the rotation statements were last fetched (at most once a minute, however many envelopes a
    /// hostile path answers with an unknown key).
    var lastRotationCheck = Date.distantPast
    /// The rotation fetch in flight, shared by every caller.
    var rotationCheck: Task<Bool, Never>?
    /// Server keys given at start that this shell does not pin: trusted only once a verified rotation from a
    /// pinned key leads to them (the operators rotated the key and name the new one; this shell was away).
    var awaitedKeys: [VerificationKey] = []
    /// This installation's key: it proves enrolment and signs acknowledgements.
    let deviceKey: SigningKey
    /// Set when the server says operations revoked this device; nothing more is asked of it.
    var revokedReason: String?
    let recall: @Sendable (String, String) async -> Void
    let purged: @Sendable (String) -> Void
    /// False until the first sync attempt after start has finished: no launch before tombstones are known.
    var ready = false
    var expiredReported = false
    var lastAcknowledged: (catalogVersion: UInt64, eventSequence: UInt64, installed: Int, at: Date)?
    /// The stored catalog, read once and then kept current in memory (decoding it is not free).
    var cachedCatalog: ShellStore.StoredCatalog??

    func currentCatalog() -> ShellStore.StoredCatalog? {
        if let cachedCatalog { return cachedCatalog }
        let loaded = try? store.catalog(host: configuration.hostId, user: configuration.userId)
        cachedCatalog = .some(loaded)
        return loaded
    }

    /// The sync in flight, shared by every caller.
    var syncing: Task<Bool, Never>?
    /// When the last catalog refresh was attempted (successful or not), to pace heartbeat refreshes.
    var lastRefreshAttempt = Date.distantPast

    /// A catalog refresh an event asked for, waiting for its jittered moment.
    var refresh: Task<Void, Never>?

    /// - Parameters:
    ///   - recall: called with (app id, reason) when a mini-program is delisted, before its files are
    ///     deleted: the host closes it if it is running.
    ///   - purged: called with the app id the moment its code and data are gone (benchmarks time it).
    public init(
        configuration: AgentConfiguration, transport: any CatalogTransport, store: ShellStore,
        clock: any CatalogClock = SystemClock(),
        recall: @escaping @Sendable (String, String) async -> Void = { _, _ in },
        purged: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.purged = purged
        self.configuration = configuration
        self.transport = transport
        self.store = store
        self.packages = try PackageCache(dataDirectory: store.directory)
        self.clock = clock
        self.recall = recall
        // The first key given is pinned; afterwards only the pinned keys are trusted (a key a rotation retired is
        // known, not trusted).
        let pinned = try store.pinnedKeys()
        let known = try store.knownKeyIDs()
        if known.isEmpty {
            guard !configuration.trustedKeys.isEmpty else { throw AgentError.noTrustedKey }
            try store.pin(configuration.trustedKeys)
            trustedKeys = configuration.trustedKeys
        } else {
            // A key given later is never added on its word (an attacker could give one): it must be reached
            // through the rotation statements from the pinned key.
            trustedKeys = pinned
            awaitedKeys = configuration.trustedKeys.filter { !known.contains($0.keyID) }
        }
        deviceKey = try store.deviceKey()
        (events, eventSink) = AsyncStream.makeStream(of: AgentEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        gate = LaunchGate(store: store, packages: packages, hostId: configuration.hostId, clock: clock)
    }

    /// Ends the event stream (no more events are delivered).
    public nonisolated func finishEvents() { eventSink.finish() }

    /// Downloads, verifies and installs a listed mini-program now (a user tapped one that is still
    /// downloading); false when it is not listed or the package was refused.
    public func installNow(_ appId: String) async -> Bool {
        guard let entry = currentCatalog()?.snapshot.entries.first(where: { $0.appId == appId }) else { return false }
        await install(entry)
        return packages.contains(entry.package.sha256)
    }

    /// Whether a mini-program may run now, and its verified package if so.
    public func launch(_ appId: String) -> Result<LaunchTicket, LaunchRefusal> {
        guard ready else { return .failure(.notSynced) }
        return gate.launch(appId, user: configuration.userId)
    }

    /// Runs until cancelled: start-up clean-up, then sync and the event stream, reconnecting with backoff.
    public func run() async {
        prepare()
        var delay = configuration.reconnectDelay.first
        while !Task.isCancelled {
            let synced = await sync()
            ready = true
            await acknowledge()
            if synced {
                let opened = clock.now()
                await follow()
                // A stream that held for a while earns a quick reconnect; one that fails at once keeps backing
                // off (a broken event endpoint must not turn into a catalog request storm).
                if clock.now().timeIntervalSince(opened) >= 10 { delay = configuration.reconnectDelay.first }
            }
            guard !Task.isCancelled else { break }
            checkExpiry()
            // Jitter keeps a thousand shells from reconnecting in the same instant after a server restart.
            await pause(delay * Double.random(in: 0.5...1.0))
            delay = min(delay * 2, configuration.reconnectDelay.limit)
        }
        refresh?.cancel()
        eventSink.finish()
    }

    /// Start-up: finishes any recall or install a crash cut off. Installed rows without files and files
    /// without rows go; tombstoned apps' packages go. Nonisolated: it touches only the store and the disk.
    public nonisolated func prepare() {
        do {
            var kept = Set<String>()
            for package in try store.installed() {
                if packages.contains(package.sha256) {
                    kept.insert(package.sha256)
                } else {
                    try store.removeInstalled(sha256: package.sha256)
                }
            }
            packages.cleanUp(keeping: kept)
        } catch {
            try? store.log("store", "start-up clean-up failed: \(error)", at: Date())
        }
    }
}

/// Why an agent cannot start.
public enum AgentError: Error, Sendable, CustomStringConvertible {
    case noTrustedKey

    public var description: String {
        switch self {
        case .noTrustedKey:
            "no server key to trust: pass the key catalogd prints with 'catalogd key show' (it is pinned from then on)"
        }
    }
}
