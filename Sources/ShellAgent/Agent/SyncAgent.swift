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
    private nonisolated let gate: LaunchGate
    private let eventSink: AsyncStream<AgentEvent>.Continuation
    private let transport: any CatalogTransport
    private nonisolated let store: ShellStore
    private nonisolated let packages: PackageCache
    private let clock: any CatalogClock
    private let trustedKeys: [VerificationKey]
    private let recall: @Sendable (String, String) async -> Void
    private let purged: @Sendable (String) -> Void
    /// False until the first sync attempt after start has finished: no launch before tombstones are known.
    private var ready = false
    private var expiredReported = false
    private var lastAcknowledged: (catalogVersion: UInt64, eventSequence: UInt64, installed: Int, at: Date)?
    /// The stored catalog, read once and then kept current in memory (decoding it is not free).
    private var cachedCatalog: ShellStore.StoredCatalog??

    private func currentCatalog() -> ShellStore.StoredCatalog? {
        if let cachedCatalog { return cachedCatalog }
        let loaded = try? store.catalog(host: configuration.hostId, user: configuration.userId)
        cachedCatalog = .some(loaded)
        return loaded
    }

    /// The sync in flight, shared by every caller.
    private var syncing: Task<Bool, Never>?
    /// When the last catalog refresh was attempted (successful or not), to pace heartbeat refreshes.
    private var lastRefreshAttempt = Date.distantPast

    /// A catalog refresh an event asked for, waiting for its jittered moment.
    private var refresh: Task<Void, Never>?

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
        // The first key given is pinned; afterwards only the pinned keys are trusted, and a different key
        // given later is refused rather than silently added.
        let pinned = try store.pinnedKeys()
        if pinned.isEmpty {
            guard !configuration.trustedKeys.isEmpty else { throw AgentError.noTrustedKey }
            try store.pin(configuration.trustedKeys)
            trustedKeys = configuration.trustedKeys
        } else {
            let known = Set(pinned.map(\.keyID))
            guard configuration.trustedKeys.allSatisfy({ known.contains($0.keyID) }) else {
                throw AgentError.keyMismatch
            }
            trustedKeys = pinned
        }
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

    // MARK: Catalog

    /// Fetches, verifies and applies the user's catalog once. False when it could not (offline, refused).
    @discardableResult
    public func sync() async -> Bool {
        // One sync at a time: two concurrent ones could verify against the same stale catalog and apply an
        // older answer after a newer one.
        if let running = syncing { return await running.value }
        let task = Task { await self.performSync() }
        syncing = task
        let result = await task.value
        syncing = nil
        return result
    }

    private func performSync() async -> Bool {
        lastRefreshAttempt = clock.now()
        let stored = currentCatalog()
        var query = "user=\(URLText.encode(configuration.userId))"
        for (name, value) in configuration.properties.sorted(by: { $0.key < $1.key }) {
            query += "&p.\(URLText.encode(name))=\(URLText.encode(value))"
        }
        var headers: [(name: String, value: String)] = [("X-Host-Key", configuration.hostKey)]
        if let etag = stored?.etag { headers.append(("If-None-Match", etag)) }
        let reply: HTTPReply
        do {
            reply = try await transport.send(
                HTTPRequest(
                    url: "\(configuration.server)/v1/hosts/\(URLText.encode(configuration.hostId))/catalog?\(query)",
                    headers: headers, maximumResponseSize: SignedEnvelope.maximumPayloadSize * 2))
        } catch {
            emit(.disconnected(reason: error.description))
            return false
        }
        switch reply.status {
        case 304 where stored != nil:
            try? store.touchCatalog(host: configuration.hostId, user: configuration.userId, at: clock.now())
            if var current = stored {
                current.fetchedAt = clock.now()
                cachedCatalog = .some(current)
            }
            expiredReported = false
            // The same catalog, but packages may be gone since (settings cleared the download cache).
            if let current = stored { await installMissing(current.snapshot) }
            return true
        case 200:
            break
        default:
            emit(.disconnected(reason: "the catalog request was answered \(reply.status): \(Self.detail(reply.body))"))
            return false
        }
        guard
            let snapshot = verified(
                reply.body, as: CatalogSnapshot.self, what: "catalog",
                lastVersion: stored?.snapshot.catalogVersion, lastIssuedAt: stored?.snapshot.issuedAt)
        else { return false }
        await apply(snapshot, envelope: reply.body, etag: reply.headers["etag"])
        return true
    }

    /// Reads and verifies a signed payload; refuses it (event and log) and gives nil when it does not verify.
    private func verified<P: SignedPayload>(
        _ data: Data, as type: P.Type, what: String, lastVersion: UInt64?, lastIssuedAt: Date?
    ) -> P? {
        let envelope: SignedEnvelope
        do {
            envelope = try SignedEnvelope(wire: data)
        } catch {
            refuse(what, "malformed-envelope", error.description)
            return nil
        }
        do {
            return try EnvelopeVerifier(
                policy: VerificationPolicy(
                    trustedKeys: trustedKeys, hostId: configuration.hostId, userId: configuration.userId,
                    lastAcceptedVersion: lastVersion, lastAcceptedIssuedAt: lastIssuedAt),
                clock: clock
            ).verify(envelope, as: type)
        } catch {
            refuse(what, error.code, error.description)
            return nil
        }
    }

    private func apply(_ snapshot: CatalogSnapshot, envelope: Data, etag: String?) async {
        // Recalls first: nothing the catalog names is installed before every tombstone is carried out.
        for tombstone in snapshot.tombstones {
            await purge(tombstone)
        }
        do {
            guard try store.saveCatalog(snapshot, envelope: envelope, etag: etag, at: clock.now()) else {
                refuse("catalog", "stale", "catalog \(snapshot.catalogVersion) is older than the one applied")
                return
            }
            cachedCatalog = .some(ShellStore.StoredCatalog(snapshot: snapshot, etag: etag, fetchedAt: clock.now()))
        } catch {
            note("store", "cannot keep the catalog: \(error)")
            return
        }
        expiredReported = false
        // Ready before anyone hears of it: a shell that launches on "synced" must find the gate open.
        ready = true
        emit(
            .synced(
                catalogVersion: snapshot.catalogVersion, entries: snapshot.entries.count,
                tombstones: snapshot.tombstones.count))
        await installMissing(snapshot)
        collectGarbage()
        // A recall must not pay for compiling its statements: the first use in a connection costs more than
        // the recall itself.
        try? store.prepareForRecalls()
    }

    /// Installs what the catalog lists and this shell lacks. One read of what is installed, not one per entry;
    /// an installed row whose files are gone installs again.
    private func installMissing(_ snapshot: CatalogSnapshot) async {
        let installed = Set(((try? store.installed()) ?? []).map(\.sha256))
        for entry in snapshot.entries
        where !(installed.contains(entry.package.sha256) && packages.contains(entry.package.sha256)) {
            await install(entry)
        }
    }

    private func install(_ entry: CatalogEntry) async {
        let sha = entry.package.sha256
        guard entry.package.isWellFormed else {
            refuse("package", "malformed-reference", "\(entry.appId) \(entry.version): not a SHA-256 reference")
            return
        }
        if (try? store.installed(sha256: sha)) != nil, packages.contains(sha) { return }
        guard entry.package.size <= MiniKitLimits.maximumPackageSize, entry.package.size > 0 else {
            refuse(
                "package", "too-large",
                "\(entry.appId) \(entry.version): \(entry.package.size) bytes is over the package limit")
            return
        }
        let reply: HTTPReply
        do {
            reply = try await transport.send(
                HTTPRequest(
                    url: "\(configuration.server)/v1/packages/\(sha)", headers: [("X-Host-Key", configuration.hostKey)],
                    timeout: .seconds(30), maximumResponseSize: entry.package.size))
        } catch .tooLarge {
            refuse(
                "package", "size-mismatch",
                "\(entry.appId) \(entry.version): larger than the catalog's \(entry.package.size) bytes")
            return
        } catch {
            emit(.disconnected(reason: "cannot download \(entry.appId) \(entry.version): \(error)"))
            return
        }
        guard reply.status == 200 else {
            refuse("package", "download-failed", "\(entry.appId) \(entry.version): answered \(reply.status)")
            return
        }
        guard reply.body.count == entry.package.size else {
            refuse(
                "package", "size-mismatch",
                "\(entry.appId) \(entry.version): \(reply.body.count) bytes, the catalog says \(entry.package.size)")
            return
        }
        guard PackageCache.digest(reply.body) == sha else {
            refuse(
                "package", "hash-mismatch", "\(entry.appId) \(entry.version): the SHA-256 is not the catalog's \(sha)")
            return
        }
        do {
            try packages.install(reply.body, sha256: sha)
            let recorded = try store.recordInstalled(
                ShellStore.InstalledPackage(
                    appId: entry.appId, version: entry.version, sha256: sha, size: reply.body.count),
                host: configuration.hostId, at: clock.now())
            guard recorded else {
                packages.remove(sha)  // recalled while it downloaded
                return
            }
        } catch {
            note("store", "cannot install \(entry.appId) \(entry.version): \(error)")
            return
        }
        emit(.installed(appId: entry.appId, version: entry.version, sha256: sha, bytes: reply.body.count))
    }

    /// Packages no stored catalog of any user names any more (a gray version swapped, a listing ended).
    private func collectGarbage() {
        guard let referenced = try? store.referencedPackages(), let installed = try? store.installed() else { return }
        for package in installed where !referenced.contains(package.sha256) {
            try? store.removeInstalled(sha256: package.sha256)
            packages.remove(package.sha256)
        }
    }

    // MARK: Recall

    /// Closes, deletes and records a delisted mini-program; does nothing when that was done already.
    private func purge(_ tombstone: Tombstone, event: CatalogEvent? = nil) async {
        let host = configuration.hostId
        let title = currentCatalog()?.snapshot.entries.first { $0.appId == tombstone.appId }?.name ?? tombstone.appId
        let hashes: [String]?
        do {
            hashes = try store.recall(
                tombstone, host: host, name: title, at: clock.now(),
                lastEvent: event.map { ($0.sequence, $0.issuedAt) },
                log: "\(tombstone.appId) delisted (\(tombstone.reason)): closed, code and data deleted")
        } catch {
            note("store", "cannot record the recall of \(tombstone.appId): \(error)")
            return
        }
        guard let hashes else { return }  // nothing of it was on this shell
        await recall(tombstone.appId, tombstone.reason)
        await packages.removeSuspending(hashes)
        purged(tombstone.appId)
        emit(.purged(appId: tombstone.appId, reason: tombstone.reason, sequence: tombstone.sequence))
    }

    // MARK: Events

    /// Follows the event stream until it ends; refreshes the catalog on every event and when it gets old.
    private func follow() async {
        let host = configuration.hostId
        let after = appliedEventSequence()
        let stream = transport.stream(
            HTTPRequest(
                url: "\(configuration.server)/v1/hosts/\(URLText.encode(host))/events?after=\(after)",
                headers: [("X-Host-Key", configuration.hostKey), ("Accept", "text/event-stream")]))
        emit(.connected(after: after))
        var parser = ServerSentEventParser()
        do {
            for try await chunk in stream {
                let events: [ServerSentEvent]
                do {
                    events = try parser.feed(chunk)
                } catch {
                    // Handle what arrived whole before the oversized line, then reconnect.
                    for event in error.completed where event.event == "catalog" { await handle(event) }
                    throw error
                }
                for event in events where event.event == "catalog" {
                    await handle(event)
                }
                // Heartbeats arrive every 10 s: refresh a catalog that is a quarter through its life.
                // Paced by the last attempt, not the last success, and never inline: a refresh must not
                // hold up the next event (a recall), and a failing server must not be asked on every chunk.
                if let current = currentCatalog() {
                    let life = current.snapshot.expiresAt.timeIntervalSince(current.snapshot.issuedAt)
                    let now = clock.now()
                    // A quarter of the catalog's life (however short a QA server makes it), paced by attempts.
                    let interval = max(2, life / 4)
                    // A stream can outlive the catalog when refreshes keep failing: report it on time.
                    if now > current.launchableUntil { checkExpiry() }
                    if now.timeIntervalSince(current.fetchedAt) > interval,
                        now.timeIntervalSince(lastRefreshAttempt) > min(60, interval)
                    {
                        lastRefreshAttempt = now
                        scheduleRefresh()
                    }
                }
            }
            emit(.disconnected(reason: "the event stream ended"))
        } catch {
            emit(.disconnected(reason: "the event stream broke: \(error)"))
        }
    }

    /// The highest event sequence this shell has applied: the catalog's own, or a later event's.
    private func appliedEventSequence() -> UInt64 {
        max(
            currentCatalog()?.snapshot.eventSequence ?? 0,
            (try? store.lastEvent(host: configuration.hostId))?.sequence ?? 0)
    }

    private func handle(_ sse: ServerSentEvent) async {
        let host = configuration.hostId
        let last = try? store.lastEvent(host: host)
        // Everything up to the catalog's own event sequence is already applied: an older event, even validly
        // signed and unexpired, is a replay (it could undo a relisting).
        let floor = max(last?.sequence ?? 0, currentCatalog()?.snapshot.eventSequence ?? 0)
        guard
            let event = verified(
                Data(sse.data.utf8), as: CatalogEvent.self, what: "event", lastVersion: floor == 0 ? nil : floor,
                lastIssuedAt: floor == last?.sequence ? last?.issuedAt : nil)
        else { return }
        if event.sequence <= floor { return }  // already applied (a resent event)
        if event.kind == .delisted {
            // Acted on at once, before the next catalog arrives; acknowledged with the refresh.
            await purge(
                Tombstone(
                    appId: event.appId, delistedAt: event.issuedAt, reason: event.reason ?? "delisted",
                    sequence: event.sequence), event: event)
        } else {
            try? store.saveLastEvent(host: host, sequence: event.sequence, issuedAt: event.issuedAt)
        }
        scheduleRefresh()
    }

    /// Fetches the catalog an event changed, after a random delay within the configured jitter: a thousand
    /// shells woken by one event must not ask the server for their catalogs in the same instant. Events that
    /// arrive meanwhile share the refresh; recalls never wait for it.
    private func scheduleRefresh() {
        guard refresh == nil else { return }
        let jitter = configuration.refreshJitter
        refresh = Task {
            // Half of the window always passes first: the shells' own recalls and the server's event
            // fan-out come before a thousand catalog requests.
            let delay = jitter * Double.random(in: 0.5...1)
            if delay > .zero { try? await self.clock.sleep(for: delay) }
            await self.refreshNow()
        }
    }

    private func refreshNow() async {
        refresh = nil
        guard !Task.isCancelled else { return }
        await sync()
        await acknowledge()
        checkExpiry()
    }

    // MARK: Acknowledgements

    /// Reports the applied catalog, the installed packages and unacknowledged purges; sent when something
    /// changed or every 15 minutes (so operations counts the shell as active).
    public func acknowledge() async {
        let host = configuration.hostId
        guard let catalog = currentCatalog() else { return }
        let installed = (try? store.installed()) ?? []
        let purged = (try? store.pendingPurges(host: host)) ?? []
        let sequence = appliedEventSequence()
        let now = clock.now()
        if purged.isEmpty, let last = lastAcknowledged, last.catalogVersion == catalog.snapshot.catalogVersion,
            last.eventSequence == sequence, last.installed == installed.count, now.timeIntervalSince(last.at) < 900
        {
            return
        }
        let sent = Array(purged.prefix(1_000))
        let ack = Acknowledgement(
            hostId: host, shellId: configuration.shellId, userId: configuration.userId,
            catalogVersion: catalog.snapshot.catalogVersion, eventSequence: sequence,
            installed: installed.prefix(1_000).map {
                Acknowledgement.InstalledPackage(appId: $0.appId, version: $0.version, sha256: $0.sha256)
            }, purged: sent, sentAt: now)
        let body = ack.wireJSON
        do {
            let reply = try await transport.send(
                HTTPRequest(
                    method: "POST", url: "\(configuration.server)/v1/hosts/\(URLText.encode(host))/acks",
                    headers: [("X-Host-Key", configuration.hostKey), ("Content-Type", "application/json")], body: body))
            guard reply.status == 204 else {
                note("ack", "the acknowledgement was answered \(reply.status): \(Self.detail(reply.body))")
                return
            }
        } catch {
            note("ack", "cannot send the acknowledgement: \(error)")
            return
        }
        try? store.markPurgesAcknowledged(host: host, apps: sent)
        lastAcknowledged = (catalog.snapshot.catalogVersion, sequence, installed.count, now)
        emit(.acknowledged(catalogVersion: catalog.snapshot.catalogVersion, eventSequence: sequence, purged: purged))
    }

    // MARK: Expiry and reporting

    /// Waits between reconnection attempts, waking when the catalog's launch window closes so the expiry is
    /// reported on time rather than at the next attempt (which may be half a minute away).
    private func pause(_ duration: Duration) async {
        var remaining = duration
        while remaining > .zero, !Task.isCancelled {
            var nap = remaining
            if !expiredReported, let until = currentCatalog()?.launchableUntil {
                let left = until.timeIntervalSince(clock.now())
                if left >= 0 { nap = min(nap, .milliseconds(Int64(left * 1000) + 20)) }
            }
            try? await clock.sleep(for: nap)
            remaining -= nap
            checkExpiry()
        }
    }

    private func checkExpiry() {
        guard !expiredReported,
            let catalog = currentCatalog(),
            clock.now() > catalog.launchableUntil
        else { return }
        expiredReported = true
        note("expired", "the catalog expired at \(Timestamp.format(catalog.snapshot.expiresAt)); launching is refused")
        emit(.expired(launchableUntil: catalog.launchableUntil))
    }

    private func refuse(_ what: String, _ code: String, _ reason: String) {
        note("refused", "\(what) [\(code)]: \(reason)")
        emit(.refused(what: what, code: code, reason: reason))
    }

    private func note(_ kind: String, _ detail: String) {
        try? store.log(kind, detail, at: clock.now())
    }

    private func emit(_ event: AgentEvent) {
        eventSink.yield(event)
    }

    private static func detail(_ body: Data) -> String {
        if let json = try? JSONValue.parse(body), let detail = try? JSONCursor(json).require("detail").string() {
            return detail
        }
        return String(decoding: body.prefix(200), as: UTF8.self)
    }
}

/// Why an agent cannot start.
public enum AgentError: Error, Sendable, CustomStringConvertible {
    case noTrustedKey
    case keyMismatch

    public var description: String {
        switch self {
        case .noTrustedKey:
            "no server key to trust: pass the key catalogd prints with 'catalogd key show' (it is pinned from then on)"
        case .keyMismatch:
            "--server-key is not the key this shell pinned on first use; a key change needs a fresh data folder"
        }
    }
}
