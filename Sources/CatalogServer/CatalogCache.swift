import Catalog
import CatalogAPI
import Foundation
import HTTPTypes
import MiniKit
import MiniSupport

/// What the signed catalog of a host is built from, read from the store once per catalog version (and checked
/// against the store's host state once a second, for changes other replicas commit), and the bodies of recently
/// signed catalogs. A catalog request then costs the gray resolution for its user and, if
/// the catalog changed for that user, one signature.
actor CatalogCache {
    struct HostCatalog: Sendable {
        var catalogVersion: UInt64
        var eventSequence: UInt64
        var appIds: [String]
        var resolver: CatalogResolver
        /// Entry templates by app id and version (the `gray` flag is set per user).
        var entries: [String: [SemanticVersion: CatalogEntry]]
        var tombstones: [Tombstone]
        /// The package of every version the host lists (what its shells may download).
        var packages: Set<String>
        /// The host app's expiry grace, signed into every catalog.
        var expiryGraceSeconds: Int
        /// How the host presents itself, signed into every catalog.
        var brand: HostBrand?
        /// When the store last confirmed these inputs are current (another replica may have changed them).
        var checked: Date = .distantPast
    }

    /// How long inputs are served before the store is asked whether the host changed: another replica's commit
    /// reaches this one's catalogs within this time.
    static let recheck: TimeInterval = 1

    private var hosts: [String: HostCatalog] = [:]
    /// Raised by every invalidation: a rebuild that started before a change must not be kept after it.
    private var generations: [String: UInt64] = [:]
    /// Raised when everything is forgotten at once (see ``forgetEverything()``).
    private var epoch: UInt64 = 0

    /// What must not have changed for a reading of a host's inputs (or user trust) to be kept.
    struct Stamp: Equatable {
        var host: UInt64
        var all: UInt64
    }

    private func stamp(_ hostId: String) -> Stamp { Stamp(host: generations[hostId, default: 0], all: epoch) }
    private func trustStamp(_ hostId: String) -> Stamp { Stamp(host: trustGenerations[hostId, default: 0], all: epoch) }
    /// Host keys and device tokens already checked (see ``CheckedSecrets``).
    private var keys = CheckedSecrets<String>(limit: 10_000)
    private var devices = CheckedSecrets<Device>(limit: 100_000)
    /// Whom each host's catalog believes about its users, and the user assertions already verified (by the
    /// hash of their header value and host), checked again like keys.
    private var trusts = CheckedSecrets<UserTrust>(limit: 10_000)
    private var assertions = CheckedSecrets<UserAssertion>(limit: 100_000)
    /// Raised by every change of a host's user trust in this process: a reading from before it is not kept.
    private var trustGenerations: [String: UInt64] = [:]
    /// When each device's last sighting was written (at most once a minute per device).
    private var sightings: [String: Date] = [:]
    private var bodies: [String: Data] = [:]
    private static let maximumBodies = 4_096

    /// Forgets a host's inputs: its listings changed (this process committed them).
    func invalidate(_ hostId: String) {
        hosts[hostId] = nil
        generations[hostId, default: 0] &+= 1
    }

    /// Forgets everything read from the store: this replica may have missed other replicas' changes.
    func forgetEverything() {
        epoch &+= 1
        hosts = [:]
        keys.forget { _ in true }
        devices.forget { _ in true }
        trusts.forget { _ in true }
        assertions.forget { _ in true }
    }

    /// Forgets every checked key of a host (its key was replaced).
    func forgetKeys(of hostId: String) { keys.forget { $0 == hostId } }

    /// The host a key belongs to; nil for an unknown or replaced key.
    func host(forKey key: String, store: any CatalogStore, now: Date) async throws -> String? {
        let hash = APIToken.hash(key)
        if let host = keys.fresh(hash, now: now) { return host }
        let epoch = keys.epoch
        let host = try await store.host(forKeyHash: hash)
        keys.record(host, for: hash, now: now, readSince: epoch)
        return host
    }

    /// The device a token belongs to (revoked ones too); nil for an unknown token.
    func device(forToken token: String, store: any CatalogStore, now: Date) async throws -> Device? {
        let hash = APIToken.hash(token)
        if let device = devices.fresh(hash, now: now) { return device }
        let epoch = devices.epoch
        let device = try await store.device(forTokenHash: hash)
        devices.record(device, for: hash, now: now, readSince: epoch)
        return device
    }

    /// Forgets a device's checked tokens (it was revoked or enrolled again in this process).
    func forgetDevice(_ id: String) { devices.forget { $0.id == id } }

    /// A host's user-signing keys and client-supplied property names; none for an unknown host.
    func userTrust(of hostId: String, store: any CatalogStore, now: Date) async throws -> UserTrust {
        if let trust = trusts.fresh(hostId, now: now) { return trust }
        let generation = trustStamp(hostId)
        let epoch = trusts.epoch
        let host = try await store.hostApp(id: hostId)
        let trust = UserTrust(
            hostId: hostId, keys: host?.userKeys.compactMap { try? VerificationKey(base64: $0) } ?? [],
            clientProperties: Set(host?.clientProperties ?? []), generation: generation, checked: now)
        // Read before a change this process made meanwhile: used once, never kept.
        if trustStamp(hostId) == generation {
            trusts.record(trust, for: hostId, now: now, readSince: epoch)
        }
        return trust
    }

    /// Forgets a host's user trust and every assertion verified with it (ops changed it in this process).
    func forgetUserTrust(of hostId: String) {
        trustGenerations[hostId, default: 0] &+= 1
        trusts.forget(hostId)
        assertions.forget { $0.hostId == hostId }
    }

    /// An assertion verified less than a few seconds ago and not expired since.
    func verifiedAssertion(_ hash: String, now: Date) -> UserAssertion? {
        guard let assertion = assertions.fresh(hash, now: now), now <= assertion.expiresAt else { return nil }
        return assertion
    }

    /// Keeps an assertion verified with `trust` for as long as that trust reading counts as fresh, no longer:
    /// a key removed elsewhere stops working within one recheck.
    func rememberAssertion(_ assertion: UserAssertion, for hash: String, trust: UserTrust) {
        // Verified with a trust this process has changed since: used for this request, never kept.
        guard trustStamp(trust.hostId) == trust.generation else { return }
        assertions.record(assertion, for: hash, now: trust.checked, readSince: assertions.epoch)
    }

    /// Records that a device was seen, writing at most once a minute per device.
    func seen(_ device: Device, store: any CatalogStore, now: Date) async {
        if let last = sightings[device.id], now.timeIntervalSince(last) < 60 { return }
        if sightings.count > 100_000 { sightings.removeAll() }
        sightings[device.id] = now
        try? await store.touchDevice(id: device.id, at: now)
    }

    /// The host's inputs; read from the store when this process has not seen them since its last change.
    func host(_ hostId: String, store: any CatalogStore, clock: any CatalogClock) async throws -> HostCatalog {
        let now = clock.now()
        if let cached = hosts[hostId] {
            if now.timeIntervalSince(cached.checked) < Self.recheck { return cached }
            // One cheap read a second per host: unchanged (the usual case), the same inputs go on.
            let generation = stamp(hostId)
            let state = try await store.hostState(hostId)
            if state.catalogVersion == cached.catalogVersion, state.eventSequence == cached.eventSequence {
                if stamp(hostId) == generation, var current = hosts[hostId],
                    current.catalogVersion == cached.catalogVersion
                {
                    current.checked = now
                    hosts[hostId] = current
                }
                return cached
            }
            hosts[hostId] = nil
        }
        // The reads are separate and this actor is re-entered while they wait: a build counts only when the
        // host's state (raised in the same transaction as every listing change) is the same before and after
        // it, and it is kept only when no invalidation happened meanwhile.
        for _ in 0..<5 {
            let generation = stamp(hostId)
            let before = try await store.hostState(hostId)
            let catalog = try await build(hostId, state: before, store: store, clock: clock)
            let after = try await store.hostState(hostId)
            guard before == after else { continue }
            var checkedCatalog = catalog
            checkedCatalog.checked = now
            if stamp(hostId) == generation { hosts[hostId] = checkedCatalog }
            return checkedCatalog
        }
        throw ProblemError(
            .serviceUnavailable, code: .catalogBusy, detail: "the host's catalog keeps changing; retry in a moment")
    }

    private func build(
        _ hostId: String, state: (catalogVersion: UInt64, eventSequence: UInt64), store: any CatalogStore,
        clock: any CatalogClock
    ) async throws -> HostCatalog {
        let listings = try await store.listings(hostId: hostId).filter { [.full, .gray, .paused].contains($0.state) }
        var entries: [String: [SemanticVersion: CatalogEntry]] = [:]
        var partners: [String: String] = [:]
        for listing in listings {
            guard let program = try await store.miniProgram(id: listing.appId) else { continue }
            if partners[program.partnerId] == nil {
                partners[program.partnerId] = try await store.partnerName(program.partnerId)
            }
            let versions =
                [listing.plan.stableVersion, listing.plan.gray?.version].compactMap { $0 }
                + (listing.plan.gray?.variants.compactMap { SemanticVersion($0.name) } ?? [])
            for version in versions {
                guard let stored = try await store.version(appId: listing.appId, version: version) else { continue }
                entries[listing.appId, default: [:]][version] = CatalogEntry(
                    appId: program.id, name: program.name, category: program.category, version: version,
                    package: stored.version.package, grantedScopes: stored.version.scopes.map(\.scope),
                    grantedDomains: stored.version.domains, gray: false, partner: partners[program.partnerId],
                    description: stored.version.texts.description.isEmpty ? nil : stored.version.texts.description,
                    localized: stored.version.texts.localized.isEmpty ? nil : stored.version.texts.localized)
            }
        }
        let hostApp = try await store.hostApp(id: hostId)
        return HostCatalog(
            catalogVersion: state.catalogVersion, eventSequence: state.eventSequence, appIds: listings.map(\.appId),
            resolver: CatalogResolver(plans: listings.map(\.plan), segments: try await store.segments(), clock: clock),
            entries: entries,
            tombstones: try await store.delistings(hostId: hostId),
            packages: Set(entries.values.flatMap { $0.values.map(\.package.sha256) }),
            expiryGraceSeconds: hostApp?.expiryGraceSeconds ?? 0, brand: hostApp?.brand)
    }

    func body(_ etag: String) -> Data? { bodies[etag] }

    func remember(_ body: Data, for etag: String) {
        if bodies.count >= Self.maximumBodies { bodies.removeAll(keepingCapacity: true) }
        bodies[etag] = body
    }
}

/// Whom a host's catalog believes about its users (see ``HostApp/userKeys``).
struct UserTrust: Sendable {
    var hostId: String
    var keys: [VerificationKey]
    var clientProperties: Set<String>
    /// The host's trust generation when this was read, and when.
    var generation: CatalogCache.Stamp
    var checked: Date
}
